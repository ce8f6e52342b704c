#pragma once

#include <QCoreApplication>

#include "intaketypes.h"

namespace gh {

/*!
    \class gh::FolderIngester
    Loads a plain folder, recursively. The last resort of the packager chain, and the whole of it for a
    delivery that is just files.

    Grouping: files in the same folder whose names share the part before the first dot form one item, named by
    that folder and stem (\c film1/page0001.jp2, \c film1/page0001.alto.xml → item \c film1/page0001). This
    keeps a page image with its derivatives and XML, which is what every digitisation layout we know does.

    Sidecars: \c NAME.md5, \c NAME.sha1, \c NAME.sha256 and \c NAME.sha512 next to \c NAME declare its
   checksum; they are read, not ingested as files. A sidecar without its file is an ordinary file.

    Skipped: operating-system litter (\c .DS_Store, \c Thumbs.db, \c desktop.ini, AppleDouble \c ._* files),
    named in the trace. Symbolic links to files inside the folder are read through; links that leave the
    folder or dangle are recorded as \c unsafe-path; links to folders are not followed. Devices, sockets and
    pipes are recorded as \c unsupported.
*/
class FolderIngester
{
    Q_DECLARE_TR_FUNCTIONS(gh::FolderIngester)

public:
    static Status ingest(const QString &root, ItemSink &sink, IntakeTrace &trace,
                         const IntakeOptions &options);
    //! The item a file at \a relativePath belongs to.
    static QString itemIdentifier(const QString &relativePath);
};

} // namespace gh
