# Sources of core/report, appended to gatehouse_core by core/CMakeLists.txt.
target_sources(gatehouse_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/batchlog.cpp ${CMAKE_CURRENT_LIST_DIR}/batchlog.h
    ${CMAKE_CURRENT_LIST_DIR}/problems.cpp ${CMAKE_CURRENT_LIST_DIR}/problems.h
    ${CMAKE_CURRENT_LIST_DIR}/reports.cpp ${CMAKE_CURRENT_LIST_DIR}/reports.h
)
