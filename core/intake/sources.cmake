# Sources of core/intake, appended to gatehouse_core by core/CMakeLists.txt.
target_sources(gatehouse_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/archive/archivebackend.cpp ${CMAKE_CURRENT_LIST_DIR}/archive/archivebackend.h
    ${CMAKE_CURRENT_LIST_DIR}/archive/archiveformat.cpp ${CMAKE_CURRENT_LIST_DIR}/archive/archiveformat.h
    ${CMAKE_CURRENT_LIST_DIR}/archive/archiveguard.cpp ${CMAKE_CURRENT_LIST_DIR}/archive/archiveguard.h
    ${CMAKE_CURRENT_LIST_DIR}/archive/archivemember.cpp ${CMAKE_CURRENT_LIST_DIR}/archive/archivemember.h
    ${CMAKE_CURRENT_LIST_DIR}/archive/archivepackage.cpp ${CMAKE_CURRENT_LIST_DIR}/archive/archivepackage.h
    ${CMAKE_CURRENT_LIST_DIR}/archive/archivereader.cpp ${CMAKE_CURRENT_LIST_DIR}/archive/archivereader.h
    ${CMAKE_CURRENT_LIST_DIR}/folderpackage.cpp ${CMAKE_CURRENT_LIST_DIR}/folderpackage.h
    ${CMAKE_CURRENT_LIST_DIR}/intake.cpp ${CMAKE_CURRENT_LIST_DIR}/intake.h
    ${CMAKE_CURRENT_LIST_DIR}/intakechain.cpp ${CMAKE_CURRENT_LIST_DIR}/intakechain.h
    ${CMAKE_CURRENT_LIST_DIR}/intakeregistry.cpp
    ${CMAKE_CURRENT_LIST_DIR}/intaketypes.cpp ${CMAKE_CURRENT_LIST_DIR}/intaketypes.h
    ${CMAKE_CURRENT_LIST_DIR}/lists/csvreader.cpp ${CMAKE_CURRENT_LIST_DIR}/lists/csvreader.h
    ${CMAKE_CURRENT_LIST_DIR}/lists/listingesters.h
    ${CMAKE_CURRENT_LIST_DIR}/lists/requestingester.cpp
    ${CMAKE_CURRENT_LIST_DIR}/lists/spreadsheetingester.cpp
    ${CMAKE_CURRENT_LIST_DIR}/lists/urllistingester.cpp
    ${CMAKE_CURRENT_LIST_DIR}/listingingester.cpp ${CMAKE_CURRENT_LIST_DIR}/listingingester.h
    ${CMAKE_CURRENT_LIST_DIR}/package.h
    # BagIt (RFC 8493): parser, ingester, validator, writer
    ${CMAKE_CURRENT_LIST_DIR}/bagit/bag.cpp ${CMAKE_CURRENT_LIST_DIR}/bagit/bag.h
    ${CMAKE_CURRENT_LIST_DIR}/bagit/bagingester.cpp ${CMAKE_CURRENT_LIST_DIR}/bagit/bagingester.h
    ${CMAKE_CURRENT_LIST_DIR}/bagit/bagparser.cpp ${CMAKE_CURRENT_LIST_DIR}/bagit/bagparser.h
    ${CMAKE_CURRENT_LIST_DIR}/bagit/bagvalidator.cpp ${CMAKE_CURRENT_LIST_DIR}/bagit/bagvalidator.h
    ${CMAKE_CURRENT_LIST_DIR}/bagit/bagwriter.cpp ${CMAKE_CURRENT_LIST_DIR}/bagit/bagwriter.h
)
# XML and JSON manifests: safe XML, METS, IMS CP, IIIF, newspaper batches.
target_sources(gatehouse_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/xml/safexml.cpp ${CMAKE_CURRENT_LIST_DIR}/xml/safexml.h
)
target_sources(gatehouse_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/xml/descriptive.cpp ${CMAKE_CURRENT_LIST_DIR}/xml/descriptive.h
    ${CMAKE_CURRENT_LIST_DIR}/xml/manifestfiles.cpp ${CMAKE_CURRENT_LIST_DIR}/xml/manifestfiles.h
    ${CMAKE_CURRENT_LIST_DIR}/mets/metsingester.cpp ${CMAKE_CURRENT_LIST_DIR}/mets/metsingester.h
)
target_sources(gatehouse_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/iiif/iiifingester.cpp ${CMAKE_CURRENT_LIST_DIR}/iiif/iiifingester.h
)
target_sources(gatehouse_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/imscp/imscpingester.cpp ${CMAKE_CURRENT_LIST_DIR}/imscp/imscpingester.h
)
target_sources(gatehouse_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/newspaper/newspaperingester.cpp ${CMAKE_CURRENT_LIST_DIR}/newspaper/newspaperingester.h
)
# Remote sources (documents given by URL, IIIF collection members) and the hot folder's watcher.
target_sources(gatehouse_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/remote/remotefetcher.cpp ${CMAKE_CURRENT_LIST_DIR}/remote/remotefetcher.h
    ${CMAKE_CURRENT_LIST_DIR}/deliverywatcher.cpp ${CMAKE_CURRENT_LIST_DIR}/deliverywatcher.h
)
