# Sources of core/util, appended to gatehouse_core by core/CMakeLists.txt.
target_sources(gatehouse_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/helperpool.cpp ${CMAKE_CURRENT_LIST_DIR}/helperpool.h
    ${CMAKE_CURRENT_LIST_DIR}/naturalorder.cpp ${CMAKE_CURRENT_LIST_DIR}/naturalorder.h
    ${CMAKE_CURRENT_LIST_DIR}/keychain.cpp ${CMAKE_CURRENT_LIST_DIR}/keychain.h
    ${CMAKE_CURRENT_LIST_DIR}/logging.cpp ${CMAKE_CURRENT_LIST_DIR}/logging.h
    ${CMAKE_CURRENT_LIST_DIR}/result.h
    ${CMAKE_CURRENT_LIST_DIR}/savefile.cpp ${CMAKE_CURRENT_LIST_DIR}/savefile.h
)
