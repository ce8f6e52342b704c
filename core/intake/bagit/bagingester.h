#pragma once

#include "intake/package.h"

namespace gh {

/*!
    \class gh::BagIngester
    Ingests a BagIt bag (RFC 8493; versions 0.93 to 0.97 and 1.0): a package with bagit.txt at its root,
    a folder or an archive alike, read only through the Package interface.

    Items: the payload under data/ grouped as the plain listing groups files — by folder and name stem
    (ListingIngester::itemIdentifier() of the path inside data/) — so a page image stays with its OCR and
    metadata. Each file carries the checksums every payload manifest declares for it, to be verified by the
    fetch stage; each item's metadata holds bag-info.txt under "bag-info" (a repeated label as an array).

    Files the bag promises but does not hold: entries of fetch.txt become files with a source URL and the
    declared size, for the transfer engine to download; a file a manifest lists that is neither present nor
    in fetch.txt is recorded as missing, naming the manifest; an entry whose path escapes the bag or leaves
    data/ is recorded as an unsafe path. A payload file no manifest lists is ingested with a warning in the
    trace. Tag files are not payload and are not ingested.

    A bag that cannot be used by its manifests (no readable bagit.txt, an unsupported version, no payload
    manifest, an unreadable manifest) fails with ErrorCode::Invalid, so the chain falls back to the plain
    listing with a warning.
*/
class BagIngester final : public PackageIngester
{
    Q_DECLARE_TR_FUNCTIONS(gh::BagIngester)

public:
    QString kind() const override { return QStringLiteral("bagit"); }
    bool recognise(const Package &package) const override;
    Status ingest(const Package &package, IntakeContext &context) override;
};

} // namespace gh
