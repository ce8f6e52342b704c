# Sources of core/transfer, appended to gatehouse_core by core/CMakeLists.txt.
target_sources(gatehouse_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/httprules.cpp ${CMAKE_CURRENT_LIST_DIR}/httprules.h
    ${CMAKE_CURRENT_LIST_DIR}/transferactivity.h
    ${CMAKE_CURRENT_LIST_DIR}/serialqueue.cpp ${CMAKE_CURRENT_LIST_DIR}/serialqueue.h
    ${CMAKE_CURRENT_LIST_DIR}/transferengine.cpp ${CMAKE_CURRENT_LIST_DIR}/transferengine.h
    ${CMAKE_CURRENT_LIST_DIR}/transferoptions.cpp ${CMAKE_CURRENT_LIST_DIR}/transferoptions.h
)
