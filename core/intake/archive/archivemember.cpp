#include "archivemember.h"

namespace gh {

namespace {

bool isControl(QChar c)
{
    return c.unicode() < 0x20 || c.unicode() == 0x7f;
}

//! "C:" or "C:anything": a Windows drive, absolute or drive-relative.
bool namesDrive(QStringView segment)
{
    return segment.size() >= 2 && segment[1] == u':' && segment[0].isLetter() && segment[0].unicode() < 0x80;
}

//! The length of the valid UTF-8 sequence starting at \a i, or 0 if the bytes there are not UTF-8 (overlong
//! forms and surrogates included).
int utf8SequenceLength(const QByteArray &raw, qsizetype i)
{
    const uchar lead = uchar(raw[i]);
    if (lead < 0x80)
        return 1;
    int length = 0;
    uint codePoint = 0;
    uint smallest = 0;
    if ((lead & 0xe0) == 0xc0) {
        length = 2;
        codePoint = lead & 0x1f;
        smallest = 0x80;
    } else if ((lead & 0xf0) == 0xe0) {
        length = 3;
        codePoint = lead & 0x0f;
        smallest = 0x800;
    } else if ((lead & 0xf8) == 0xf0) {
        length = 4;
        codePoint = lead & 0x07;
        smallest = 0x10000;
    } else {
        return 0;
    }
    if (i + length > raw.size())
        return 0;
    for (int k = 1; k < length; ++k) {
        const uchar next = uchar(raw[i + k]);
        if ((next & 0xc0) != 0x80)
            return 0;
        codePoint = (codePoint << 6) | (next & 0x3f);
    }
    if (codePoint < smallest || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff))
        return 0;
    return length;
}

} // namespace

ArchiveMember::Check ArchiveMember::check(const QString &name, int maxPathLength)
{
    Check result;
    auto refuse = [&result](FileStatus status, const QString &reason) {
        result.status = status;
        result.reason = reason;
        return result;
    };
    if (name.isEmpty())
        return refuse(FileStatus::UnsafePath, tr("its name is empty"));
    for (const QChar c : name) {
        if (isControl(c))
            return refuse(FileStatus::UnsafePath, tr("its name contains control characters"));
    }
    if (name.startsWith(u'/') || name.startsWith(u'\\'))
        return refuse(FileStatus::UnsafePath, tr("it is an absolute path, which would escape the batch"));

    QString unified = name;
    unified.replace(u'\\', u'/');
    const QStringList raw = unified.split(u'/', Qt::SkipEmptyParts);
    QStringList segments;
    segments.reserve(raw.size());
    for (const QString &segment : raw) {
        if (segment == u"..")
            return refuse(FileStatus::UnsafePath, tr("its path climbs out of the archive with \"..\""));
        if (segment != u".")
            segments.append(segment);
    }
    if (!segments.isEmpty() && namesDrive(segments.constFirst()))
        return refuse(FileStatus::UnsafePath, tr("it names a Windows drive, which would escape the batch"));
    for (qsizetype i = 0; i + 1 < segments.size(); ++i) {
        if (segments[i].endsWith(u'!')) {
            return refuse(
                FileStatus::Unsupported,
                tr("its name contains \"!/\", which Gatehouse reserves for members of nested archives"));
        }
    }
    if (segments.isEmpty())
        return refuse(FileStatus::UnsafePath, tr("its name is empty"));
    const QString path = segments.join(u'/');
    const qsizetype bytes = path.toUtf8().size();
    if (bytes > maxPathLength) {
        return refuse(
            FileStatus::LimitExceeded,
            tr("its path is %1 bytes long, more than the limit of %2 bytes").arg(bytes).arg(maxPathLength));
    }
    result.path = path;
    return result;
}

QString ArchiveMember::resolveLink(const QString &linkPath, const QString &target)
{
    if (target.isEmpty() || target.startsWith(u'/') || target.startsWith(u'\\'))
        return {};
    QString unified = target;
    unified.replace(u'\\', u'/');
    QStringList resolved = linkPath.split(u'/');
    resolved.removeLast();
    const QStringList segments = unified.split(u'/', Qt::SkipEmptyParts);
    if (!segments.isEmpty() && namesDrive(segments.constFirst()))
        return {};
    for (const QString &segment : segments) {
        if (segment == u".")
            continue;
        if (segment == u"..") {
            if (resolved.isEmpty())
                return {};
            resolved.removeLast();
            continue;
        }
        resolved.append(segment);
    }
    return resolved.join(u'/');
}

QString ArchiveMember::join(const QString &outer, const QString &inner)
{
    return outer + nestedSeparator() + inner;
}

QStringList ArchiveMember::split(const QString &address)
{
    return address.split(nestedSeparator());
}

std::optional<QString> ArchiveMember::decodeUtf8(const QByteArray &raw)
{
    for (qsizetype i = 0; i < raw.size();) {
        const int length = utf8SequenceLength(raw, i);
        if (length == 0)
            return std::nullopt;
        i += length;
    }
    return QString::fromUtf8(raw);
}

QString ArchiveMember::displayBytes(const QByteArray &raw)
{
    QString text;
    qsizetype run = 0;
    for (qsizetype i = 0; i < raw.size();) {
        const int length = utf8SequenceLength(raw, i);
        if (length > 0) {
            i += length;
            continue;
        }
        text += QString::fromUtf8(raw.constData() + run, i - run);
        text += QStringLiteral("\\x%1").arg(uint(uchar(raw[i])), 2, 16, QLatin1Char('0'));
        run = ++i;
    }
    text += QString::fromUtf8(raw.constData() + run, raw.size() - run);
    return displayName(text);
}

QString ArchiveMember::displayName(const QString &name)
{
    QString text;
    text.reserve(name.size());
    for (const QChar c : name) {
        if (isControl(c))
            text += QStringLiteral("\\x%1").arg(c.unicode(), 2, 16, QLatin1Char('0'));
        else
            text += c;
    }
    return text;
}

} // namespace gh
