# Sources of core/query (file filters and sort keys shared by the GUI and the CLI), appended to gatehouse_core
# by core/CMakeLists.txt.
target_sources(gatehouse_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/filefilter.cpp ${CMAKE_CURRENT_LIST_DIR}/filefilter.h
)
