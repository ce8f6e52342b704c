#include "uploadstage.h"

#include <QJsonArray>
#include <QPointer>
#include <QThread>
#include <QUrl>

#include "catalog/catalog.h"
#include "catalog/targetrows.h"
#include "model/records.h"
#include "net/httpengine.h"
#include "uploadpreview.h"
#include "util/logging.h"

namespace gh {

namespace {

bool isFinal(const FileTargetRecord &row, const QSet<qint64> &decided)
{
    switch (row.state) {
    case TargetState::Uploaded:
        return row.verified;
    case TargetState::AlreadyThere:
    case TargetState::Skipped:
        return true;
    case TargetState::NeedsDecision:
        return !decided.contains(row.fileId);
    default:
        return false;
    }
}

/*!
    Whether this process still holds the upload lease of \a fileId (renewing it), asked on the calling pool
    thread's own connection to the catalog at \a location (a connection belongs to one thread): the last look
    before a file's bytes go out. A worker that was held up past its lease (the process stopped, the
    catalog's server away) finds the files another process took over meanwhile and sends none of them.
*/
Result<Catalog *> ownCatalog(const CatalogLocation &location)
{
    thread_local std::unique_ptr<Catalog> own;
    if (!own || own->location().displayName() != location.displayName()) {
        own.reset();
        auto opened = Catalog::open(location);
        if (!opened)
            return opened.error();
        own = std::move(*opened);
    }
    return own.get();
}

Result<bool> stillHeld(const CatalogLocation &location, Stage stage, const Lease &lease, qint64 fileId)
{
    auto own = ownCatalog(location);
    if (!own)
        return own.error();
    auto held = (*own)->confirmLeases(stage, lease, {fileId});
    if (!held)
        return held.error();
    return held->contains(fileId);
}

QString hostOf(const QString &spec)
{
    const qsizetype colon = spec.indexOf(u':');
    const QUrl url(spec.mid(colon + 1));
    return url.host().isEmpty() ? spec.left(colon) : url.host();
}

} // namespace

UploadStage::UploadStage(const StageEnvironment &environment, const UploadSettings &settings,
                         const QString &workDir, QObject *parent)
    : FileStage(environment, parent)
    , m_settings(settings)
    , m_workDir(workDir)
{}

UploadStage::~UploadStage()
{
    // Its thread reports activity into members that go before it does.
    if (m_http)
        m_http->shutdown();
}

StageDefinition UploadStage::definition(const UploadSettings &settings, const QString &workDir)
{
    return {Stage::Upload, StageDefinition::Kind::Files, [settings, workDir](const StageEnvironment &env) {
                return std::unique_ptr<FileStage>(new UploadStage(env, settings, workDir));
            }};
}

Status UploadStage::prepare()
{
    auto batch = catalog().batch(this->batch().batchId);
    if (!batch)
        return batch.error();
    if (batch->state == BatchState::Rejected)
        return Error{ErrorCode::Usage,
                     tr("Batch %1 was rejected; nothing of it is uploaded.").arg(batch->id)};
    if (!m_settings.settingsError.isEmpty())
        return Error{ErrorCode::Invalid, m_settings.settingsError};
    if (m_settings.routesFromBatch) {
        auto recorded = TargetRoute::ofBatch(catalog(), batch->id);
        if (!recorded)
            return recorded.error();
        m_settings.routes = *recorded;
    }
    if (m_settings.routes.isEmpty())
        return Error{ErrorCode::Usage,
                     tr("No target to upload to: give --target, or [targets] default in the settings.")};
    TargetContext context;
    context.stagingDir = m_workDir + QStringLiteral("/staging");
    m_clock.start();
    const bool wiki =
        std::any_of(m_settings.routes.cbegin(), m_settings.routes.cend(), [](const TargetRoute &route) {
            return TargetRegistry::schemeOf(route.spec) == u"mediawiki";
        });
    if (wiki && !m_http) {
        m_http = std::make_unique<HttpEngine>(TargetRegistry::httpOptions(m_settings.options));
        connect(
            m_http.get(), &HttpEngine::activity, this,
            [this](const QList<TransferActivity> &transfers) {
                QMutexLocker lock(&m_activityMutex);
                m_engineActivity.clear();
                for (const TransferActivity &t : transfers) {
                    if (t.direction == TransferActivity::Direction::Upload)
                        m_engineActivity.insert(t.tag, t);
                }
            },
            Qt::DirectConnection);
    }
    context.http = m_http.get();
    int maxParallel = 1;
    for (const TargetRoute &route : std::as_const(m_settings.routes)) {
        Route r;
        r.route = route;
        auto target = TargetRegistry::open(route.spec, m_settings.options, context);
        if (!target)
            return target.error();
        r.target = std::move(*target);
        auto plan = UploadPlan::build(catalog(), batch->id, route);
        if (!plan)
            return plan.error();
        r.plan = std::move(*plan);
        auto options =
            UploadPreview::deliveryOptions(m_settings, *r.target, batch->id, batch->name, m_workDir);
        if (!options)
            return options.error();
        // The gates' say (duplicate decisions): opened once per run, applied to every group.
        auto gates = DeliveryGates::open(catalog(), batch->id, r.target->spec());
        if (!gates)
            return gates.error();
        r.gates = std::move(*gates);
        options->ignoreWarnings.unite(r.gates.ignoreWarnings());
        r.released = r.gates.released() | options->ignoreWarnings;
        r.delivery = std::make_unique<TargetDelivery>(*r.target, environment().store, *options);
        maxParallel = std::max(maxParallel, r.target->parallelism());
        m_routes.push_back(std::move(r));
    }
    // The stage's rows say whether a file is done with the targets of the run that wrote them. A target
    // new to the batch (or a filter that now takes more files) lacks rows, and a decision made since
    // changes what needs-decision means: then the settled files are taken again. Each is settled from its
    // rows where they are final, without asking the target.
    bool reopen = false;
    for (const Route &r : m_routes) {
        auto counts = catalog().targetCounts(batch->id, r.target->spec());
        if (!counts)
            return counts.error();
        qint64 rows = 0;
        for (qint64 n : std::as_const(*counts))
            rows += n;
        reopen = reopen || rows < r.plan.size() ||
                 (counts->value(TargetState::NeedsDecision) > 0 && !r.released.isEmpty());
    }
    if (reopen) {
        auto reset =
            catalog().resetStage(batch->id, stage(), {FileStatus::Success, FileStatus::NeedsDecision}, false,
                                 environment().downstream);
        if (!reset)
            return reset.error();
    }
    auto work = catalog().pendingWork(batch->id, environment().pending);
    const qint64 files = work ? work->files : 0;
    m_maxGroups = maxParallel;
    // Groups small enough that every lane gets its share of a small batch, at most 50 (one look-up request).
    m_groupSize = int(std::clamp<qint64>((files + 2 * maxParallel - 1) / (2 * maxParallel), 1, 50));
    setConcurrency(maxParallel, m_groupSize * m_maxGroups);
    return {};
}

QString UploadStage::startMessage(qint64 files) const
{
    QStringList specs;
    for (const Route &r : m_routes)
        specs.append(r.target->spec() + (r.route.filterText.isEmpty()
                                             ? QString()
                                             : QStringLiteral(" (%1)").arg(r.route.filterText)));
    return tr("Upload: %1 files of batch %2 to %3.")
        .arg(files)
        .arg(batch().batchId)
        .arg(specs.join(QStringLiteral(", ")));
}

Status UploadStage::pageLoaded(const QList<FileRecord> &page)
{
    if (page.isEmpty())
        return {};
    // What the targets already have for these files, and the items the templates read.
    for (const Route &r : m_routes) {
        auto rows = catalog().batchTargets(batch().batchId, r.target->spec(), page.first().id - 1, -1);
        if (!rows)
            return rows.error();
        for (const FileTargetRecord &row : std::as_const(*rows)) {
            if (row.fileId > page.last().id)
                break;
            m_existing[row.fileId].insert(row.target, row);
        }
    }
    for (const FileRecord &f : page) {
        if (m_items.contains(f.itemId))
            continue;
        auto item = catalog().item(f.itemId);
        if (!item)
            return item.error();
        m_items.insert(f.itemId, *item);
    }
    return {};
}

bool UploadStage::canDispatch(const FileRecord &) const
{
    return m_groupsInFlight < m_maxGroups || !m_gathered.isEmpty();
}

int UploadStage::dispatch(const FileRecord &file)
{
    m_gathered.append(file);
    if (m_gathered.size() >= m_groupSize)
        launch();
    return 1;
}

void UploadStage::dispatched()
{
    if (!m_gathered.isEmpty() && m_groupsInFlight < m_maxGroups)
        launch();
}

void UploadStage::launch()
{
    // Only files this process still holds: one that waited past its lease while earlier groups were sent and
    // was taken over goes back untouched (as the duplicates stage does before classifying).
    const QList<FileRecord> gathered = std::exchange(m_gathered, {});
    auto held = keepHeld(gathered);
    if (!held) {
        fail(held.error().message);
        return;
    }
    const QList<FileRecord> files = *held;
    if (files.size() < gathered.size()) {
        QSet<qint64> kept;
        for (const FileRecord &f : files)
            kept.insert(f.id);
        for (const FileRecord &f : gathered) {
            if (!kept.contains(f.id) && !takeOutcome(FileOutcome{f, {}}))
                return;
        }
    }
    if (files.isEmpty())
        return;
    QHash<qint64, ItemRecord> items;
    QHash<qint64, QHash<QString, FileTargetRecord>> existing;
    for (const FileRecord &f : files) {
        items.insert(f.itemId, m_items.value(f.itemId));
        if (m_existing.contains(f.id))
            existing.insert(f.id, m_existing.take(f.id));
    }
    ++m_groupsInFlight;
    QPointer<UploadStage> self(this);
    runOnPool([self, this, files, items, existing](const Deliver &deliver) {
        if (!self)
            return;
        const GroupResult result = work(files, items, existing);
        QMetaObject::invokeMethod(
            self,
            [self, result] {
                if (self)
                    self->groupDone(result);
            },
            Qt::QueuedConnection);
        Q_UNUSED(deliver)
    });
}

UploadStage::GroupResult UploadStage::work(const QList<FileRecord> &files,
                                           const QHash<qint64, ItemRecord> &items,
                                           const QHash<qint64, QHash<QString, FileTargetRecord>> &existing)
{
    GroupResult result;
    const auto cancel = cancelFlag();
    QHash<qint64, QList<std::pair<TargetState, QString>>> states;
    QHash<qint64, QList<EventRecord>> events;
    QHash<qint64, bool> touched;
    QHash<qint64, bool> transient;
    // Files another process took over before their turn to be sent: untouched here.
    QSet<qint64> takenOver;
    const bool shared = environment().catalog.sharesWork();
    const Lease lease{currentRunner(), std::max(2, environment().options.team.leaseSeconds)};

    for (Route &r : m_routes) {
        const QString spec = r.target->spec();
        QList<DeliveryItem> work;
        QHash<qint64, int> attempts;
        for (const FileRecord &f : files) {
            const auto entry = r.plan.entry(f.id);
            if (!entry)
                continue;
            const auto rows = existing.value(f.id);
            if (rows.contains(spec)) {
                const FileTargetRecord &row = rows.value(spec);
                attempts.insert(f.id, row.attempts);
                if (isFinal(row, r.released)) {
                    states[f.id].append(
                        {row.state, row.reported.value(QStringLiteral("message")).toString()});
                    touched[f.id] = true;
                    continue;
                }
            }
            DeliveryItem d;
            d.file = f;
            d.item = items.value(f.itemId);
            d.page = entry->page;
            d.pages = entry->pages;
            work.append(d);
        }
        if (work.isEmpty())
            continue;
        QList<DeliveryItem *> all;
        for (DeliveryItem &d : work) {
            all.append(&d);
            if (!cancel->load()) {
                r.delivery->prepare(d, cancel);
                r.gates.apply(d);
            }
        }
        if (!cancel->load()) {
            // What the gates carry out is claimed first, on this thread's connection: a decision taken back
            // meanwhile is not carried out, and one claimed cannot be taken back.
            Status s;
            if (!r.gates.isEmpty()) {
                auto own = ownCatalog(environment().catalog.location());
                s = own ? r.gates.claim(**own, all, lease.owner) : Status(own.error());
            }
            if (s)
                s = r.gates.prepareTarget(*r.target, all, cancel);
            if (s)
                s = r.delivery->lookUp(all, cancel);
            if (!s) {
                for (DeliveryItem &d : work) {
                    if (d.state == TargetState::Pending && s.error().code != ErrorCode::Cancelled) {
                        d.state = TargetState::Failed;
                        d.transient = true;
                        d.message = s.error().message;
                    }
                }
            }
        }
        for (DeliveryItem &d : work) {
            if (cancel->load() || d.state != TargetState::Pending)
                continue;
            if (!waitWhilePaused(cancel))
                continue;
            if (shared) {
                auto held = stillHeld(environment().catalog.location(), stage(), lease, d.file.id);
                if (!held) {
                    d.state = TargetState::Failed; // not sent; tried again by a later run
                    d.transient = true;
                    d.message = held.error().message;
                    continue;
                }
                if (!*held) {
                    takenOver.insert(d.file.id);
                    continue;
                }
            }
            const qint64 id = d.file.id;
            const QString label = d.label();
            const QString host = hostOf(spec);
            progress(id, label, host, 0, d.sentSize()); // a row from the start, not only once it is sent
            r.delivery->send(
                d,
                [this, id, label, host](qint64 done, qint64 total) {
                    progress(id, label, host, done, total);
                },
                cancel);
            {
                QMutexLocker lock(&m_activityMutex);
                m_activity.remove(id);
                m_sendStarted.remove(id);
                if (d.state == TargetState::Uploaded)
                    m_bytesSent += d.sentSize();
            }
            if (d.fatal) {
                result.fatal = d.message;
                cancel->store(true);
            }
            attempts[id] = attempts.value(id) + 1;
        }
        if (Status s = r.delivery->verify(all); !s) {
            for (DeliveryItem &d : work) {
                if (d.state == TargetState::Uploaded && !d.verified)
                    d.message = s.error().message; // stays uploaded, not verified: the next run checks again
            }
        }
        for (DeliveryItem &d : work) {
            TargetDelivery::cleanUp(d);
            events[d.file.id].append(d.events);
            if (d.state == TargetState::Pending)
                continue; // cancelled before its turn
            touched[d.file.id] = true;
            transient[d.file.id] =
                transient.value(d.file.id) || (d.state == TargetState::Failed && d.transient);
            states[d.file.id].append({d.state, d.message});
            FileTargetRecord row;
            row.fileId = d.file.id;
            row.batchId = d.file.batchId;
            row.target = spec;
            row.remoteName = d.remoteName;
            row.state = d.state;
            row.attempts = attempts.value(d.file.id);
            row.verified = d.verified;
            row.reported = d.reported;
            if (!d.message.isEmpty())
                row.reported.insert(QStringLiteral("message"), d.message);
            if (d.derivative) {
                row.reported.insert(QStringLiteral("derivative"),
                                    QJsonObject{{QStringLiteral("rule"), d.ruleText},
                                                {QStringLiteral("mimetype"), d.derivative->mimetype},
                                                {QStringLiteral("size"), d.derivative->size},
                                                {QStringLiteral("md5"), d.derivative->digests.md5},
                                                {QStringLiteral("sha1"), d.derivative->digests.sha1},
                                                {QStringLiteral("sha256"), d.derivative->digests.sha256}});
            }
            row.at = QDateTime::currentDateTimeUtc();
            result.rows.append(row);
        }
    }

    if (!takenOver.isEmpty()) {
        result.rows.removeIf([&](const FileTargetRecord &row) { return takenOver.contains(row.fileId); });
        qCInfo(lcPipeline) << "upload: another process took over" << takenOver.size()
                           << "files of a group before they were sent; sent none of them";
    }
    for (const FileRecord &f : files) {
        FileOutcome outcome;
        outcome.file = f;
        if (takenOver.contains(f.id)) {
            outcome.file.status = FileStatus::Pending; // untouched: the other process's to send
            result.outcomes.append(outcome);
            continue;
        }
        outcome.events = events.value(f.id);
        const auto fileStates = states.value(f.id);
        bool pending = false;
        for (const Route &r : m_routes) {
            if (r.plan.entry(f.id) &&
                std::none_of(result.rows.cbegin(), result.rows.cend(),
                             [&](const FileTargetRecord &row) {
                                 return row.fileId == f.id && row.target == r.target->spec();
                             }) &&
                !existing.value(f.id).contains(r.target->spec())) {
                pending = true;
            }
        }
        if (pending && cancel->load()) {
            outcome.file.status = FileStatus::Pending; // untouched: stays pending for the next run
            result.outcomes.append(outcome);
            continue;
        }
        FileStatus status = FileStatus::Success;
        QStringList messages;
        for (const auto &[state, message] : fileStates) {
            switch (state) {
            case TargetState::Uploaded:
            case TargetState::AlreadyThere:
            case TargetState::Skipped:
                break;
            case TargetState::NeedsDecision:
                if (status == FileStatus::Success)
                    status = FileStatus::NeedsDecision;
                messages.append(message);
                break;
            case TargetState::TargetMismatch:
                status = FileStatus::TargetMismatch;
                messages.append(message);
                break;
            default:
                if (status != FileStatus::TargetMismatch)
                    status = transient.value(f.id) ? FileStatus::NetworkError : FileStatus::UploadRefused;
                messages.append(message);
                break;
            }
        }
        outcome.file.status = status;
        outcome.file.error = messages.join(QStringLiteral(" "));
        outcome.file.processedAt = QDateTime::currentDateTimeUtc();
        result.outcomes.append(outcome);
    }
    return result;
}

void UploadStage::groupDone(const GroupResult &result)
{
    --m_groupsInFlight;
    m_pendingRows.append(result.rows);
    bool running = true;
    for (const FileOutcome &outcome : result.outcomes)
        running = takeOutcome(outcome) && running;
    if (!result.fatal.isEmpty()) {
        fail(result.fatal);
        return;
    }
    if (running)
        fill();
}

Status UploadStage::commit(const QList<FileRecord> &files, const QList<EventRecord> &events)
{
    // The targets' rows first: a crash in between leaves the files pending, and the next run's look-up finds
    // them delivered.
    if (!m_pendingRows.isEmpty()) {
        const QList<FileTargetRecord> rows = std::exchange(m_pendingRows, {});
        // What the gates held the upload to is carried out now (a decision that changed the target stands),
        // in the transaction that records the rows: the decision and the rows never disagree.
        const QString owner = currentRunner();
        const Status recorded = catalog().inTransaction([&]() -> Status {
            if (Status s = writeTargetRows(catalog(), rows); !s)
                return s;
            for (const Route &r : m_routes) {
                if (Status s = r.gates.settle(catalog(), rows, owner); !s)
                    return s;
            }
            return {};
        });
        if (!recorded)
            return recorded;
        // Recorded: the marks that told an interrupted run's deliveries from others' go. A failed send keeps
        // its mark: the wiki may have stored the bytes before the connection dropped, and the next run that
        // finds them under our name knows they are ours (uploaded, withdrawn on a rejection).
        for (const FileTargetRecord &row : rows) {
            if (row.state == TargetState::Failed || row.state == TargetState::TargetMismatch)
                continue;
            for (const Route &r : m_routes) {
                if (r.target->spec() == row.target)
                    r.delivery->settled(row.fileId);
            }
        }
    }
    return FileStage::commit(files, events);
}

bool UploadStage::isBreakerError(const FileRecord &file) const
{
    return file.status == FileStatus::NetworkError;
}

QString UploadStage::breakerMessage(int count, const QString &lastError) const
{
    return tr("%1 uploads in a row failed to reach their target; stopping. Last error: %2")
        .arg(count)
        .arg(lastError);
}

void UploadStage::progress(qint64 fileId, const QString &label, const QString &host, qint64 done,
                           qint64 total)
{
    QMutexLocker lock(&m_activityMutex);
    TransferActivity &a = m_activity[fileId];
    a.tag = fileId;
    a.label = label;
    a.host = host;
    a.direction = TransferActivity::Direction::Upload;
    a.bytesDone = done;
    a.total = total;
    const qint64 now = m_clock.elapsed();
    auto started = m_sendStarted.constFind(fileId);
    if (started == m_sendStarted.cend())
        started = m_sendStarted.insert(fileId, now);
    a.bytesPerSecond = now > *started ? double(done) * 1000.0 / double(now - *started) : 0.0;
}

QList<TransferActivity> UploadStage::running() const
{
    QMutexLocker lock(&m_activityMutex);
    QList<TransferActivity> result;
    result.reserve(m_activity.size());
    for (TransferActivity a : m_activity) {
        // The stage knows what each file's earlier requests (chunks) delivered; the engine knows how far
        // the request on the wire is, how fast, and in which attempt.
        const auto e = m_engineActivity.constFind(a.tag);
        if (e != m_engineActivity.cend()) {
            const qint64 done = a.bytesDone + e->bytesDone;
            a.bytesDone = a.total >= 0 ? std::min(a.total, done) : done;
            a.bytesPerSecond = e->bytesPerSecond;
            a.attempt = e->attempt;
        }
        result.append(a);
    }
    return result;
}

qint64 UploadStage::bytesInFlight() const
{
    qint64 bytes = 0;
    for (const TransferActivity &a : running())
        bytes += a.bytesDone;
    return bytes;
}

QList<TransferActivity> UploadStage::activity() const
{
    return running();
}

void UploadStage::pauseWork(bool paused)
{
    m_workPaused.store(paused);
    if (m_http)
        m_http->setPaused(paused);
}

bool UploadStage::waitWhilePaused(const std::shared_ptr<std::atomic_bool> &cancel) const
{
    while (m_workPaused.load() && !cancel->load())
        QThread::msleep(50);
    return !cancel->load();
}

QString UploadStage::doneDetail() const
{
    return tr("Every file is at its targets.");
}

Status UploadStage::allSettled(StageState &state, QString &detail)
{
    // Files a gate held back (waiting for a duplicate decision): the rest went, and the stage says why not.
    QStringList held;
    for (const Route &r : m_routes) {
        if (const QString message = r.gates.blockedMessage(); !message.isEmpty())
            held.append(message);
    }
    if (!held.isEmpty()) {
        state = StageState::NeedsAttention;
        detail = held.join(u' ');
    }
    return {};
}

} // namespace gh
