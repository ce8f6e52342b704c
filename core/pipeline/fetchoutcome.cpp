#include "fetchoutcome.h"

#include <QFileInfo>

#include "digest/fixity.h"
#include "store/bitstore.h"
#include "store/storekey.h"

namespace gh {

QHash<QString, QString> FileFinisher::keyVariables(const BatchContext &batch, const FileRecord &file,
                                                   const Digests &digests)
{
    const QString fileName = file.name.section(u'/', -1);
    const qsizetype dot = fileName.lastIndexOf(u'.');
    return {
        {QStringLiteral("batch"), QString::number(batch.batchId)},
        {QStringLiteral("batch_name"), batch.name},
        {QStringLiteral("timestamp"), batch.created.toUTC().toString(QStringLiteral("yyyyMMddTHHmmssZ"))},
        {QStringLiteral("item"), file.item},
        {QStringLiteral("resource_id"), file.item},
        {QStringLiteral("path"), file.name},
        {QStringLiteral("filename"), fileName},
        {QStringLiteral("ext"), dot > 0 ? fileName.mid(dot + 1) : QString()},
        {QStringLiteral("file_id"), QString::number(file.id)},
        {QStringLiteral("md5"), digests.md5},
        {QStringLiteral("sha1"), digests.sha1},
        {QStringLiteral("sha256"), digests.sha256},
    };
}

EventRecord FileFinisher::event(const FileRecord &file, const QString &type, const QString &outcome,
                                const QString &detail, const QString &agent)
{
    EventRecord e;
    e.batchId = file.batchId;
    e.itemId = file.itemId;
    e.fileId = file.id;
    e.type = type;
    e.at = QDateTime::currentDateTimeUtc();
    e.outcome = outcome;
    e.agent = agent;
    e.detail = detail;
    return e;
}

void FileFinisher::recordMeasurements(FetchOutcome &outcome, const Digests &digests, qint64 size,
                                      const QString &mimetype, const QString &agent)
{
    FileRecord &f = outcome.file;
    f.size = size;
    f.digests = digests;
    f.mimetype = mimetype;
    f.processedAt = QDateTime::currentDateTimeUtc();
    QString detail =
        QStringLiteral("md5 %1, sha1 %2, sha256 %3").arg(digests.md5, digests.sha1, digests.sha256);
    if (!digests.sha512.isEmpty())
        detail += QStringLiteral(", sha512 %1").arg(digests.sha512);
    outcome.events.append(event(f, QStringLiteral("message digest calculation"), QStringLiteral("success"),
                                detail + QStringLiteral(", %1 bytes").arg(size), agent));
    outcome.events.append(
        event(f, QStringLiteral("format identification"), QStringLiteral("success"), mimetype, agent));

    const Fixity::Verdict verdict = Fixity::compare(f.declared, digests);
    if (verdict.checked) {
        outcome.events.append(event(f, QStringLiteral("fixity check"),
                                    verdict.matches ? QStringLiteral("success") : QStringLiteral("failure"),
                                    verdict.detail, agent));
    }
    if (!verdict.matches) {
        f.status = FileStatus::FixityMismatch;
        f.error = mismatchMessage(verdict.detail, f.declared.origin);
    } else if (size == 0) {
        f.status = FileStatus::Empty;
        f.error = tr("The file is empty.");
    } else {
        f.status = FileStatus::Success;
        f.error.clear();
    }
}

QString FileFinisher::mismatchMessage(const QString &detail, const QString &origin)
{
    return tr("Checksum mismatch: %1 (declared in %2)").arg(detail, origin);
}

void FileFinisher::fail(FetchOutcome &outcome, FileStatus status, const QString &message,
                        const QString &eventType, const QString &agent)
{
    outcome.file.status = status;
    outcome.file.error = message;
    outcome.file.processedAt = QDateTime::currentDateTimeUtc();
    outcome.events.append(event(outcome.file, eventType, QStringLiteral("failure"), message, agent));
}

void FileFinisher::publish(FetchOutcome &outcome, StoreWriter &writer, BitStore &store,
                           const BatchContext &batch, const Digests &digests, qint64 size,
                           const QString &mimetype, const QString &eventType, const QString &origin,
                           const QString &agent, bool lookFirst)
{
    recordMeasurements(outcome, digests, size, mimetype, agent);
    if (outcome.file.status == FileStatus::Empty) {
        writer.abort();
        return;
    }
    const Result<QString> key =
        StoreKey::expand(batch.keyTemplate, keyVariables(batch, outcome.file, digests));
    if (!key) {
        writer.abort();
        fail(outcome, FileStatus::UnsafePath, key.error().message, eventType, agent);
        return;
    }
    if (lookFirst) {
        auto held = store.holds(*key, size, digests);
        if (!held) {
            // Sending now could store the object a second time; a later attempt looks again.
            writer.abort();
            fail(outcome, FileStatus::StoreError, held.error().message, eventType, agent);
            return;
        }
        if (*held) {
            writer.abort();
            outcome.file.storedKey = *key;
            outcome.events.append(
                event(outcome.file, eventType, QStringLiteral("success"),
                      tr("Found %1 already stored as %2 in %3 with the same bytes (an interrupted attempt "
                         "stored it); not sent again")
                          .arg(origin, *key, store.displayName()),
                      agent));
            return;
        }
    }
    if (Status s = writer.commit(*key, digests); !s) {
        fail(outcome, FileStatus::StoreError, s.error().message, eventType, agent);
        return;
    }
    outcome.file.storedKey = *key;
    outcome.events.append(event(outcome.file, eventType, QStringLiteral("success"),
                                tr("Stored %1 as %2 in %3").arg(origin, *key, store.displayName()), agent));
}

} // namespace gh
