#pragma once

#include <memory>

#include <QCoreApplication>
#include <QList>
#include <QString>
#include <QStringList>

#include "util/result.h"

namespace gh {

/*!
    \class gh::XmlCatalog
    An OASIS XML catalog (\c catalog.xml) as far as schema validation needs one: \c uri and \c system
    entries, \c rewriteURI / \c rewriteSystem, \c uriSuffix / \c systemSuffix, \c group with \c xml:base,
    and \c nextCatalog. It maps the locations documents and schemas name (\c http://www.loc.gov/…/mods.xsd)
    to files on this machine.

    Only local files are ever the result: a mapping to a network address is ignored (and listed in
    warnings()), so a catalog can never make validation touch the network. \c http and \c https forms of a
    location are treated as the same location, as the standards bodies serve both. The catalog is read
    through the safe XML reader; a DOCTYPE naming the OASIS DTD is ignored rather than loaded.

    libxml2 has catalog support, but no way to list a catalog's entries, which choosing a schema by
    namespace needs; this reader keeps both in one place.
*/
class XmlCatalog
{
    Q_DECLARE_TR_FUNCTIONS(gh::XmlCatalog)

public:
    XmlCatalog();
    ~XmlCatalog();
    XmlCatalog(XmlCatalog &&) noexcept;
    XmlCatalog &operator=(XmlCatalog &&) noexcept;

    //! Reads the catalog at \a path and the catalogs it chains to with nextCatalog (at most eight deep).
    static Result<XmlCatalog> load(const QString &path);

    QString path() const;
    //! The local file \a location (a URI or system identifier) maps to; empty when the catalog has none.
    QString resolve(const QString &location) const;
    //! Every local file the catalog maps something to, each once, in catalog order.
    QStringList targets() const;
    //! Entries that were ignored and why (network targets, unreadable next catalogs).
    QStringList warnings() const;

private:
    struct Data;
    std::unique_ptr<Data> d;
};

} // namespace gh
