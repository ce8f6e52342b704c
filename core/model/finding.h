#pragma once

#include <array>
#include <optional>

#include <QCoreApplication>
#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>

namespace gh {

/*!
    \enum gh::FindingSeverity
    How much a QA finding weighs, from the least to the most grave:

    \value Flag     Not wrong as such, but a person should look (a dark page, low OCR confidence): the file
                    goes to manual QA.
    \value Warning  Probably wrong, does not stop the batch (a check that could not run, a missing sidecar
                    the profile tolerates).
    \value Error    Wrong: the batch should not be approved as it is (invalid XML, a broken image, a missing
                    page).
*/
enum class FindingSeverity
{
    Flag,
    Warning,
    Error
};

//! "flag", "warning", "error": the keys of the CLI, the catalog and the QA profile.
QString severityKey(FindingSeverity severity);
std::optional<FindingSeverity> severityFromKey(QStringView key);
//! A short translated name for the GUI.
QString severityText(FindingSeverity severity);
//! "1 error, 3 warnings": the findings of a check run counted in words, with plural forms; only the
//! severities there are ("no findings" when none).
QString findingCountsText(qint64 errors, qint64 warnings, qint64 flags);

/*!
    \class gh::FindingRecord
    One thing a QA check found: what (\c check, \c message), how grave (\c severity) and where (the file, and
    the line in an XML file). A finding with no file concerns its item, one with neither its whole batch
    (a check that was skipped, and why).
*/
struct FindingRecord
{
    qint64 id = 0;
    qint64 batchId = 0;
    qint64 itemId = 0; //!< 0 when the finding concerns the batch.
    qint64 fileId = 0; //!< 0 when the finding concerns the item or the batch.
    QString check;     //!< The check's binding name ("xml-schema").
    FindingSeverity severity = FindingSeverity::Error;
    QString message; //!< A complete sentence naming the file (and line) it is about.
    int line = 0;    //!< 1-based line in the file; 0 when it does not apply.
    QDateTime at;

    friend bool operator==(const FindingRecord &, const FindingRecord &) = default;
};

//! The gravest severity among \a findings; nothing when there are none.
std::optional<FindingSeverity> worstSeverity(const QList<FindingRecord> &findings);

/*!
    \class gh::ImageStatistics
    What QA learned about an image from one reduced decode, kept in the catalog so neither a later check
    with other thresholds nor the GUI decodes the page again. The histogram is of luminance (ITU-R BT.601)
    with 256 bins over the decoded pixels.
*/
struct ImageStatistics
{
    Q_DECLARE_TR_FUNCTIONS(gh::ImageStatistics)

public:
    qint64 fileId = 0;
    qint64 batchId = 0;
    QString sha256; //!< The content the statistics describe; a changed file is decoded again.
    QString format; //!< "jp2", "tiff", "pdf" … (ThumbnailGenerator::formatName()).
    int width = 0;  //!< Full size in pixels, as the file states it.
    int height = 0;
    int sampleWidth = 0; //!< The size actually decoded for the histogram.
    int sampleHeight = 0;
    int reduction = 0;  //!< JPEG 2000: resolution levels that were never decoded.
    int components = 0; //!< Colour components (1 grey, 3 colour, 4 with alpha or CMYK).
    std::array<quint32, 256> histogram{};
    QString error; //!< Why the image could not be decoded; empty when it was.
    QDateTime computedAt;

    bool decoded() const { return error.isEmpty(); }
    quint64 pixelCount() const;
    /*!
        Where most pixels lie: the most common value inside the window of nine values holding the most
        pixels (the lowest such window on ties); -1 without pixels. A window rather than single values, so
        paper whose grain spreads it over a few values still outweighs a black frame that is all one value.
    */
    int peak() const;
    //! The mean value; -1 without pixels.
    double mean() const;
    //! The fraction of pixels whose value is at most \a level (0–255).
    double fractionAtOrBelow(int level) const;
    //! The fraction of pixels whose value is below \a level.
    double fractionBelow(int level) const { return level <= 0 ? 0.0 : fractionAtOrBelow(level - 1); }

    //! The histogram as 256 comma-separated counts, for the catalog.
    QString histogramText() const;
    //! Reads histogramText(); false when \a text is not 256 counts.
    bool setHistogramText(QStringView text);
};

} // namespace gh

Q_DECLARE_METATYPE(gh::FindingRecord)
Q_DECLARE_METATYPE(gh::ImageStatistics)
