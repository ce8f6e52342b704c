#include "reports.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QLocale>
#include <QSaveFile>

#include "intake/intaketypes.h"
#include "itemlink.h"
#include "problems.h"
#include "summarysections.h"
#include "util/savefile.h"

namespace gh {

namespace {

constexpr int s_width = 80;

QString leader(const QString &label, const QString &value)
{
    const qsizetype dots = std::max<qsizetype>(3, s_width - label.size() - value.size() - 2);
    return label + u' ' + QString(dots, u'.') + u' ' + value + u'\n';
}

QString centred(const QString &title)
{
    const qsizetype pad = std::max<qsizetype>(0, (s_width - title.size()) / 2);
    return QString(pad, u' ') + title + u'\n';
}

QString runtime(qint64 ms)
{
    const qint64 h = ms / 3600000;
    const qint64 m = ms / 60000 % 60;
    const qint64 s = ms / 1000 % 60;
    return QStringLiteral("%1:%2:%3.%4")
        .arg(h, 2, 10, QLatin1Char('0'))
        .arg(m, 2, 10, QLatin1Char('0'))
        .arg(s, 2, 10, QLatin1Char('0'))
        .arg(ms % 1000, 3, 10, QLatin1Char('0'));
}

QJsonValue optionalString(const QString &value)
{
    return value.isEmpty() ? QJsonValue() : QJsonValue(value);
}

} // namespace

QJsonObject Reports::batchJson(const BatchRecord &batch)
{
    QJsonObject stages;
    for (Stage stage : StageInfo::all())
        stages.insert(StageInfo::key(stage),
                      StageInfo::key(batch.stages.value(stage, StageState::NotStarted)));
    QJsonObject counts;
    for (auto it = batch.counts.cbegin(); it != batch.counts.cend(); ++it)
        counts.insert(StatusInfo::key(it.key()), it.value());
    return QJsonObject{
        {QStringLiteral("id"), batch.id},
        {QStringLiteral("name"), batch.name},
        {QStringLiteral("created"), Catalog::toDbTime(batch.created)},
        {QStringLiteral("source"), batch.source},
        {QStringLiteral("detected"), batch.detected},
        {QStringLiteral("state"), batchStateKey(batch.state)},
        {QStringLiteral("items"), batch.items},
        {QStringLiteral("files"), batch.files},
        {QStringLiteral("stages"), stages},
        {QStringLiteral("counts"), counts},
        {QStringLiteral("archived"), batch.archived},
        {QStringLiteral("problems"), Problems::toJson(batch.problems)},
        {QStringLiteral("batch_problems"),
         [&] {
             QJsonArray list;
             for (const Problem &p : batch.batchProblems)
                 list.append(Problems::toJson(p));
             return list;
         }()},
        // What intake warned about, and the manifests it had to refuse (hostile or broken), so scripts see
        // what the GUI's problems list shows.
        {QStringLiteral("warnings"), QJsonArray::fromStringList(IntakeTrace::warnings(batch.trace))},
        {QStringLiteral("refused_manifests"), QJsonArray::fromStringList(IntakeTrace::refusals(batch.trace))},
    };
}

QJsonObject Reports::fileJson(const FileRecord &f)
{
    QJsonObject o{
        {QStringLiteral("id"), f.id},
        {QStringLiteral("item"), f.item},
        {QStringLiteral("name"), f.name},
        {QStringLiteral("size"), f.size >= 0 ? QJsonValue(f.size) : QJsonValue()},
        {QStringLiteral("md5"), optionalString(f.digests.md5)},
        {QStringLiteral("sha1"), optionalString(f.digests.sha1)},
        {QStringLiteral("sha256"), optionalString(f.digests.sha256)},
        {QStringLiteral("mimetype"), optionalString(f.mimetype)},
        {QStringLiteral("status"), StatusInfo::key(f.status)},
        {QStringLiteral("stored_key"), optionalString(f.storedKey)},
        // Opens the item in the GUI from a spreadsheet or a mail (the desktop's gatehouse:// handler).
        {QStringLiteral("link"), ItemLink::itemUrl(f.batchId, f.itemId)},
    };
    if (!f.sourcePath.isEmpty())
        o.insert(QStringLiteral("path"), f.sourcePath);
    if (!f.sourceUrl.isEmpty())
        o.insert(QStringLiteral("url"), f.sourceUrl);
    if (!f.error.isEmpty())
        o.insert(QStringLiteral("error"), f.error);
    if (!f.declared.isEmpty()) {
        QJsonObject declared;
        if (!f.declared.md5.isEmpty())
            declared.insert(QStringLiteral("md5"), f.declared.md5);
        if (!f.declared.sha1.isEmpty())
            declared.insert(QStringLiteral("sha1"), f.declared.sha1);
        if (!f.declared.sha256.isEmpty())
            declared.insert(QStringLiteral("sha256"), f.declared.sha256);
        if (!f.declared.sha512.isEmpty())
            declared.insert(QStringLiteral("sha512"), f.declared.sha512);
        declared.insert(QStringLiteral("origin"), f.declared.origin);
        o.insert(QStringLiteral("declared"), declared);
    }
    if (f.httpStatus > 0)
        o.insert(QStringLiteral("http_status"), f.httpStatus);
    if (!f.terminalUrl.isEmpty())
        o.insert(QStringLiteral("terminal_url"), f.terminalUrl);
    return o;
}

QJsonObject Reports::findingJson(const FindingRecord &finding)
{
    QJsonObject o{
        {QStringLiteral("check"), finding.check},
        {QStringLiteral("severity"), severityKey(finding.severity)},
        {QStringLiteral("message"), finding.message},
    };
    if (finding.line > 0)
        o.insert(QStringLiteral("line"), finding.line);
    return o;
}

QJsonObject Reports::fileJson(const FileRecord &file, const QList<FindingRecord> &findings)
{
    QJsonObject o = fileJson(file);
    QJsonArray list;
    for (const FindingRecord &f : findings)
        list.append(findingJson(f));
    o.insert(QStringLiteral("findings"), list);
    return o;
}

Status Reports::requestResults(Catalog &catalog, qint64 batchId,
                               const std::function<void(const QJsonObject &)> &deliver)
{
    // Files of one item are consecutive (id order follows intake order): collect an item's files, then emit.
    QList<FileRecord> group;
    auto flush = [&]() -> Status {
        if (group.isEmpty())
            return {};
        const FileRecord *chosen = &group.constFirst();
        for (const FileRecord &f : std::as_const(group)) {
            if (StatusInfo::severity(f.status) == Severity::Error) {
                chosen = &f;
                break;
            }
        }
        const FileRecord &f = *chosen;
        auto item = catalog.item(f.itemId);
        if (!item)
            return item.error();
        QJsonObject request = item->metadata.value(QStringLiteral("request")).toObject();
        if (request.isEmpty()) {
            request.insert(QStringLiteral("base_url"), f.sourceUrl.isEmpty() ? f.sourcePath : f.sourceUrl);
            request.insert(QStringLiteral("link_source_id"), item->identifier);
        }
        const bool hit = f.status == FileStatus::Success || f.status == FileStatus::Unchanged;
        QJsonObject result{{QStringLiteral("request"), request},
                           {QStringLiteral("status"), StatusInfo::key(f.status)},
                           {QStringLiteral("hit"), hit}};
        if (f.httpStatus > 0 || !f.terminalUrl.isEmpty()) {
            result.insert(QStringLiteral("terminal"),
                          QJsonObject{{QStringLiteral("terminal_url"), f.terminalUrl},
                                      {QStringLiteral("terminal_dt"), Catalog::toDbTime(f.processedAt)},
                                      {QStringLiteral("terminal_status_code"), f.httpStatus},
                                      {QStringLiteral("terminal_sha1hex"), optionalString(f.digests.sha1)}});
        }
        if (f.size >= 0 && !f.digests.sha1.isEmpty()) {
            result.insert(QStringLiteral("file_meta"),
                          QJsonObject{{QStringLiteral("size_bytes"), f.size},
                                      {QStringLiteral("md5hex"), f.digests.md5},
                                      {QStringLiteral("sha1hex"), f.digests.sha1},
                                      {QStringLiteral("sha256hex"), f.digests.sha256},
                                      {QStringLiteral("mimetype"), f.mimetype}});
        }
        QJsonArray hops;
        for (const QJsonValue &hop : f.hops)
            hops.append(hop.toObject().value(QStringLiteral("url")));
        if (!f.terminalUrl.isEmpty())
            hops.append(f.terminalUrl);
        result.insert(QStringLiteral("hops"), hops);
        result.insert(QStringLiteral("error_message"), hit ? QJsonValue() : QJsonValue(f.error));
        deliver(result);
        group.clear();
        return {};
    };
    Status walked = catalog.forEachFile(batchId, [&](const FileRecord &f) {
        if (!group.isEmpty() && group.constFirst().itemId != f.itemId) {
            if (Status s = flush(); !s)
                return false;
        }
        group.append(f);
        return true;
    });
    if (!walked)
        return walked;
    return flush();
}

Result<QString> Reports::summary(Catalog &catalog, qint64 batchId)
{
    auto batch = catalog.batch(batchId);
    if (!batch)
        return batch.error();
    auto times = catalog.runTimes(batchId);
    if (!times)
        return times.error();

    const QString startText =
        times->started.isValid()
            ? times->started.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'"))
            : tr("not started");
    const qint64 ms =
        times->started.isValid() && times->finished.isValid() ? times->started.msecsTo(times->finished) : 0;

    QString text;
    text += centred(tr("SUMMARY"));
    text += u'\n';
    text += leader(tr("Provider / source"), batch->source);
    text += leader(tr("Batch"), QStringLiteral("%1 (%2)").arg(batch->id).arg(batch->name));
    text += leader(tr("Detected as"), batch->detected.isEmpty() ? tr("unknown") : batch->detected);
    text += leader(tr("Start date"), startText);
    text += leader(tr("Runtime"), runtime(ms));
    SummaryContext context(catalog, *batch);
    for (SummarySections::Builder build : SummarySections::all()) {
        auto section = build(context);
        if (!section)
            return section.error();
        if (!*section)
            continue;
        text += u'\n';
        text += centred((*section)->title);
        text += u'\n';
        for (const auto &[label, value] : std::as_const((*section)->lines))
            text += leader(label, value);
    }
    return text;
}

Result<QString> Reports::writeSummary(Catalog &catalog, qint64 batchId, const QString &path)
{
    auto text = summary(catalog, batchId);
    if (!text)
        return text;
    QDir().mkpath(QFileInfo(path).absolutePath());
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text) || file.write(text->toUtf8()) < 0 ||
        !SaveFile::commit(file))
        return Error{ErrorCode::Io, tr("Cannot write the summary %1: %2").arg(path, SaveFile::failure(file))};
    return text;
}

} // namespace gh
