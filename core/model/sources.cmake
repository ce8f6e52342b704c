# Sources of core/model, appended to gatehouse_core by core/CMakeLists.txt.
target_sources(gatehouse_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/problem.h
    ${CMAKE_CURRENT_LIST_DIR}/finding.cpp ${CMAKE_CURRENT_LIST_DIR}/finding.h
    ${CMAKE_CURRENT_LIST_DIR}/filestate.cpp ${CMAKE_CURRENT_LIST_DIR}/filestate.h
    ${CMAKE_CURRENT_LIST_DIR}/records.cpp ${CMAKE_CURRENT_LIST_DIR}/records.h
    ${CMAKE_CURRENT_LIST_DIR}/runner.h
    ${CMAKE_CURRENT_LIST_DIR}/stage.cpp ${CMAKE_CURRENT_LIST_DIR}/stage.h
    ${CMAKE_CURRENT_LIST_DIR}/status.cpp ${CMAKE_CURRENT_LIST_DIR}/status.h
)
