#pragma once

#include <QList>
#include <QMap>
#include <QSet>
#include <QString>
#include <QStringList>

namespace gh::test {

/*!
    \class gh::test::NewspaperBatch
    Generates a newspaper batch as a scanning vendor delivers it (the layout NewspaperBatchIngester reads):
    \c B<batch>-RT1/<batch>-<film>/<date>-<edition>/ with, per page, a real JPEG 2000 image made by
    \c opj_compress from a generated greyscale page (paper, columns of text lines), MIX, MODS and ALTO files
    valid against the published schemas, film and edition MODS records, and an \c .md5 file beside every
    file. Deterministic: the same spec gives the same bytes.

    Defects are planted on request, one per page or file, each recorded with the check that must find it,
    the file's path relative to the batch folder and, for XML, the line it is on. Files are written before
    their checksums, so a planted defect is what the vendor delivered, with a matching .md5 (except the
    fixity defect).
*/
class NewspaperBatch
{
public:
    enum class Defect
    {
        InvalidAlto,        //!< xml-schema: an ALTO String with an attribute ALTO does not have.
        MissingPage,        //!< page-sequence: page 3 of the first edition is not delivered.
        DuplicatedPage,     //!< page-sequence: an extra last page whose MODS gives the previous number.
        WrongBatchIdInMods, //!< batch-identifier: one MODS names another batch's reel.
        DarkPage,           //!< dark-page
        BlankPage,          //!< blank-page
        BlackBorder,        //!< black-border
        MixSizeMismatch,    //!< dimensions: MIX states a width one pixel wider than the codestream's.
        TruncatedJp2,       //!< jp2-structure and decodable: the JP2 is cut at 60 % of its length.
        EmptyFile,          //!< empty: a page's ALTO file has no bytes.
        LowOcrConfidence,   //!< ocr-confidence: every word of one ALTO file has WC 0.2.
        FixityMismatch,     //!< fixity: a MIX file's .md5 declares another digest.
        MissingChecksum,    //!< sidecars: an ALTO file has no .md5 beside it.
        EntityInXml,        //!< xml-wellformed: an edition record declares an entity in its DOCTYPE.
        WrongExtension,     //!< mimetype-extension: a delivery note named .pdf holds plain text.
    };
    static QList<Defect> allDefects();

    struct Spec
    {
        QString batchId = QStringLiteral("400022028240");
        QString film = QStringLiteral("14");
        QString newspaper = QStringLiteral("adresseavisen1759");
        QStringList editions{QStringLiteral("1795-06-13-01"), QStringLiteral("1795-06-16-01"),
                             QStringLiteral("1795-06-20-01")};
        int pagesPerEdition = 5; //!< The first edition loses page 3 with MissingPage.
        int width = 800;
        int height = 1000;
        int compressionRatio = 0; //!< opj_compress -r; 0 for lossless.
        int encoderThreads = 1;   //!< opj_compress -threads.
        int altoLines = 3;        //!< Text lines of four words in each ALTO file.
        QSet<Defect> defects;
    };

    /*!
        \class gh::test::NewspaperBatch::Planted
        Where a planted defect is and which check must find it.
    */
    struct Planted
    {
        Defect defect;
        QString check;
        QString path; //!< Relative to the batch folder (its name first: "B…-RT1/…").
        int line = 0; //!< For XML: the line the finding must name; 0 when none applies.
    };

    /*!
        Writes the batch into \a parent; returns the batch folder, or an empty string with \a error set
        (opj_compress missing or failing).
    */
    QString generate(const QString &parent, const Spec &spec, QString *error = nullptr);
    const QList<Planted> &planted() const { return m_planted; }
    //! The number of files of the batch, .md5 files not counted (what intake loads).
    int fileCount() const { return m_files; }
    //! The checks a defect must be found by (the truncated JP2 by two).
    static QStringList checksFor(Defect defect);

private:
    QList<Planted> m_planted;
    int m_files = 0;
};

} // namespace gh::test
