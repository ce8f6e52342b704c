# Sources of core/catalog, appended to gatehouse_core by core/CMakeLists.txt.
target_sources(gatehouse_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/catalog.cpp ${CMAKE_CURRENT_LIST_DIR}/catalog.h
    ${CMAKE_CURRENT_LIST_DIR}/bulkrows.h
    ${CMAKE_CURRENT_LIST_DIR}/catalogchanges.cpp ${CMAKE_CURRENT_LIST_DIR}/catalogchanges.h
    ${CMAKE_CURRENT_LIST_DIR}/checkrecords.cpp ${CMAKE_CURRENT_LIST_DIR}/checkrecords.h
    ${CMAKE_CURRENT_LIST_DIR}/idlist.h
    ${CMAKE_CURRENT_LIST_DIR}/cataloglocation.cpp ${CMAKE_CURRENT_LIST_DIR}/cataloglocation.h
    ${CMAKE_CURRENT_LIST_DIR}/reconnect.h
    ${CMAKE_CURRENT_LIST_DIR}/takeover.h
    ${CMAKE_CURRENT_LIST_DIR}/targetrows.h
    ${CMAKE_CURRENT_LIST_DIR}/migrations.cpp ${CMAKE_CURRENT_LIST_DIR}/migrations.h
    ${CMAKE_CURRENT_LIST_DIR}/sqldialect.cpp ${CMAKE_CURRENT_LIST_DIR}/sqldialect.h
    ${CMAKE_CURRENT_LIST_DIR}/duplicatebook.cpp ${CMAKE_CURRENT_LIST_DIR}/duplicatebook.h
    ${CMAKE_CURRENT_LIST_DIR}/eventperson.cpp ${CMAKE_CURRENT_LIST_DIR}/eventperson.h
    ${CMAKE_CURRENT_LIST_DIR}/duplicates.cpp ${CMAKE_CURRENT_LIST_DIR}/duplicates.h
    ${CMAKE_CURRENT_LIST_DIR}/itemcache.cpp ${CMAKE_CURRENT_LIST_DIR}/itemcache.h
)
