# Sources of core/qa (automatic QA: checks, their registry, the QA profile, schemas), appended to
# gatehouse_core by core/CMakeLists.txt. Checks that decode images live in core/imaging and register here.
target_sources(gatehouse_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/batchchecks.cpp ${CMAKE_CURRENT_LIST_DIR}/batchchecks.h
    ${CMAKE_CURRENT_LIST_DIR}/check.cpp ${CMAKE_CURRENT_LIST_DIR}/check.h
    ${CMAKE_CURRENT_LIST_DIR}/checkjob.cpp ${CMAKE_CURRENT_LIST_DIR}/checkjob.h
    ${CMAKE_CURRENT_LIST_DIR}/checkregistry.cpp ${CMAKE_CURRENT_LIST_DIR}/checkregistry.h
    ${CMAKE_CURRENT_LIST_DIR}/checkrunner.cpp ${CMAKE_CURRENT_LIST_DIR}/checkrunner.h
    ${CMAKE_CURRENT_LIST_DIR}/checkstage.cpp ${CMAKE_CURRENT_LIST_DIR}/checkstage.h
    ${CMAKE_CURRENT_LIST_DIR}/filechecks.cpp ${CMAKE_CURRENT_LIST_DIR}/filechecks.h
    ${CMAKE_CURRENT_LIST_DIR}/jp2structure.cpp ${CMAKE_CURRENT_LIST_DIR}/jp2structure.h
    ${CMAKE_CURRENT_LIST_DIR}/metadatafacts.cpp ${CMAKE_CURRENT_LIST_DIR}/metadatafacts.h
    ${CMAKE_CURRENT_LIST_DIR}/qalogging.cpp ${CMAKE_CURRENT_LIST_DIR}/qalogging.h
    ${CMAKE_CURRENT_LIST_DIR}/qaprofile.cpp ${CMAKE_CURRENT_LIST_DIR}/qaprofile.h
    ${CMAKE_CURRENT_LIST_DIR}/qareview.cpp ${CMAKE_CURRENT_LIST_DIR}/qareview.h
    ${CMAKE_CURRENT_LIST_DIR}/schemafetch.cpp ${CMAKE_CURRENT_LIST_DIR}/schemafetch.h
    ${CMAKE_CURRENT_LIST_DIR}/schemaset.cpp ${CMAKE_CURRENT_LIST_DIR}/schemaset.h
    ${CMAKE_CURRENT_LIST_DIR}/storedcopy.cpp ${CMAKE_CURRENT_LIST_DIR}/storedcopy.h
    ${CMAKE_CURRENT_LIST_DIR}/xmlcatalog.cpp ${CMAKE_CURRENT_LIST_DIR}/xmlcatalog.h
)
