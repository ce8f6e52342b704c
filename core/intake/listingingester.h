#pragma once

#include "package.h"

namespace gh {

/*!
    \class gh::ListingIngester
    The last resort of the packager chain: a package's plain listing, for a delivery that is just files or
    whose manifest could not be used.

    Grouping: files in the same folder whose names share the part before the first dot form one item, named by
    that folder and stem (\c film1/page0001.jp2, \c film1/page0001.alto.xml → item \c film1/page0001). This
    keeps a page image with its derivatives and XML, which is what every digitisation layout we know does.
    Items come in natural order (page2 before page10).

    Sidecars: \c NAME.md5, \c NAME.sha1, \c NAME.sha256 and \c NAME.sha512 next to \c NAME declare its
   checksum; they are read, not ingested as files. A sidecar without its file is an ordinary file.

    Skipped, and named in the trace: operating-system litter (\c .DS_Store, \c Thumbs.db, \c desktop.ini,
    AppleDouble \c ._* files, \c __MACOSX/). Members the package rejected (unsafe paths, special files) become
    files with that status, so the curator sees them.
*/
class ListingIngester final : public PackageIngester
{
    Q_DECLARE_TR_FUNCTIONS(gh::ListingIngester)

public:
    QString kind() const override { return QStringLiteral("folder"); }
    bool recognise(const Package &) const override { return true; }
    Status ingest(const Package &package, IntakeContext &context) override;

    //! The item a file at \a relativePath belongs to.
    static QString itemIdentifier(const QString &relativePath);
    //! Operating-system litter nobody means to archive.
    static bool isLitter(const QString &relativePath);
};

} // namespace gh
