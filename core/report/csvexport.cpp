#include "csvexport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

#include "filedetails.h"

namespace gh {

CsvWriter::CsvWriter(QIODevice &out)
    : m_out(out)
{}

QString CsvWriter::field(const QString &text)
{
    QString value = text;
    if (!value.isEmpty()) {
        const QChar first = value.front();
        if (first == u'=' || first == u'+' || first == u'-' || first == u'@' || first == u'\t' ||
            first == u'\r') {
            bool number = false;
            value.toDouble(&number);
            if (!number)
                value.prepend(u'\'');
        }
    }
    const bool quote = value.contains(u',') || value.contains(u'"') || value.contains(u'\n') ||
                       value.contains(u'\r') ||
                       (!value.isEmpty() && (value.front().isSpace() || value.back().isSpace()));
    if (!quote)
        return value;
    value.replace(u'"', QStringLiteral("\"\""));
    return u'"' + value + u'"';
}

bool CsvWriter::writeRow(const QStringList &fields)
{
    QString line;
    for (qsizetype i = 0; i < fields.size(); ++i) {
        if (i > 0)
            line += u',';
        line += field(fields[i]);
    }
    line += QStringLiteral("\r\n");
    return m_out.write(line.toUtf8()) >= 0;
}

namespace {

QString scalar(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return {};
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double: {
        const double d = value.toDouble();
        const qint64 whole = qint64(d);
        return double(whole) == d ? QString::number(whole) : QString::number(d, 'g', 17);
    }
    case QJsonValue::String:
        return value.toString();
    case QJsonValue::Array:
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    case QJsonValue::Object:
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    }
    return {};
}

void flattenInto(QHash<QString, QString> &columns, const QString &prefix, const QJsonValue &value)
{
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            flattenInto(columns, prefix + u'.' + it.key(), it.value());
        return;
    }
    if (!value.isArray()) {
        columns.insert(prefix, scalar(value));
        return;
    }
    const QJsonArray array = value.toArray();
    bool objects = !array.isEmpty();
    for (const QJsonValue &v : array)
        objects = objects && v.isObject();
    if (!objects) {
        QStringList parts;
        for (const QJsonValue &v : array)
            parts.append(scalar(v));
        columns.insert(prefix, parts.join(QStringLiteral("; ")));
        return;
    }
    // A list of objects: one column per key, the values joined in list order (blank where an object lacks
    // the key), so the n-th value of every such column belongs to the n-th object.
    QStringList keys;
    for (const QJsonValue &v : array) {
        for (const QString &key : v.toObject().keys()) {
            if (!keys.contains(key))
                keys.append(key);
        }
    }
    for (const QString &key : std::as_const(keys)) {
        QStringList parts;
        for (const QJsonValue &v : array)
            parts.append(scalar(v.toObject().value(key)));
        columns.insert(prefix + u'.' + key, parts.join(QStringLiteral("; ")));
    }
}

} // namespace

QHash<QString, QString> CsvExport::flatten(const QJsonObject &record)
{
    QHash<QString, QString> columns;
    for (auto it = record.begin(); it != record.end(); ++it)
        flattenInto(columns, it.key(), it.value());
    return columns;
}

QStringList CsvExport::columnOrder(const QSet<QString> &columns)
{
    static const QStringList leading{
        QStringLiteral("id"),       QStringLiteral("item"),       QStringLiteral("name"),
        QStringLiteral("link"),     QStringLiteral("path"),       QStringLiteral("url"),
        QStringLiteral("status"),   QStringLiteral("error"),      QStringLiteral("size"),
        QStringLiteral("mimetype"), QStringLiteral("md5"),        QStringLiteral("sha1"),
        QStringLiteral("sha256"),   QStringLiteral("stored_key"),
    };
    QStringList order;
    for (const QString &column : leading) {
        if (columns.contains(column))
            order.append(column);
    }
    QStringList rest;
    for (const QString &column : columns) {
        if (!leading.contains(column))
            rest.append(column);
    }
    rest.sort();
    return order + rest;
}

Status CsvExport::writeFiles(const ExportJob &job, QIODevice &out)
{
    auto batch = job.catalog->batch(job.batchId);
    if (!batch)
        return batch.error();
    ExportProgress progress(job, 2 * batch->files);

    // First pass: the columns. Bounded by the number of distinct keys, not by the number of files.
    QSet<QString> seen;
    Status s = FileDetails::forEach(*job.catalog, job.batchId, [&](const FileRecord &, const QJsonObject &o) {
        const QHash<QString, QString> columns = flatten(o);
        for (auto it = columns.cbegin(); it != columns.cend(); ++it)
            seen.insert(it.key());
        return progress.step();
    });
    if (!s)
        return s;
    if (progress.cancelled())
        return ExportProgress::cancelledError();
    // A batch without files still gets the header a spreadsheet expects.
    if (seen.isEmpty())
        seen = QSet<QString>{QStringLiteral("id"), QStringLiteral("item"), QStringLiteral("name"),
                             QStringLiteral("status")};
    const QStringList header = columnOrder(seen);

    CsvWriter csv(out);
    if (!csv.writeRow(header))
        return Error{ErrorCode::Io, tr("Writing the CSV failed: %1").arg(out.errorString())};
    bool failed = false;
    s = FileDetails::forEach(*job.catalog, job.batchId, [&](const FileRecord &, const QJsonObject &o) {
        const QHash<QString, QString> columns = flatten(o);
        QStringList row;
        row.reserve(header.size());
        for (const QString &column : header)
            row.append(columns.value(column));
        failed = !csv.writeRow(row);
        return !failed && progress.step();
    });
    if (!s)
        return s;
    if (failed)
        return Error{ErrorCode::Io, tr("Writing the CSV failed: %1").arg(out.errorString())};
    if (!progress.finish())
        return ExportProgress::cancelledError();
    return {};
}

namespace {

/*!
    Walks every warning and error of a batch as message,level,field,id,value.
*/
Status forEachProblem(Catalog &catalog, qint64 batchId, const std::function<bool(const QStringList &)> &row)
{
    auto batch = catalog.batch(batchId);
    if (!batch)
        return batch.error();
    const QString batchLabel = QStringLiteral("batch %1").arg(batchId);
    for (const QJsonValue &step : std::as_const(batch->trace)) {
        const QString stage = step[QStringLiteral("stage")].toString();
        for (const QJsonValue &warning : step[QStringLiteral("warnings")].toArray()) {
            if (!row({warning.toString(), QStringLiteral("warning"), QStringLiteral("intake"), batchLabel,
                      stage}))
                return {};
        }
    }
    // Files whose status is an error, remembered so their failure events are not listed again.
    QSet<qint64> listed;
    bool stopped = false;
    Status s = catalog.forEachFile(batchId, [&](const FileRecord &f) {
        if (StatusInfo::severity(f.status) != Severity::Error)
            return true;
        listed.insert(f.id);
        const QString message = f.error.isEmpty() ? StatusInfo::displayName(f.status) : f.error;
        stopped = !row({message, QStringLiteral("error"), QStringLiteral("status"), f.item + u'/' + f.name,
                        StatusInfo::key(f.status)});
        return !stopped;
    });
    if (!s || stopped)
        return s;
    // Item and file names for events, looked up once per distinct file: only problem events need them.
    return catalog.forEachEvent(batchId, [&](const EventRecord &e) {
        const bool failure = e.outcome == u"failure";
        if (!failure && e.outcome != u"warning")
            return true;
        if (failure && e.fileId > 0 && listed.contains(e.fileId))
            return true;
        QString id = batchLabel;
        if (e.fileId > 0) {
            auto file = catalog.file(e.fileId);
            id = file ? file->item + u'/' + file->name : QStringLiteral("file %1").arg(e.fileId);
        } else if (e.itemId > 0) {
            auto item = catalog.item(e.itemId);
            id = item ? item->identifier : QStringLiteral("item %1").arg(e.itemId);
        }
        return row({e.detail.isEmpty() ? e.type : e.detail,
                    failure ? QStringLiteral("error") : QStringLiteral("warning"), e.type, id, e.outcome});
    });
}

} // namespace

Status CsvExport::writeErrors(const ExportJob &job, QIODevice &out)
{
    auto batch = job.catalog->batch(job.batchId);
    if (!batch)
        return batch.error();
    ExportProgress progress(job, batch->files);
    CsvWriter csv(out);
    bool failed = !csv.writeRow({QStringLiteral("message"), QStringLiteral("level"), QStringLiteral("field"),
                                 QStringLiteral("id"), QStringLiteral("value")});
    Status s = forEachProblem(*job.catalog, job.batchId, [&](const QStringList &row) {
        failed = failed || !csv.writeRow(row);
        return !failed && progress.step();
    });
    if (!s)
        return s;
    if (failed)
        return Error{ErrorCode::Io, tr("Writing the CSV failed: %1").arg(out.errorString())};
    if (!progress.finish())
        return ExportProgress::cancelledError();
    return {};
}

Result<qint64> CsvExport::errorCount(Catalog &catalog, qint64 batchId)
{
    qint64 rows = 0;
    Status s = forEachProblem(catalog, batchId, [&](const QStringList &) {
        ++rows;
        return true;
    });
    if (!s)
        return s.error();
    return rows;
}

} // namespace gh
