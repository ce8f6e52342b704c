// The ingesters the packager chain knows, in the order they are tried. Put specific formats before general
// ones: a recogniser that says yes too easily hides the ones after it.

#include "bagit/bagingester.h"
#include "iiif/iiifingester.h"
#include "imscp/imscpingester.h"
#include "intakechain.h"
#include "lists/listingesters.h"
#include "mets/metsingester.h"
#include "newspaper/newspaperingester.h"

namespace gh {

std::vector<std::unique_ptr<PackageIngester>> IntakeChain::defaultPackageIngesters()
{
    std::vector<std::unique_ptr<PackageIngester>> ingesters;
    // A bag first: its payload may itself hold a METS file or a newspaper layout, which the bag describes.
    ingesters.push_back(std::make_unique<BagIngester>());
    ingesters.push_back(std::make_unique<NewspaperBatchIngester>());
    ingesters.push_back(std::make_unique<MetsPackageIngester>());
    ingesters.push_back(std::make_unique<ImsCpPackageIngester>());
    return ingesters;
}

std::vector<std::unique_ptr<DocumentIngester>> IntakeChain::defaultDocumentIngesters()
{
    std::vector<std::unique_ptr<DocumentIngester>> ingesters;
    // Recognised by a root element or a JSON-LD context: cannot be mistaken for anything else.
    ingesters.push_back(std::make_unique<MetsDocumentIngester>());
    ingesters.push_back(std::make_unique<ImsCpDocumentIngester>());
    ingesters.push_back(std::make_unique<IiifIngester>());
    // Recognised by shape: JSON lines with base_url, a header with a url or path column, lines of URLs.
    ingesters.push_back(std::make_unique<IngestRequestIngester>());
    ingesters.push_back(std::make_unique<SpreadsheetIngester>());
    ingesters.push_back(std::make_unique<UrlListIngester>());
    return ingesters;
}

} // namespace gh
