# Sources of core/report, appended to gatehouse_core by core/CMakeLists.txt.
target_sources(gatehouse_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/batchlog.cpp ${CMAKE_CURRENT_LIST_DIR}/batchlog.h
    ${CMAKE_CURRENT_LIST_DIR}/problems.cpp ${CMAKE_CURRENT_LIST_DIR}/problems.h
    ${CMAKE_CURRENT_LIST_DIR}/csvexport.cpp ${CMAKE_CURRENT_LIST_DIR}/csvexport.h
    ${CMAKE_CURRENT_LIST_DIR}/duplicatereport.cpp ${CMAKE_CURRENT_LIST_DIR}/duplicatereport.h
    ${CMAKE_CURRENT_LIST_DIR}/exports.cpp ${CMAKE_CURRENT_LIST_DIR}/exports.h
    ${CMAKE_CURRENT_LIST_DIR}/filedetails.cpp ${CMAKE_CURRENT_LIST_DIR}/filedetails.h
    ${CMAKE_CURRENT_LIST_DIR}/itemlink.cpp ${CMAKE_CURRENT_LIST_DIR}/itemlink.h
    ${CMAKE_CURRENT_LIST_DIR}/logshipper.cpp ${CMAKE_CURRENT_LIST_DIR}/logshipper.h
    ${CMAKE_CURRENT_LIST_DIR}/mailer.cpp ${CMAKE_CURRENT_LIST_DIR}/mailer.h
    ${CMAKE_CURRENT_LIST_DIR}/metswriter.cpp ${CMAKE_CURRENT_LIST_DIR}/metswriter.h
    ${CMAKE_CURRENT_LIST_DIR}/premiswriter.cpp ${CMAKE_CURRENT_LIST_DIR}/premiswriter.h
    ${CMAKE_CURRENT_LIST_DIR}/reportsettings.cpp ${CMAKE_CURRENT_LIST_DIR}/reportsettings.h
    ${CMAKE_CURRENT_LIST_DIR}/reports.cpp ${CMAKE_CURRENT_LIST_DIR}/reports.h
    ${CMAKE_CURRENT_LIST_DIR}/runnotifier.cpp ${CMAKE_CURRENT_LIST_DIR}/runnotifier.h
    ${CMAKE_CURRENT_LIST_DIR}/summarysections.cpp ${CMAKE_CURRENT_LIST_DIR}/summarysections.h
)
