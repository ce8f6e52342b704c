# Sources of core/digest, appended to gatehouse_core by core/CMakeLists.txt.
target_sources(gatehouse_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/fixity.cpp ${CMAKE_CURRENT_LIST_DIR}/fixity.h
    ${CMAKE_CURRENT_LIST_DIR}/md32length.h
    ${CMAKE_CURRENT_LIST_DIR}/md5lanes.cpp ${CMAKE_CURRENT_LIST_DIR}/md5lanes.h
    ${CMAKE_CURRENT_LIST_DIR}/mimesniff.cpp ${CMAKE_CURRENT_LIST_DIR}/mimesniff.h
    ${CMAKE_CURRENT_LIST_DIR}/multidigest.cpp ${CMAKE_CURRENT_LIST_DIR}/multidigest.h
    ${CMAKE_CURRENT_LIST_DIR}/shapair.cpp ${CMAKE_CURRENT_LIST_DIR}/shapair.h
)
