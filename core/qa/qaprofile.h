#pragma once

#include <QCoreApplication>
#include <QHash>
#include <QSet>
#include <QStringList>

#include "model/finding.h"
#include "util/result.h"

class QSettings;

namespace gh {

/*!
    \class gh::QaProfile
    An institution's QA profile: which checks run, their thresholds and severities, and where the XML
    schemas are. Read from the \c [check] section of an INI file (\c{check --profile FILE}, \c --config) or
    the GUI's settings, with the same keys everywhere:

    \code
    [check]
    checks=all                 ; or a list: fixity,empty,xml-schema,…
    skip=ocr-confidence        ; checks not to run
    schemas=/srv/schemas       ; a folder of XSD files, or an OASIS XML catalog (catalog.xml)
    sample_size=512            ; longer side in pixels of the reduced decode behind the image statistics
    dark_peak=128              ; dark-page: the histogram's peak is below this value (0–255)
    blank_ink_level=128        ; blank-page: pixels darker than this are ink …
    blank_max_ink=0.002        ; … and a page with at most this fraction of ink is blank
    border_level=32            ; black-border: pixels at or below this value are near black …
    border_max_fraction=0.082  ; … and more than this fraction of them is a black border
    ocr_min_confidence=0.35    ; ocr-confidence: the mean ALTO word confidence (WC) must reach this
    min_width=0                ; dimensions: bounds in pixels; 0 means no bound
    max_width=0
    min_height=0
    max_height=0
    sidecars=.jp2,.mix.xml,.mods.xml,.alto.xml   ; sidecars: the files every page has …
    checksum_sidecar=.md5      ; … and the checksum file each of them has; empty for none
    severity.ocr-confidence=warning              ; a check's findings get this severity
    jobs=0                     ; files checked at once; 0 for one per core
    \endcode

    A value that is out of range is an error naming the key and the file, never silently clamped.
*/
struct QaProfile
{
    Q_DECLARE_TR_FUNCTIONS(gh::QaProfile)

public:
    QStringList checks; //!< Empty: every registered check.
    QSet<QString> skip;
    QString schemas; //!< Folder or catalog; empty for the downloaded set in the data folder, if any.
    int sampleSize = 512;
    int darkPeak = 128;
    int blankInkLevel = 128;
    double blankMaxInk = 0.002;
    int borderLevel = 32;
    double borderMaxFraction = 0.082;
    double ocrMinConfidence = 0.35;
    int minWidth = 0;
    int maxWidth = 0;
    int minHeight = 0;
    int maxHeight = 0;
    QStringList sidecars{QStringLiteral(".jp2"), QStringLiteral(".mix.xml"), QStringLiteral(".mods.xml"),
                         QStringLiteral(".alto.xml")};
    QString checksumSidecar = QStringLiteral(".md5");
    QHash<QString, FindingSeverity> severities;
    int jobs = 0;

    //! Whether the profile runs the check \a name.
    bool runs(const QString &name) const;
    //! The severity findings of \a name get: the profile's override, else \a fallback.
    FindingSeverity severityFor(const QString &name, FindingSeverity fallback) const;

    /*!
        Reads the keys under \c check/ from \a settings over \a defaults; \a where names the source in
        errors (a file path, "the settings").
    */
    static Result<QaProfile> read(const QSettings &settings, const QString &where, QaProfile defaults);
    static Result<QaProfile> read(const QSettings &settings, const QString &where);
    //! Reads the \c [check] section of the INI file at \a path over \a defaults.
    static Result<QaProfile> fromFile(const QString &path, QaProfile defaults);
    static Result<QaProfile> fromFile(const QString &path);
    //! Writes every key under \c check/ of \a settings (the GUI's settings).
    void write(QSettings &settings) const;
};

} // namespace gh
