#pragma once

#include <QCoreApplication>
#include <QHash>
#include <QSet>
#include <QStringList>

#include "model/finding.h"
#include "pipeline/settingstable.h"
#include "util/result.h"

namespace gh {

/*!
    \class gh::QaProfile
    An institution's QA profile: which checks run, their thresholds and severities, and where the XML
    schemas are. Its keys are the \c [check] rows of the settings table (docs/settings.md): the INI file of
    \c --config, a profile given to \c{check --profile FILE} and the GUI's settings all hold them, read and
    checked by the table, so their names and defaults live in one place.

    \code
    [check]
    checks=all                 ; or a list: fixity, empty, xml-schema, …
    skip=ocr-confidence        ; checks not to run
    schemas=/srv/schemas       ; a folder of XSD files, or an OASIS XML catalog (catalog.xml)
    dark_peak=128              ; dark-page: the histogram's peak is below this value (0–255)
    severities=ocr-confidence=warning, blank-page=error
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
        The profile the \c [check] keys of \a settings make; \a where names their source in errors (a file
        path, "the settings").
    */
    static Result<QaProfile> fromSettings(const Settings &settings, const QString &where);
    //! \a base with the \c [check] keys set to this profile (the reverse of fromSettings()).
    Settings toSettings(Settings base = {}) const;
    //! Reads the \c [check] section of the INI file at \a path over \a base (the settings of --config).
    static Result<QaProfile> fromFile(const QString &path, const Settings &base = {});
};

} // namespace gh
