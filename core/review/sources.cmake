# Sources of core/review (manual QA samples and verdicts, suppliers, approval and rejection), appended to
# gatehouse_core by core/CMakeLists.txt.
target_sources(gatehouse_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/batchdecisions.cpp ${CMAKE_CURRENT_LIST_DIR}/batchdecisions.h
    ${CMAKE_CURRENT_LIST_DIR}/decisionnotice.cpp ${CMAKE_CURRENT_LIST_DIR}/decisionnotice.h
    ${CMAKE_CURRENT_LIST_DIR}/qacsv.cpp ${CMAKE_CURRENT_LIST_DIR}/qacsv.h
    ${CMAKE_CURRENT_LIST_DIR}/reviewdetails.cpp ${CMAKE_CURRENT_LIST_DIR}/reviewdetails.h
    ${CMAKE_CURRENT_LIST_DIR}/reviewbook.cpp ${CMAKE_CURRENT_LIST_DIR}/reviewbook.h
    ${CMAKE_CURRENT_LIST_DIR}/reviewflags.cpp ${CMAKE_CURRENT_LIST_DIR}/reviewflags.h
    ${CMAKE_CURRENT_LIST_DIR}/reviewhooks.cpp ${CMAKE_CURRENT_LIST_DIR}/reviewhooks.h
    ${CMAKE_CURRENT_LIST_DIR}/reviewjson.cpp ${CMAKE_CURRENT_LIST_DIR}/reviewjson.h
    ${CMAKE_CURRENT_LIST_DIR}/reviewsession.cpp ${CMAKE_CURRENT_LIST_DIR}/reviewsession.h
    ${CMAKE_CURRENT_LIST_DIR}/shippedstages.cpp ${CMAKE_CURRENT_LIST_DIR}/shippedstages.h
    ${CMAKE_CURRENT_LIST_DIR}/reviewtypes.cpp ${CMAKE_CURRENT_LIST_DIR}/reviewtypes.h
)
