// The ingesters the packager chain knows, in the order they are tried. Put specific formats before general
// ones: a recogniser that says yes too easily hides the ones after it.

#include "iiif/iiifingester.h"
#include "imscp/imscpingester.h"
#include "intakechain.h"
#include "mets/metsingester.h"
#include "newspaper/newspaperingester.h"

namespace gh {

std::vector<std::unique_ptr<PackageIngester>> IntakeChain::defaultPackageIngesters()
{
    std::vector<std::unique_ptr<PackageIngester>> ingesters;
    // intake-xml: packages described by a manifest or a known layout, before the plain listing.
    ingesters.push_back(std::make_unique<NewspaperBatchIngester>());
    ingesters.push_back(std::make_unique<MetsPackageIngester>());
    ingesters.push_back(std::make_unique<ImsCpPackageIngester>());
    return ingesters;
}

std::vector<std::unique_ptr<DocumentIngester>> IntakeChain::defaultDocumentIngesters()
{
    std::vector<std::unique_ptr<DocumentIngester>> ingesters;
    // intake-xml: standalone manifests, recognised by their root element or JSON-LD context.
    ingesters.push_back(std::make_unique<MetsDocumentIngester>());
    ingesters.push_back(std::make_unique<ImsCpDocumentIngester>());
    ingesters.push_back(std::make_unique<IiifIngester>());
    return ingesters;
}

} // namespace gh
