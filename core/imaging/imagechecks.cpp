#include "imagechecks.h"

#include <QLocale>

namespace gh {

namespace {

// The statistics of a decoded image, or null (not an image, or it did not decode: decodable says so).
const ImageStatistics *decodedImage(CheckSubject &subject)
{
    if (!subject.isImage())
        return nullptr;
    const ImageStatistics *s = subject.image();
    return s && s->decoded() && s->pixelCount() > 0 ? s : nullptr;
}

QString percent(double fraction)
{
    return QLocale::c().toString(fraction * 100, 'f', fraction < 0.01 ? 2 : 1) + u'%';
}

} // namespace

// ---- decodable

QString DecodableCheck::description() const
{
    return tr("Every image decodes (JPEG 2000 at a reduced resolution level) and every PDF opens.");
}

bool DecodableCheck::appliesTo(CheckSubject &subject) const
{
    return subject.isImage();
}

void DecodableCheck::checkFile(CheckSubject &subject, FindingSink &sink) const
{
    const ImageStatistics *s = subject.image();
    if (s && !s->decoded())
        sink.report(s->error);
}

// ---- dark-page

QString DarkPageCheck::description() const
{
    return tr("The peak of each image's histogram lies at or above the profile's dark_peak; a darker peak "
              "flags the page for a look.");
}

bool DarkPageCheck::appliesTo(CheckSubject &subject) const
{
    return decodedImage(subject) != nullptr;
}

void DarkPageCheck::checkFile(CheckSubject &subject, FindingSink &sink) const
{
    const ImageStatistics &s = *decodedImage(subject);
    const int threshold = subject.environment().profile.darkPeak;
    if (s.peak() < threshold)
        sink.report(tr("%1 looks dark: its histogram peaks at %2 (of 255), below %3; the mean is %4.")
                        .arg(subject.where())
                        .arg(s.peak())
                        .arg(threshold)
                        .arg(QLocale::c().toString(s.mean(), 'f', 0)));
}

// ---- blank-page

QString BlankPageCheck::description() const
{
    return tr("Every image has some ink: more than the profile's blank_max_ink of its pixels are darker "
              "than blank_ink_level.");
}

bool BlankPageCheck::appliesTo(CheckSubject &subject) const
{
    return decodedImage(subject) != nullptr;
}

void BlankPageCheck::checkFile(CheckSubject &subject, FindingSink &sink) const
{
    const ImageStatistics &s = *decodedImage(subject);
    const QaProfile &p = subject.environment().profile;
    const double ink = s.fractionBelow(p.blankInkLevel);
    if (ink <= p.blankMaxInk)
        sink.report(tr("%1 looks blank: only %2 of its pixels are darker than %3 (a page has more than %4).")
                        .arg(subject.where(), percent(ink))
                        .arg(p.blankInkLevel)
                        .arg(percent(p.blankMaxInk)));
}

// ---- black-border

QString BlackBorderCheck::description() const
{
    return tr("No image has more than the profile's border_max_fraction of near-black pixels (at most "
              "border_level), the end spike of a black border.");
}

bool BlackBorderCheck::appliesTo(CheckSubject &subject) const
{
    return decodedImage(subject) != nullptr;
}

void BlackBorderCheck::checkFile(CheckSubject &subject, FindingSink &sink) const
{
    const ImageStatistics &s = *decodedImage(subject);
    const QaProfile &p = subject.environment().profile;
    const double black = s.fractionAtOrBelow(p.borderLevel);
    if (black > p.borderMaxFraction)
        sink.report(
            tr("%1 may have a black border: %2 of its pixels are near black (at most %3 of 255), more "
               "than %4.")
                .arg(subject.where(), percent(black))
                .arg(p.borderLevel)
                .arg(percent(p.borderMaxFraction)));
}

} // namespace gh
