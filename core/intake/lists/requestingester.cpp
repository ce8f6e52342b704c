#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QSet>

#include "listingesters.h"

namespace gh {

namespace {

//! "column 17" for a parse error at \a offset of a line.
QString position(qsizetype offset)
{
    return QCoreApplication::translate("gh::IngestRequestIngester", "column %1").arg(offset + 1);
}

} // namespace

bool IngestRequestIngester::recognise(const Document &document) const
{
    const QList<QByteArray> lines = document.head.split('\n');
    for (const QByteArray &raw : lines) {
        const QByteArray line = raw.trimmed();
        if (line.isEmpty())
            continue;
        const QJsonDocument json = QJsonDocument::fromJson(line);
        return json.isObject() && json.object().contains(QStringLiteral("base_url"));
    }
    return false;
}

Status IngestRequestIngester::ingest(const Document &document, IntakeContext &context)
{
    QFile file(document.path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{ErrorCode::Unreadable, tr("Cannot read %1: %2").arg(document.path, file.errorString())};
    QSet<QString> identifiers;
    qint64 lineNumber = 0;
    qint64 requests = 0;
    while (!file.atEnd()) {
        if (context.options.cancelled())
            return Error{ErrorCode::Cancelled, tr("Loading %1 was cancelled.").arg(document.path)};
        ++lineNumber;
        const QByteArray line = file.readLine().trimmed();
        if (line.isEmpty())
            continue;
        QJsonParseError error;
        const QJsonDocument json = QJsonDocument::fromJson(line, &error);
        if (error.error != QJsonParseError::NoError) {
            return Error{ErrorCode::Invalid, tr("%1 line %2, %3: %4")
                                                 .arg(document.path)
                                                 .arg(lineNumber)
                                                 .arg(position(error.offset), error.errorString())};
        }
        if (!json.isObject()) {
            return Error{ErrorCode::Invalid, tr("%1 line %2: an ingest request must be a JSON object.")
                                                 .arg(document.path)
                                                 .arg(lineNumber)};
        }
        const QJsonObject request = json.object();
        const QString url = request.value(QStringLiteral("base_url")).toString();
        ++requests;

        ItemDraft item;
        const QString source = request.value(QStringLiteral("link_source")).toString();
        const QString sourceId = request.value(QStringLiteral("link_source_id")).toString();
        QString identifier = !source.isEmpty() && !sourceId.isEmpty()
                                 ? source + u':' + sourceId
                                 : QStringLiteral("request-%1").arg(requests);
        for (int n = 2; identifiers.contains(identifier); ++n)
            identifier = (!source.isEmpty() && !sourceId.isEmpty() ? source + u':' + sourceId
                                                                   : QStringLiteral("request")) +
                         u'#' + QString::number(n);
        identifiers.insert(identifier);
        item.identifier = identifier;
        // Banned lists name records by link_source_id alone as often as by the combined identifier.
        if (!sourceId.isEmpty())
            item.otherIdentifiers.append(sourceId);
        item.label = url;
        item.metadata.insert(QStringLiteral("request"), request);
        item.metadata.insert(QStringLiteral("line"), lineNumber);

        FileDraft draft;
        draft.name = fileNameForUrl(QUrl(url));
        draft.sourceUrl = url;
        if (!isWebUrl(url)) {
            draft.status = FileStatus::Unsupported;
            draft.error = tr("%1 line %2: base_url \"%3\" is not an http or https URL.")
                              .arg(document.path)
                              .arg(lineNumber)
                              .arg(url);
        }
        item.files.append(draft);
        if (Status s = context.sink.add(std::move(item)); !s)
            return s;
    }
    context.trace.add(QStringLiteral("manifest"), tr("%1 holds %2 ingest requests (JSON lines).")
                                                      .arg(QDir::toNativeSeparators(document.path))
                                                      .arg(requests));
    return {};
}

} // namespace gh
