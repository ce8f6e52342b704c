# Sources of core/net, appended to gatehouse_core by core/CMakeLists.txt.
target_sources(gatehouse_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/httpengine.cpp ${CMAKE_CURRENT_LIST_DIR}/httpengine.h
    ${CMAKE_CURRENT_LIST_DIR}/httpexchange.cpp ${CMAKE_CURRENT_LIST_DIR}/httpexchange.h
    ${CMAKE_CURRENT_LIST_DIR}/httpoptions.h
    ${CMAKE_CURRENT_LIST_DIR}/httprequest.h
    ${CMAKE_CURRENT_LIST_DIR}/httprules.cpp ${CMAKE_CURRENT_LIST_DIR}/httprules.h
    ${CMAKE_CURRENT_LIST_DIR}/serialqueue.cpp ${CMAKE_CURRENT_LIST_DIR}/serialqueue.h
    ${CMAKE_CURRENT_LIST_DIR}/transferactivity.h
    ${CMAKE_CURRENT_LIST_DIR}/transferoptions.cpp ${CMAKE_CURRENT_LIST_DIR}/transferoptions.h
)
