# Sources of core/pipeline, appended to gatehouse_core by core/CMakeLists.txt.
target_sources(gatehouse_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/archivecopy.cpp ${CMAKE_CURRENT_LIST_DIR}/archivecopy.h
    ${CMAKE_CURRENT_LIST_DIR}/batchhousekeeping.cpp ${CMAKE_CURRENT_LIST_DIR}/batchhousekeeping.h
    ${CMAKE_CURRENT_LIST_DIR}/batchrunner.cpp ${CMAKE_CURRENT_LIST_DIR}/batchrunner.h
    ${CMAKE_CURRENT_LIST_DIR}/curator.cpp ${CMAKE_CURRENT_LIST_DIR}/curator.h
    ${CMAKE_CURRENT_LIST_DIR}/download.cpp ${CMAKE_CURRENT_LIST_DIR}/download.h
    ${CMAKE_CURRENT_LIST_DIR}/engine.cpp ${CMAKE_CURRENT_LIST_DIR}/engine.h
    ${CMAKE_CURRENT_LIST_DIR}/fetchoptions.h
    ${CMAKE_CURRENT_LIST_DIR}/fetchoutcome.cpp ${CMAKE_CURRENT_LIST_DIR}/fetchoutcome.h
    ${CMAKE_CURRENT_LIST_DIR}/fetchstage.cpp ${CMAKE_CURRENT_LIST_DIR}/fetchstage.h
    ${CMAKE_CURRENT_LIST_DIR}/fileoutcome.h
    ${CMAKE_CURRENT_LIST_DIR}/filestage.cpp ${CMAKE_CURRENT_LIST_DIR}/filestage.h
    ${CMAKE_CURRENT_LIST_DIR}/hotfolderrunner.cpp ${CMAKE_CURRENT_LIST_DIR}/hotfolderrunner.h
    ${CMAKE_CURRENT_LIST_DIR}/localcopy.cpp ${CMAKE_CURRENT_LIST_DIR}/localcopy.h
    ${CMAKE_CURRENT_LIST_DIR}/nextstep.cpp ${CMAKE_CURRENT_LIST_DIR}/nextstep.h
    ${CMAKE_CURRENT_LIST_DIR}/progress.cpp ${CMAKE_CURRENT_LIST_DIR}/progress.h
    ${CMAKE_CURRENT_LIST_DIR}/recheck.cpp ${CMAKE_CURRENT_LIST_DIR}/recheck.h
    ${CMAKE_CURRENT_LIST_DIR}/runoptions.cpp ${CMAKE_CURRENT_LIST_DIR}/runoptions.h
    ${CMAKE_CURRENT_LIST_DIR}/settings.cpp ${CMAKE_CURRENT_LIST_DIR}/settings.h
    ${CMAKE_CURRENT_LIST_DIR}/settingstable.cpp ${CMAKE_CURRENT_LIST_DIR}/settingstable.h
    ${CMAKE_CURRENT_LIST_DIR}/stagedefinition.cpp ${CMAKE_CURRENT_LIST_DIR}/stagedefinition.h
    # The stages a batch passes after intake, in order.
    ${CMAKE_CURRENT_LIST_DIR}/stageregistry.cpp
    ${CMAKE_CURRENT_LIST_DIR}/workspace.cpp ${CMAKE_CURRENT_LIST_DIR}/workspace.h
)
