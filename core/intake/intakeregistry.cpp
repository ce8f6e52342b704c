// The ingesters the packager chain knows, in the order they are tried. Put specific formats before general
// ones: a recogniser that says yes too easily hides the ones after it.

#include "bagit/bagingester.h"
#include "intakechain.h"
#include "lists/listingesters.h"

namespace gh {

std::vector<std::unique_ptr<PackageIngester>> IntakeChain::defaultPackageIngesters()
{
    std::vector<std::unique_ptr<PackageIngester>> ingesters;
    ingesters.push_back(std::make_unique<BagIngester>());
    return ingesters;
}

std::vector<std::unique_ptr<DocumentIngester>> IntakeChain::defaultDocumentIngesters()
{
    std::vector<std::unique_ptr<DocumentIngester>> ingesters;
    ingesters.push_back(std::make_unique<IngestRequestIngester>());
    ingesters.push_back(std::make_unique<SpreadsheetIngester>());
    ingesters.push_back(std::make_unique<UrlListIngester>());
    return ingesters;
}

} // namespace gh
