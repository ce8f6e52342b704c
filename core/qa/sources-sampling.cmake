# Sources of core/qa owned by sampling (ISO 2859-1 plans and the seeded draw), appended to gatehouse_core by
# core/CMakeLists.txt. core/qa/sources.cmake lists the automatic checks.
target_sources(gatehouse_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/samplingplan.cpp ${CMAKE_CURRENT_LIST_DIR}/samplingplan.h
    ${CMAKE_CURRENT_LIST_DIR}/samplingrandom.cpp ${CMAKE_CURRENT_LIST_DIR}/samplingrandom.h
)
