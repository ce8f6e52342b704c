#pragma once

#include "intake/package.h"

namespace gh {

/*!
    \class gh::NewspaperBatchIngester
    A newspaper digitisation batch as a scanning vendor delivers it:

    \code
    B400022028240-RT1/                            batch id and roundtrip (RT2 is the re-delivery)
      400022028240-14/                            a microfilm reel: <batch digits>-<film number>
        400022028240-14.film.xml
        1795-06-13-01/                            an edition: <date>-<edition number>
          adresseavisen1759-1795-06-13-01.edition.xml
          adresseavisen1759-1795-06-13-01-0001.jp2       a page image …
          adresseavisen1759-1795-06-13-01-0001.mix.xml   … its technical metadata (MIX),
          adresseavisen1759-1795-06-13-01-0001.mods.xml  … descriptive metadata (MODS),
          adresseavisen1759-1795-06-13-01-0001.alto.xml  … and OCR text (ALTO)
    \endcode

    and every file with an \c .md5 sidecar. The batch folder is the package root itself, or the package's
    single top-level folder (a zip or tar of the batch).

    Grouping: one item per page holding its four files in a fixed order (jp2, mix, mods, alto), named by the
    page's base name, with the batch id, roundtrip, film id, edition date and number, newspaper id and page
    number (from the file name, else from the MODS) as metadata. The film and edition files (\c .film.xml,
    \c .edition.xml, ISO targets in \c FILM-ISO-target/) form an item per folder before its pages. Checksums
    come from the sidecars, declared for the fetch stage to verify. Files outside the layout are included
    (in the item of their folder) and named in the trace; a page missing one of its four files is named in
    the trace and gets a \c missing file of the expected name; files without a sidecar are named too.
*/
class NewspaperBatchIngester final : public PackageIngester
{
    Q_DECLARE_TR_FUNCTIONS(gh::NewspaperBatchIngester)

public:
    QString kind() const override { return QStringLiteral("newspaper"); }
    bool recognise(const Package &package) const override;
    Status ingest(const Package &package, IntakeContext &context) override;

    /*!
        \class gh::NewspaperBatchIngester::Batch
        Where the batch is in a package and what its folder name says.
    */
    struct Batch
    {
        QString prefix; //!< "B400022028240-RT1/" when the batch is the package's top-level folder, else "".
        QString id;     //!< The twelve digits: "400022028240".
        int roundtrip = 0;
    };
    //! The batch in \a package, if its layout is a newspaper batch's.
    static std::optional<Batch> locate(const Package &package);
};

} // namespace gh
