# Sources of core/i18n, appended to gatehouse_core by core/CMakeLists.txt.
#
# English plural forms: source strings such as "%n file(s)" need an English "translation" to read "1 file" and
# "2 files" (Qt's documented way: lupdate -pluralonly). translations/gatehouse_en.ts holds only those
# messages; it is compiled into the core library, so the CLI, the GUI and the tests all get it, and
# pluralforms.cpp installs it when a QCoreApplication starts. Danish and German live in the ui library.
target_sources(gatehouse_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/pluralforms.cpp ${CMAKE_CURRENT_LIST_DIR}/pluralforms.h
)
file(GLOB_RECURSE gatehouse_plural_sources CONFIGURE_DEPENDS
    ${PROJECT_SOURCE_DIR}/core/*.cpp ${PROJECT_SOURCE_DIR}/core/*.h
    ${PROJECT_SOURCE_DIR}/ui/*.cpp ${PROJECT_SOURCE_DIR}/ui/*.h
    ${PROJECT_SOURCE_DIR}/app/*.cpp)
qt_add_lupdate(gatehouse_core
    TS_FILES ${PROJECT_SOURCE_DIR}/translations/gatehouse_en.ts
    SOURCES ${gatehouse_plural_sources}
    INCLUDE_DIRECTORIES ${PROJECT_SOURCE_DIR}/core
    OPTIONS -pluralonly -no-obsolete -locations none)
qt_add_lrelease(gatehouse_core
    TS_FILES ${PROJECT_SOURCE_DIR}/translations/gatehouse_en.ts
    QM_FILES_OUTPUT_VARIABLE gatehouse_plural_qm)
qt_add_resources(gatehouse_core gatehouse_plurals
    PREFIX /i18n
    BASE ${CMAKE_CURRENT_BINARY_DIR}
    FILES ${gatehouse_plural_qm})
