# Sources of core/dedup, appended to gatehouse_core by core/CMakeLists.txt.
target_sources(gatehouse_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/dedupsettings.cpp ${CMAKE_CURRENT_LIST_DIR}/dedupsettings.h
    ${CMAKE_CURRENT_LIST_DIR}/dedupreview.cpp ${CMAKE_CURRENT_LIST_DIR}/dedupreview.h
    ${CMAKE_CURRENT_LIST_DIR}/dedupstage.cpp ${CMAKE_CURRENT_LIST_DIR}/dedupstage.h
    ${CMAKE_CURRENT_LIST_DIR}/duplicateclassifier.cpp ${CMAKE_CURRENT_LIST_DIR}/duplicateclassifier.h
    ${CMAKE_CURRENT_LIST_DIR}/duplicategate.cpp ${CMAKE_CURRENT_LIST_DIR}/duplicategate.h
    ${CMAKE_CURRENT_LIST_DIR}/duplicateservice.cpp ${CMAKE_CURRENT_LIST_DIR}/duplicateservice.h
    ${CMAKE_CURRENT_LIST_DIR}/duplicatesolver.cpp ${CMAKE_CURRENT_LIST_DIR}/duplicatesolver.h
    ${CMAKE_CURRENT_LIST_DIR}/filemove.cpp ${CMAKE_CURRENT_LIST_DIR}/filemove.h
)
