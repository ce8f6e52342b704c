# Sources of core/store, appended to gatehouse_core by core/CMakeLists.txt.
target_sources(gatehouse_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/bitstore.h
    ${CMAKE_CURRENT_LIST_DIR}/localstore.cpp ${CMAKE_CURRENT_LIST_DIR}/localstore.h
    ${CMAKE_CURRENT_LIST_DIR}/openbitstore.cpp
    ${CMAKE_CURRENT_LIST_DIR}/s3client.cpp ${CMAKE_CURRENT_LIST_DIR}/s3client.h
    ${CMAKE_CURRENT_LIST_DIR}/s3options.cpp ${CMAKE_CURRENT_LIST_DIR}/s3options.h
    ${CMAKE_CURRENT_LIST_DIR}/s3store.cpp ${CMAKE_CURRENT_LIST_DIR}/s3store.h
    ${CMAKE_CURRENT_LIST_DIR}/spoolfile.cpp ${CMAKE_CURRENT_LIST_DIR}/spoolfile.h
    ${CMAKE_CURRENT_LIST_DIR}/sigv4.cpp ${CMAKE_CURRENT_LIST_DIR}/sigv4.h
    ${CMAKE_CURRENT_LIST_DIR}/storekey.cpp ${CMAKE_CURRENT_LIST_DIR}/storekey.h
    ${CMAKE_CURRENT_LIST_DIR}/writeback.cpp ${CMAKE_CURRENT_LIST_DIR}/writeback.h
)
