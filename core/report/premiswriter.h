#pragma once

#include <QCoreApplication>
#include <QXmlStreamWriter>

#include "exports.h"

namespace gh {

/*!
    \class gh::PremisWriter
    A batch as PREMIS 3.0 (\c http://www.loc.gov/premis/v3), streamed: the batch and each item as an
    intellectual entity, each file as a file object (identifiers, fixity with its originator, size, format
    = the sniffed mimetype, original name, storage = stored key and store, the item it belongs to), every
    event (type from the Library of Congress event-type vocabulary where one fits, date-time, detail,
    outcome, linking agent and object) and the agents that appear in them (Gatehouse with its version and
    stage, each curator). Items, files and events are read a page at a time, so memory stays flat however
    large the batch; only the distinct agents are remembered.

    Identifiers are the \c gatehouse:// links of ItemLink.
*/
class PremisWriter
{
    Q_DECLARE_TR_FUNCTIONS(gh::PremisWriter)

public:
    static constexpr const char *ns = "http://www.loc.gov/premis/v3";
    static constexpr const char *schemaLocation =
        "http://www.loc.gov/premis/v3 https://www.loc.gov/standards/premis/premis.xsd";

    //! A standalone PREMIS document.
    static Status write(const ExportJob &job, QIODevice &out);
    //! The \c premis element alone, for wrapping in another document (METS digiprovMD).
    static Status writeElement(const ExportJob &job, QXmlStreamWriter &xml, ExportProgress &progress);
    //! The records writeElement() reports progress for.
    static Result<qint64> recordCount(Catalog &catalog, qint64 batchId);

    /*!
        \a text with every character XML 1.0 cannot hold (control characters a file name may contain,
        unpaired surrogates) replaced by U+FFFD, so a hostile name never makes the document malformed.
    */
    static QString xmlSafe(const QString &text);

    //! The id.loc.gov eventType URI for a PREMIS event type label ("fixity check" → …/eventType/fix),
    //! empty when the vocabulary has no such term.
    static QString eventTypeUri(const QString &type);
};

} // namespace gh
