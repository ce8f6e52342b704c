#pragma once

#include <QCoreApplication>

#include "exports.h"

namespace gh {

/*!
    \class gh::MetsWriter
    A batch as a METS 1.12 document: \c metsHdr naming Gatehouse, \c amdSec/digiprovMD wrapping the batch's
    PREMIS (PremisWriter), \c fileSec listing the stored files with their SHA-256 checksum, size, mimetype and
    stored key, and a logical \c structMap with the batch and its items in order, each pointing at its stored
    files. Streamed like the PREMIS it contains: items and files are read a page at a time.
*/
class MetsWriter
{
    Q_DECLARE_TR_FUNCTIONS(gh::MetsWriter)

public:
    static constexpr const char *ns = "http://www.loc.gov/METS/";
    static constexpr const char *schemaLocation =
        "http://www.loc.gov/METS/ http://www.loc.gov/standards/mets/mets.xsd";

    static Status write(const ExportJob &job, QIODevice &out);
};

} // namespace gh
