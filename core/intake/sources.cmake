# Sources of core/intake, appended to gatehouse_core by core/CMakeLists.txt.
target_sources(gatehouse_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/folderingester.cpp ${CMAKE_CURRENT_LIST_DIR}/folderingester.h
    ${CMAKE_CURRENT_LIST_DIR}/intake.cpp ${CMAKE_CURRENT_LIST_DIR}/intake.h
    ${CMAKE_CURRENT_LIST_DIR}/intaketypes.cpp ${CMAKE_CURRENT_LIST_DIR}/intaketypes.h
)
