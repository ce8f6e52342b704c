#include <QDir>
#include <QFile>
#include <QSet>

#include "listingesters.h"

namespace gh {

bool isWebUrl(QStringView text)
{
    if (!text.startsWith(u"http://", Qt::CaseInsensitive) &&
        !text.startsWith(u"https://", Qt::CaseInsensitive))
        return false;
    const QUrl url(text.toString(), QUrl::StrictMode);
    return url.isValid() && !url.host().isEmpty();
}

QString fileNameForUrl(const QUrl &url)
{
    QString name = url.fileName(QUrl::FullyDecoded);
    name.replace(u'/', u'_');
    name.replace(u'\\', u'_');
    QString safe;
    for (QChar c : std::as_const(name))
        safe += c.unicode() < 0x20 || c.unicode() == 0x7f ? QChar(u'_') : c;
    safe = safe.trimmed();
    if (safe.isEmpty() || safe == u"." || safe == u"..")
        return QStringLiteral("download");
    return safe.left(200);
}

bool UrlListIngester::recognise(const Document &document) const
{
    if (!document.mimetype.startsWith(u"text/"))
        return false;
    // The first meaningful lines are URLs (a few are enough to tell; ingest() checks every line anyway).
    int urls = 0;
    const QStringList lines = QString::fromUtf8(document.head).split(u'\n');
    for (qsizetype i = 0; i < lines.size() && urls < 20; ++i) {
        const QString line = lines[i].trimmed();
        if (line.isEmpty() || line.startsWith(u'#'))
            continue;
        if (i == lines.size() - 1 && document.head.size() >= 64 * 1024)
            break; // possibly cut off
        if (!isWebUrl(line))
            return false;
        ++urls;
    }
    return urls > 0;
}

Status UrlListIngester::ingest(const Document &document, IntakeContext &context)
{
    QFile file(document.path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return Error{ErrorCode::Unreadable, tr("Cannot read %1: %2").arg(document.path, file.errorString())};
    QSet<QString> seen;
    qint64 lineNumber = 0;
    qint64 items = 0;
    QStringList duplicates;
    while (!file.atEnd()) {
        if (context.options.cancelled())
            return Error{ErrorCode::Cancelled, tr("Loading %1 was cancelled.").arg(document.path)};
        ++lineNumber;
        const QString line = QString::fromUtf8(file.readLine()).trimmed();
        if (line.isEmpty() || line.startsWith(u'#'))
            continue;
        const QUrl url(line, QUrl::StrictMode);
        if (!url.isValid() || url.host().isEmpty() || (url.scheme() != u"http" && url.scheme() != u"https")) {
            return Error{ErrorCode::Invalid, tr("%1 line %2: \"%3\" is not an http or https URL.")
                                                 .arg(document.path)
                                                 .arg(lineNumber)
                                                 .arg(line.left(200))};
        }
        if (seen.contains(line)) {
            duplicates.append(tr("line %1").arg(lineNumber));
            continue;
        }
        seen.insert(line);
        ItemDraft item;
        item.identifier = QStringLiteral("%1").arg(++items, 6, 10, QLatin1Char('0'));
        item.label = line;
        item.metadata.insert(QStringLiteral("url"), line);
        item.metadata.insert(QStringLiteral("line"), lineNumber);
        FileDraft draft;
        draft.sourceUrl = line;
        draft.name = fileNameForUrl(url);
        item.files.append(draft);
        if (Status s = context.sink.add(std::move(item)); !s)
            return s;
    }
    context.trace.add(QStringLiteral("manifest"),
                      tr("%1 is a list of %2 URLs.").arg(QDir::toNativeSeparators(document.path)).arg(items));
    if (!duplicates.isEmpty())
        context.trace.warn(
            tr("Listed more than once and loaded once: %1").arg(duplicates.join(QStringLiteral(", "))));
    return {};
}

} // namespace gh
