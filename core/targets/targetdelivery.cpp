#include "targetdelivery.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileDevice>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

#include "store/bitstore.h"
#include "util/savefile.h"
#include "util/version.h"

namespace gh {

namespace {

QString agent()
{
    return agentFor(QStringLiteral("upload"));
}

} // namespace

UploadJournal::UploadJournal(const QString &workDir, const QString &targetSpec)
{
    const QByteArray hash =
        QCryptographicHash::hash(targetSpec.toUtf8(), QCryptographicHash::Sha256).toHex().left(16);
    m_dir = QDir(workDir).filePath(QStringLiteral("uploads/") + QString::fromLatin1(hash));
}

QString UploadJournal::path(qint64 fileId) const
{
    return QDir(m_dir).filePath(QString::number(fileId) + u".json");
}

QJsonObject UploadJournal::load(qint64 fileId) const
{
    QFile file(path(fileId));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

void UploadJournal::save(qint64 fileId, const QJsonObject &state) const
{
    if (state.isEmpty()) {
        remove(fileId);
        return;
    }
    QDir().mkpath(m_dir);
    QSaveFile file(path(fileId));
    if (file.open(QIODevice::WriteOnly)) {
        file.write(QJsonDocument(state).toJson(QJsonDocument::Compact));
        SaveFile::commit(file);
    }
}

void UploadJournal::remove(qint64 fileId) const
{
    QFile::remove(path(fileId));
}

QString UploadJournal::markPath(qint64 fileId) const
{
    return QDir(m_dir).filePath(QString::number(fileId) + u".sending");
}

void UploadJournal::markSending(qint64 fileId) const
{
    QDir().mkpath(m_dir);
    QFile mark(markPath(fileId));
    if (mark.open(QIODevice::WriteOnly))
        mark.close();
}

bool UploadJournal::wasSending(qint64 fileId) const
{
    return QFileInfo::exists(markPath(fileId));
}

void UploadJournal::settled(qint64 fileId) const
{
    QFile::remove(markPath(fileId));
}

TargetDelivery::TargetDelivery(Target &target, BitStore &store, const DeliveryOptions &options)
    : m_target(target)
    , m_store(store)
    , m_options(options)
    , m_journal(options.workDir, target.spec())
{}

EventRecord TargetDelivery::event(const DeliveryItem &item, const QString &type, const QString &outcome,
                                  const QString &detail)
{
    EventRecord e;
    e.batchId = item.file.batchId;
    e.itemId = item.file.itemId;
    e.fileId = item.file.id;
    e.type = type;
    e.at = QDateTime::currentDateTimeUtc();
    e.outcome = outcome;
    e.agent = agent();
    e.detail = detail;
    return e;
}

void TargetDelivery::prepare(DeliveryItem &item, const std::shared_ptr<std::atomic_bool> &cancel,
                             bool convert) const
{
    auto fail = [&](const QString &message) {
        item.state = TargetState::Failed;
        item.message = message;
    };
    if (item.file.storedKey.isEmpty()) {
        fail(tr("%1 was never stored, so there is nothing to send.").arg(item.label()));
        return;
    }
    const QString localPath = m_store.localPath(item.file.storedKey);
    const DerivativeRule *rule = DerivativeRule::find(m_options.derive, item.file.mimetype);
    QString uploadName;
    if (rule && !convert) {
        item.ruleText = rule->toText();
        uploadName = rule->renamed(item.file.name);
    } else if (rule) {
        if (!m_options.converter) {
            fail(tr("The rule %1 applies to %2, but this program cannot convert images.")
                     .arg(rule->toText(), item.label()));
            return;
        }
        // The converter reads a file: a store without local paths (S3) gives a temporary copy.
        std::unique_ptr<QIODevice> temporary;
        QString sourcePath = localPath;
        if (sourcePath.isEmpty()) {
            auto device = m_store.read(item.file.storedKey);
            if (!device) {
                fail(device.error().message);
                return;
            }
            temporary = std::move(*device);
            if (auto *file = qobject_cast<QFileDevice *>(temporary.get()))
                sourcePath = file->fileName();
        }
        auto derivative = m_options.converter->convert(
            sourcePath, item.file.mimetype, *rule,
            QDir(m_options.workDir).filePath(QStringLiteral("derivatives")), cancel);
        if (!derivative) {
            fail(derivative.error().message);
            return;
        }
        item.derivative = *derivative;
        item.ruleText = rule->toText();
        uploadName = rule->renamed(item.file.name);
        item.events.append(
            event(item, QStringLiteral("creation"), QStringLiteral("success"),
                  tr("Dissemination copy %1 (rule %2) made from the stored original (sha256 %3): "
                     "%4×%5 pixels, %6 bytes, md5 %7, sha1 %8, sha256 %9.")
                      .arg(rule->to, rule->toText(), item.file.digests.sha256)
                      .arg(derivative->width)
                      .arg(derivative->height)
                      .arg(derivative->size)
                      .arg(derivative->digests.md5, derivative->digests.sha1, derivative->digests.sha256)));
        item.source.localPath = derivative->path;
        item.source.mimetype = derivative->mimetype;
    } else {
        item.source.localPath = localPath;
        item.source.mimetype = item.file.mimetype;
        if (localPath.isEmpty()) {
            BitStore *store = &m_store;
            const QString key = item.file.storedKey;
            item.source.open = [store, key] { return store->read(key); };
        }
    }
    item.source.size = item.sentSize();
    item.source.digests = item.sentDigests();

    TemplateFields fields = TemplateFields::forFile(m_options.batchId, m_options.batchName, item.item,
                                                    item.file, item.page, item.pages, uploadName);
    if (item.derivative) {
        fields.set(QStringLiteral("md5"), item.derivative->digests.md5);
        fields.set(QStringLiteral("sha1"), item.derivative->digests.sha1);
        fields.set(QStringLiteral("sha256"), item.derivative->digests.sha256);
    }
    auto name =
        m_target.nameFor(fields, m_options.titleTemplate.isEmpty() ? nullptr : &m_options.titleTemplate);
    if (!name) {
        fail(name.error().message);
        return;
    }
    item.remoteName = *name;
    if (m_target.kind() == u"mediawiki") {
        item.pageText = m_options.page.text(fields);
        item.summary = m_options.page.summary(fields);
    }
}

Status TargetDelivery::lookUp(const QList<DeliveryItem *> &items,
                              const std::shared_ptr<std::atomic_bool> &cancel) const
{
    QList<DeliveryItem *> asked;
    QList<LookupQuery> queries;
    for (DeliveryItem *item : items) {
        if (item->state != TargetState::Pending)
            continue;
        asked.append(item);
        queries.append(LookupQuery{item->remoteName, item->sentDigests(), item->sentSize(), true});
    }
    if (queries.isEmpty())
        return {};
    auto answers = m_target.lookup(queries, cancel);
    if (!answers)
        return answers.error();
    const QString spec = m_target.spec();
    for (qsizetype i = 0; i < asked.size(); ++i) {
        DeliveryItem &item = *asked[i];
        const LookupAnswer &a = answers->at(i);
        const Digests digests = item.sentDigests();
        QJsonObject lookup;
        if (a.named)
            lookup.insert(QStringLiteral("named"), a.named->toJson());
        QJsonArray elsewhere;
        const QList<RemoteObject> others = a.elsewhere(digests);
        for (const RemoteObject &o : others)
            elsewhere.append(o.toJson());
        if (!elsewhere.isEmpty())
            lookup.insert(QStringLiteral("elsewhere"), elsewhere);
        QJsonArray deleted;
        for (const RemoteObject &o : a.deletedSameBytes)
            deleted.append(o.toJson());
        if (!deleted.isEmpty())
            lookup.insert(QStringLiteral("deleted"), deleted);
        if (!lookup.isEmpty())
            item.reported.insert(QStringLiteral("lookup"), lookup);
        if (!a.normalizedName.isEmpty())
            item.remoteName = a.normalizedName;
        item.nameWasFree = !a.named;

        if (!a.nameProblem.isEmpty()) {
            item.state = TargetState::Failed;
            item.message = tr("%1 refuses the name %2: %3").arg(spec, item.remoteName, a.nameProblem);
        } else if (a.alreadyThere(digests, item.sentSize()) && m_journal.wasSending(item.file.id)) {
            // An interrupted run of ours sent them: they are this batch's delivery, not someone else's.
            item.state = TargetState::Uploaded;
            item.verified = true;
            item.remoteName = a.named->name;
            item.message =
                tr("%1 holds %2 as an interrupted run sent it; nothing sent again.").arg(spec, a.named->name);
            item.events.append(event(item, QStringLiteral("transfer"), QStringLiteral("success"),
                                     tr("Sent to %1 as %2 by an interrupted run: %3 bytes, sha1 %4, found "
                                        "complete.")
                                         .arg(spec, a.named->name)
                                         .arg(item.sentSize())
                                         .arg(digests.sha1)));
            m_journal.remove(item.file.id);
        } else if (a.alreadyThere(digests, item.sentSize())) {
            item.state = TargetState::AlreadyThere;
            item.verified = true;
            item.remoteName = a.named->name;
            item.message = tr("%1 already holds these bytes as %2; nothing sent.").arg(spec, a.named->name);
            item.events.append(event(item, QStringLiteral("fixity check"), QStringLiteral("success"),
                                     tr("%1 holds %2 with the same digests (sha1 %3); not sent again.")
                                         .arg(spec, a.named->name, digests.sha1)));
            m_journal.remove(item.file.id);
        } else if (m_options.ignoreWarnings.contains(item.file.id)) {
            // A curator decided: send it all the same.
        } else if (a.named) {
            item.state = TargetState::NeedsDecision;
            item.message =
                a.named->sha1.isEmpty() && a.named->sha256.isEmpty() && a.named->md5.isEmpty()
                    ? tr("%1: the name %2 is taken (a page without a file).").arg(spec, a.named->name)
                    : tr("%1: the name %2 holds other content.").arg(spec, a.named->name);
        } else if (!others.isEmpty()) {
            QStringList names;
            for (const RemoteObject &o : others)
                names.append(o.name);
            item.state = TargetState::NeedsDecision;
            item.message =
                tr("%1 already holds these bytes as %2.").arg(spec, names.join(QStringLiteral(", ")));
        } else if (!a.deletedSameBytes.isEmpty()) {
            const RemoteObject &d = a.deletedSameBytes.first();
            item.state = TargetState::NeedsDecision;
            item.message = d.deletedForCopyright
                               ? tr("%1 deleted these bytes before for copyright (%2: %3).")
                                     .arg(spec, d.name, d.deletionReason)
                               : tr("%1 deleted these bytes before (%2).").arg(spec, d.name);
        }
    }
    return {};
}

void TargetDelivery::send(DeliveryItem &item, const std::function<void(qint64, qint64)> &progress,
                          const std::shared_ptr<std::atomic_bool> &cancel) const
{
    if (item.state != TargetState::Pending)
        return;
    UploadRequest request;
    request.fileId = item.file.id;
    request.label = item.label();
    request.name = item.remoteName;
    request.source = item.source;
    request.pageText = item.pageText;
    request.summary = item.summary;
    request.ignoreWarnings = m_options.ignoreWarnings.contains(item.file.id);
    request.resume = m_journal.load(item.file.id);
    const qint64 fileId = item.file.id;
    const UploadJournal journal = m_journal;
    request.saveResume = [journal, fileId](const QJsonObject &state) { journal.save(fileId, state); };
    request.progress = progress;
    request.cancel = cancel;

    m_journal.markSending(fileId);
    const UploadOutcome outcome = m_target.upload(request);
    if (outcome.cancelled) {
        item.state = TargetState::Pending;
        item.message = outcome.message;
        return;
    }
    item.state = outcome.state;
    item.message = outcome.message;
    item.transient = outcome.transient;
    item.fatal = outcome.fatal;
    if (!outcome.name.isEmpty())
        item.remoteName = outcome.name;
    QJsonObject reported = item.reported;
    reported.insert(QStringLiteral("upload"), outcome.reported);
    item.reported = reported;
    const QString spec = m_target.spec();
    const Digests digests = item.sentDigests();
    switch (item.state) {
    case TargetState::Uploaded:
        item.events.append(event(item, QStringLiteral("transfer"), QStringLiteral("success"),
                                 tr("Sent to %1 as %2: %3 bytes, sha1 %4, sha256 %5.")
                                     .arg(spec, item.remoteName)
                                     .arg(item.sentSize())
                                     .arg(digests.sha1, digests.sha256)));
        m_journal.remove(item.file.id);
        if (outcome.storedByTarget && outcome.stored && outcome.stored->holds(digests, item.sentSize())) {
            // The wiki's answer already says what it keeps (it hashed the stored bytes): verified without
            // asking again. Anything else is read back by verify().
            item.verified = true;
            item.reported.insert(QStringLiteral("verified"), outcome.stored->toJson());
            item.events.append(
                event(item, QStringLiteral("fixity check"), QStringLiteral("success"),
                      tr("%1 holds %2 with the digests that were sent (sha1 %3, %4 bytes), as its answer to "
                         "the upload says.")
                          .arg(spec, item.remoteName, digests.sha1)
                          .arg(item.sentSize())));
        }
        break;
    case TargetState::AlreadyThere:
        if (item.nameWasFree && outcome.name == item.remoteName) {
            // Our name was free when we looked, and holds our bytes now: our own request stored them and
            // its answer was lost (the engine sent it again and the wiki said "no change"). They are this
            // batch's delivery (a rejection withdraws them); verify() reads them back.
            item.state = TargetState::Uploaded;
            item.message =
                tr("%1 stored %2 although its answer was lost; not sent again.").arg(spec, item.remoteName);
            item.events.append(event(item, QStringLiteral("transfer"), QStringLiteral("success"),
                                     tr("Sent to %1 as %2: %3 bytes, sha1 %4, sha256 %5 (the first answer "
                                        "was lost).")
                                         .arg(spec, item.remoteName)
                                         .arg(item.sentSize())
                                         .arg(digests.sha1, digests.sha256)));
            m_journal.remove(item.file.id);
            break;
        }
        item.verified = true;
        item.events.append(
            event(item, QStringLiteral("transfer"), QStringLiteral("success"),
                  tr("%1 already held these bytes as %2; nothing sent.").arg(spec, item.remoteName)));
        m_journal.remove(item.file.id);
        break;
    case TargetState::NeedsDecision:
        item.events.append(event(item, QStringLiteral("transfer"), QStringLiteral("warning"),
                                 tr("Not sent to %1 as %2: %3").arg(spec, item.remoteName, item.message)));
        break;
    default:
        item.events.append(
            event(item, QStringLiteral("transfer"), QStringLiteral("failure"),
                  tr("Sending to %1 as %2 failed: %3").arg(spec, item.remoteName, item.message)));
        if (!item.transient)
            m_journal.remove(item.file.id);
        break;
    }
}

Status TargetDelivery::verify(const QList<DeliveryItem *> &items) const
{
    QList<DeliveryItem *> sent;
    QList<VerifyQuery> queries;
    for (DeliveryItem *item : items) {
        if (item->state != TargetState::Uploaded || item->verified)
            continue;
        sent.append(item);
        queries.append(VerifyQuery{item->remoteName, item->sentDigests(), item->sentSize()});
    }
    if (queries.isEmpty())
        return {};
    auto results = m_target.verify(queries);
    if (!results)
        return results.error();
    const QString spec = m_target.spec();
    for (qsizetype i = 0; i < sent.size(); ++i) {
        DeliveryItem &item = *sent[i];
        const VerifyResult &r = results->at(i);
        if (r.found)
            item.reported.insert(QStringLiteral("verified"), r.found->toJson());
        if (r.matches) {
            item.verified = true;
            item.events.append(event(item, QStringLiteral("fixity check"), QStringLiteral("success"),
                                     tr("%1 holds %2 with the digests that were sent (sha1 %3, %4 bytes).")
                                         .arg(spec, item.remoteName, item.sentDigests().sha1)
                                         .arg(item.sentSize())));
        } else {
            item.state = TargetState::TargetMismatch;
            item.verified = false;
            item.message = r.message;
            item.events.append(
                event(item, QStringLiteral("fixity check"), QStringLiteral("failure"), r.message));
        }
    }
    return {};
}

void TargetDelivery::cleanUp(DeliveryItem &item)
{
    if (item.derivative && !item.derivative->path.isEmpty())
        QFile::remove(item.derivative->path);
}

} // namespace gh
