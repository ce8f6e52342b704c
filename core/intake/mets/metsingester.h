#pragma once

#include "intake/package.h"
#include "intake/xml/manifestfiles.h"
#include "intake/xml/safexml.h"

namespace gh {

/*!
    \class gh::MetsReader
    Turns a METS document into items.

    Grouping: the structure map decides. The physical structMap is used (the first one if none is marked
    physical); each division directly under its root division becomes one item, in document order, with the
    files its \c fptr elements (and those of its sub-divisions) point to: for a digitised book that is one
    item per page holding the page's master TIFF, access JPEG, ALTO …, which is the unit a curator inspects,
    samples for QA and uploads. The book as a whole is an item of its own that comes first: it holds the METS
    document and any files the root division points to directly (a PDF of the whole book) and carries the
    primary descriptive metadata. A root division without sub-divisions is a single object: that one item
    holds all its files.

    Files: fileSec/fileGrp/file/FLocat. Local references become package members (or files beside a
    standalone document), \c http(s) references become source URLs; \c SIZE, \c MIMETYPE, \c CHECKSUM and
    \c CHECKSUMTYPE (MD5, SHA-1, SHA-256, SHA-512) are declared, to be verified by the fetch stage. A listed
    file that is not there is a \c missing file with an error; files of the fileSec that no division points to
    form an item of their own, and package members the METS does not list form another; both are named in
    the trace.

    Metadata: MODS or Dublin Core from the division's DMDID, else from the primary dmdSec (the root
    division's DMDID, else the first dmdSec), plus the division's order, order label, type and ID.
*/
class MetsReader
{
    Q_DECLARE_TR_FUNCTIONS(gh::MetsReader)

public:
    //! Ingests \a document, whose file references resolve through \a files. ErrorCode::Invalid when the
    //! document is not METS or has no structure map.
    static Status read(const XmlDocument &document, const ManifestFiles &files, IntakeContext &context);
};

/*!
    \class gh::MetsPackageIngester
    A package described by a METS document: \c mets.xml, \c *.mets.xml, or another \c .xml file whose root
    element is \c mets:mets, at the package root or in its single top-level folder.
*/
class MetsPackageIngester final : public PackageIngester
{
    Q_DECLARE_TR_FUNCTIONS(gh::MetsPackageIngester)

public:
    QString kind() const override { return QStringLiteral("mets"); }
    bool recognise(const Package &package) const override;
    Status ingest(const Package &package, IntakeContext &context) override;

    //! The METS document of \a package, or an empty string.
    static QString findManifest(const Package &package);
};

/*!
    \class gh::MetsDocumentIngester
    A standalone METS file; its relative file references resolve against its folder (or its original URL).
*/
class MetsDocumentIngester final : public DocumentIngester
{
    Q_DECLARE_TR_FUNCTIONS(gh::MetsDocumentIngester)

public:
    QString kind() const override { return QStringLiteral("mets"); }
    bool recognise(const Document &document) const override;
    Status ingest(const Document &document, IntakeContext &context) override;
};

} // namespace gh
