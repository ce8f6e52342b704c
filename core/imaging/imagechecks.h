#pragma once

#include "qa/check.h"

// The checks that need a decoded image. They live above core because decoding needs Qt Gui, openjpeg and
// poppler; registerImageChecks() (imageanalysis.h) adds them to the core registry at start-up. Each reads
// the statistics of one reduced decode, shared by all four through the CheckSubject and kept in the
// catalog.

namespace gh {

//! \c decodable: images decode (JPEG 2000 at a reduced level, others through Qt) and PDFs open.
class DecodableCheck final : public Check
{
    Q_DECLARE_TR_FUNCTIONS(gh::DecodableCheck)

public:
    QString name() const override { return QStringLiteral("decodable"); }
    FindingSeverity severity() const override { return FindingSeverity::Error; }
    QString description() const override;
    bool appliesTo(CheckSubject &subject) const override;
    void checkFile(CheckSubject &subject, FindingSink &sink) const override;
};

//! \c dark-page: the histogram's peak lies below the profile's dark_peak (128 of 255 by default).
class DarkPageCheck final : public Check
{
    Q_DECLARE_TR_FUNCTIONS(gh::DarkPageCheck)

public:
    QString name() const override { return QStringLiteral("dark-page"); }
    FindingSeverity severity() const override { return FindingSeverity::Flag; }
    QString description() const override;
    bool appliesTo(CheckSubject &subject) const override;
    void checkFile(CheckSubject &subject, FindingSink &sink) const override;
};

//! \c blank-page: almost no pixel is dark enough to be ink.
class BlankPageCheck final : public Check
{
    Q_DECLARE_TR_FUNCTIONS(gh::BlankPageCheck)

public:
    QString name() const override { return QStringLiteral("blank-page"); }
    FindingSeverity severity() const override { return FindingSeverity::Flag; }
    QString description() const override;
    bool appliesTo(CheckSubject &subject) const override;
    void checkFile(CheckSubject &subject, FindingSink &sink) const override;
};

/*!
    \c black-border: more than the profile's fraction (8.2 % by default) of the pixels are near black, the
    spike at the dark end of the histogram that a scan with a black frame around the page has.
*/
class BlackBorderCheck final : public Check
{
    Q_DECLARE_TR_FUNCTIONS(gh::BlackBorderCheck)

public:
    QString name() const override { return QStringLiteral("black-border"); }
    FindingSeverity severity() const override { return FindingSeverity::Flag; }
    QString description() const override;
    bool appliesTo(CheckSubject &subject) const override;
    void checkFile(CheckSubject &subject, FindingSink &sink) const override;
};

} // namespace gh
