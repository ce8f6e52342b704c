#pragma once

#include <atomic>

#include <QCoreApplication>
#include <QList>
#include <QString>
#include <QStringList>

#include "util/result.h"

namespace gh {

struct TransferOptions;

/*!
    \class gh::SchemaFetch
    Downloads the standard schema set — ALTO (v2, v4), MIX 2.0, MODS 3.7 and 3.8, METS, PREMIS 3, XLink and
    the xml: namespace schemas — from their official locations (or from a mirror given as a URL prefix, with
    the same relative paths) into a folder, and writes an OASIS XML catalog there that maps every official
    location, and the aliases the schemas import each other by, to the saved files. Only on request: nothing
    in Gatehouse downloads schemas by itself, and validation never touches the network.

    Each download must be an XML schema (its root element is xs:schema) before it is saved; files are
    replaced atomically; at the end every schema is compiled offline from the new catalog, so a set that
    misses an import fails here rather than during a check.
*/
class SchemaFetch
{
    Q_DECLARE_TR_FUNCTIONS(gh::SchemaFetch)

public:
    /*!
        \class gh::SchemaFetch::Schema
        One schema of the standard set.
    */
    struct Schema
    {
        QString label;       //!< "MODS 3.8".
        QString url;         //!< Its official location.
        QString path;        //!< Where it is saved, relative to the folder ("mods/mods-3-8.xsd").
        QStringList aliases; //!< Other locations that name it (in imports, or unversioned).
    };
    static const QList<Schema> &standardSet();

    /*!
        \class gh::SchemaFetch::Saved
        One saved schema.
    */
    struct Saved
    {
        QString label;
        QString url;  //!< Where it was downloaded from.
        QString file; //!< The absolute path it was saved to.
        qint64 bytes = 0;
    };

    /*!
        Downloads the standard set into \a folder (created if need be) from \a fromPrefix (empty: the
        official locations) with \a transfer's settings, writes \a folder/catalog.xml, and compiles every
        schema from it. \a cancel stops between downloads.
    */
    static Result<QList<Saved>> fetch(const QString &folder, const QString &fromPrefix,
                                      const TransferOptions &transfer, std::atomic_bool *cancel = nullptr);
};

} // namespace gh
