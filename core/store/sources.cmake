# Sources of core/store, appended to gatehouse_core by core/CMakeLists.txt.
target_sources(gatehouse_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/bitstore.h
    ${CMAKE_CURRENT_LIST_DIR}/localstore.cpp ${CMAKE_CURRENT_LIST_DIR}/localstore.h
    ${CMAKE_CURRENT_LIST_DIR}/openbitstore.cpp
    ${CMAKE_CURRENT_LIST_DIR}/storekey.cpp ${CMAKE_CURRENT_LIST_DIR}/storekey.h
)
