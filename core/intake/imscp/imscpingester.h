#pragma once

#include "intake/package.h"
#include "intake/xml/manifestfiles.h"
#include "intake/xml/safexml.h"

namespace gh {

/*!
    \class gh::ImsCpReader
    Turns an IMS Content Packaging manifest (\c imsmanifest.xml, CP 1.1.x and 1.2) into items.

    Grouping: the default organization (else the first) decides, as it is what a learner sees. Every
    organization item that references a resource becomes one item, in the organization's order, with that
    resource's files (its launch \c href first, then its \c file elements); items that only group others
    (modules, chapters) become the \c path of their children ("Module 1 / Lesson 2"). A resource's files
    belong to the first item referencing it. Resources no item references (shared style sheets, assets that
    are only dependencies) follow as an item each. The manifest itself, with any schema files (\c .xsd,
    \c .dtd) beside it, is the first item, carrying the package's metadata.

    Metadata: IEEE LOM (and IMS Metadata 1.2 with \c langstring): general title, description, keywords and
    identifier, rights description; the manifest's LOM, overridden by the resource's, overridden by the
    item's. Listed files that are not in the package are \c missing; package members not listed form an item
    of their own and are named in the trace.
*/
class ImsCpReader
{
    Q_DECLARE_TR_FUNCTIONS(gh::ImsCpReader)

public:
    static Status read(const XmlDocument &document, const ManifestFiles &files, IntakeContext &context);
    //! True for the namespaces of IMS CP manifests (imscp_v1p1, imscp_rootv1p1p2, …).
    static bool isImsCpNamespace(const QString &ns);
};

/*!
    \class gh::ImsCpPackageIngester
    A package with \c imsmanifest.xml at its root (or in its single top-level folder).
*/
class ImsCpPackageIngester final : public PackageIngester
{
    Q_DECLARE_TR_FUNCTIONS(gh::ImsCpPackageIngester)

public:
    QString kind() const override { return QStringLiteral("imscp"); }
    bool recognise(const Package &package) const override;
    Status ingest(const Package &package, IntakeContext &context) override;
    static QString findManifest(const Package &package);
};

/*!
    \class gh::ImsCpDocumentIngester
    A standalone IMS CP manifest; its references resolve against its folder.
*/
class ImsCpDocumentIngester final : public DocumentIngester
{
    Q_DECLARE_TR_FUNCTIONS(gh::ImsCpDocumentIngester)

public:
    QString kind() const override { return QStringLiteral("imscp"); }
    bool recognise(const Document &document) const override;
    Status ingest(const Document &document, IntakeContext &context) override;
};

} // namespace gh
