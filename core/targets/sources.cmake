# Sources of core/targets, appended to gatehouse_core by core/CMakeLists.txt.
target_sources(gatehouse_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/targetdelivery.cpp ${CMAKE_CURRENT_LIST_DIR}/targetdelivery.h
    ${CMAKE_CURRENT_LIST_DIR}/derivative.cpp ${CMAKE_CURRENT_LIST_DIR}/derivative.h
    ${CMAKE_CURRENT_LIST_DIR}/handover.cpp ${CMAKE_CURRENT_LIST_DIR}/handover.h
    ${CMAKE_CURRENT_LIST_DIR}/localtarget.cpp ${CMAKE_CURRENT_LIST_DIR}/localtarget.h
    ${CMAKE_CURRENT_LIST_DIR}/nametemplate.cpp ${CMAKE_CURRENT_LIST_DIR}/nametemplate.h
    ${CMAKE_CURRENT_LIST_DIR}/s3target.cpp ${CMAKE_CURRENT_LIST_DIR}/s3target.h
    ${CMAKE_CURRENT_LIST_DIR}/streamhash.cpp ${CMAKE_CURRENT_LIST_DIR}/streamhash.h
    ${CMAKE_CURRENT_LIST_DIR}/target.cpp ${CMAKE_CURRENT_LIST_DIR}/target.h
    ${CMAKE_CURRENT_LIST_DIR}/targetoptions.cpp ${CMAKE_CURRENT_LIST_DIR}/targetoptions.h
    ${CMAKE_CURRENT_LIST_DIR}/targetregistry.cpp ${CMAKE_CURRENT_LIST_DIR}/targetregistry.h
    ${CMAKE_CURRENT_LIST_DIR}/targetslogging.cpp ${CMAKE_CURRENT_LIST_DIR}/targetslogging.h
    ${CMAKE_CURRENT_LIST_DIR}/uploadplan.cpp ${CMAKE_CURRENT_LIST_DIR}/uploadplan.h
    ${CMAKE_CURRENT_LIST_DIR}/uploadpreview.cpp ${CMAKE_CURRENT_LIST_DIR}/uploadpreview.h
    ${CMAKE_CURRENT_LIST_DIR}/uploadstage.cpp ${CMAKE_CURRENT_LIST_DIR}/uploadstage.h
    ${CMAKE_CURRENT_LIST_DIR}/mediawiki/httpapitransport.cpp ${CMAKE_CURRENT_LIST_DIR}/mediawiki/httpapitransport.h
    ${CMAKE_CURRENT_LIST_DIR}/mediawiki/mediawikiapi.cpp ${CMAKE_CURRENT_LIST_DIR}/mediawiki/mediawikiapi.h
    ${CMAKE_CURRENT_LIST_DIR}/mediawiki/mediawikiclient.cpp ${CMAKE_CURRENT_LIST_DIR}/mediawiki/mediawikiclient.h
    ${CMAKE_CURRENT_LIST_DIR}/mediawiki/mediawikitarget.cpp ${CMAKE_CURRENT_LIST_DIR}/mediawiki/mediawikitarget.h
    ${CMAKE_CURRENT_LIST_DIR}/mediawiki/mediawikititle.cpp ${CMAKE_CURRENT_LIST_DIR}/mediawiki/mediawikititle.h
    ${CMAKE_CURRENT_LIST_DIR}/mediawiki/pagetext.cpp ${CMAKE_CURRENT_LIST_DIR}/mediawiki/pagetext.h
)
