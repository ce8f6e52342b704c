#include "hotfolder.h"

#include <algorithm>

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QJsonObject>

#include "catalog/catalog.h"
#include "intake/intake.h"
#include "util/logging.h"

namespace gh {

namespace {

//! A delivery folder listed more often than this would keep a disk busy for nothing.
constexpr qint64 s_minRescanMs = 200;
constexpr qint64 s_maxRescanMs = 5000;
//! Deliveries already taken are listed again this rarely: only to notice that they changed.
constexpr qint64 s_recheckMs = 30000;

QDateTime newest(const QFileInfo &info)
{
    const QDateTime modified = info.lastModified();
    const QDateTime changed = info.metadataChangeTime();
    return changed.isValid() && changed > modified ? changed : modified;
}

QString shown(const QString &path)
{
    return QDir::toNativeSeparators(path);
}

} // namespace

HotFolder::HotFolder(const Workspace &workspace, Catalog &catalog, BitStore &store, const RunOptions &options,
                     const HotFolderOptions &hotFolder, QObject *parent)
    : QObject(parent)
    , m_workspace(workspace)
    , m_catalog(catalog)
    , m_store(store)
    , m_options(options)
    , m_hot(hotFolder)
{
    // Documents given inside deliveries are downloaded with the fetch stage's settings, as in BatchRunner.
    m_options.intake.transfer = m_options.fetch.transfer;
    m_rescanTimer.setInterval(int(
        m_hot.rescanMs > 0 ? m_hot.rescanMs : std::clamp(m_hot.settleMs / 4, s_minRescanMs, s_maxRescanMs)));
    connect(&m_rescanTimer, &QTimer::timeout, this, &HotFolder::rescan);
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, &HotFolder::scheduleRescan);
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, &HotFolder::scheduleRescan);
}

HotFolder::~HotFolder() = default;

bool HotFolder::isIgnoredName(const QString &name)
{
    return name.startsWith(u'.') || isPartialName(name);
}

bool HotFolder::isPartialName(const QString &name)
{
    return name.endsWith(u".part", Qt::CaseInsensitive) || name.endsWith(u".tmp", Qt::CaseInsensitive);
}

Result<Delivery> HotFolder::inspect(const QString &path)
{
    const QFileInfo root(path);
    if (!root.exists())
        return Error{ErrorCode::NotFound, tr("The delivery %1 is gone.").arg(shown(path))};
    Delivery delivery;
    delivery.path = root.absoluteFilePath();
    delivery.name = root.fileName();
    delivery.newestChange = newest(root);

    // One line per entry, sorted, hashed: any added, removed, resized or rewritten file changes it.
    QStringList lines;
    auto add = [&](const QString &relative, const QFileInfo &info) {
        const QDateTime changed = newest(info);
        if (changed > delivery.newestChange)
            delivery.newestChange = changed;
        if (info.isDir() && !info.isSymLink()) {
            lines.append(relative + u"/\t\t" + QString::number(info.lastModified().toMSecsSinceEpoch()));
            return;
        }
        ++delivery.files;
        delivery.bytes += info.size();
        if (isPartialName(info.fileName()))
            delivery.busy = true;
        lines.append(relative + u'\t' + QString::number(info.size()) + u'\t' +
                     QString::number(info.lastModified().toMSecsSinceEpoch()));
    };
    if (root.isDir() && !root.isSymLink()) {
        const QDir dir(delivery.path);
        QDirIterator it(delivery.path, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            it.next();
            const QFileInfo info = it.fileInfo();
            add(dir.relativeFilePath(info.filePath()), info);
        }
    } else {
        add(delivery.name, root);
    }
    std::sort(lines.begin(), lines.end());
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (const QString &line : std::as_const(lines)) {
        hash.addData(line.toUtf8());
        hash.addData(QByteArrayView("\n"));
    }
    delivery.fingerprint = QString::fromLatin1(hash.result().toHex());
    return delivery;
}

Status HotFolder::start()
{
    const QFileInfo info(m_hot.dir);
    if (!info.isDir()) {
        return Error{ErrorCode::NotFound,
                     tr("The hot folder %1 does not exist or is not a folder.").arg(shown(m_hot.dir))};
    }
    if (!info.isReadable()) {
        return Error{ErrorCode::Unreadable,
                     tr("The hot folder %1 cannot be read: permission denied.").arg(shown(m_hot.dir))};
    }
    m_dir = info.canonicalFilePath();
    m_clock.start();
    m_runner = std::make_unique<BatchRunner>(m_workspace, m_catalog, m_store);
    connect(m_runner.get(), &BatchRunner::progressChanged, this, &HotFolder::progressChanged);
    connect(m_runner.get(), &BatchRunner::logMessage, this, [this](const QString &line) {
        // The runner's lines go to the batch's own log as well; here they tell what the watcher is doing.
        emit logMessage(line);
    });
    connect(m_runner.get(), &BatchRunner::finished, this, &HotFolder::deliveryDone);
    if (m_hot.once) {
        log(tr("Processing the settled deliveries in %1 (settled: unchanged for %2 s).")
                .arg(shown(m_dir))
                .arg(double(m_hot.settleMs) / 1000.0));
    } else {
        m_watcher.addPath(m_dir);
        m_rescanTimer.start();
        log(tr("Watching %1 for deliveries (settle time %2 s); Ctrl-C stops.")
                .arg(shown(m_dir))
                .arg(double(m_hot.settleMs) / 1000.0));
    }
    QTimer::singleShot(0, this, &HotFolder::rescan);
    return {};
}

void HotFolder::stop()
{
    if (m_stopping)
        return;
    m_stopping = true;
    m_rescanTimer.stop();
    m_queue.clear();
    if (!m_current.isEmpty()) {
        log(tr("Stopping: %1 is cancelled after the files in progress; it is resumed next time.")
                .arg(m_current));
        m_runner->cancel();
        return;
    }
    QTimer::singleShot(0, this, [this] {
        if (!m_finished) {
            m_finished = true;
            emit finished();
        }
    });
}

void HotFolder::log(const QString &line)
{
    qCInfo(lcIntake).noquote() << line;
    emit logMessage(line);
}

void HotFolder::scheduleRescan()
{
    if (m_rescanPending || m_stopping)
        return;
    m_rescanPending = true;
    // A burst of changes (a copy in progress) makes one listing, not one per event.
    QTimer::singleShot(100, this, &HotFolder::rescan);
}

void HotFolder::rescan()
{
    m_rescanPending = false;
    if (m_stopping)
        return;
    const qint64 now = m_clock.elapsed();
    const QStringList names = QDir(m_dir).entryList(
        QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDir::Name);
    QSet<QString> present;
    for (const QString &name : names) {
        if (isIgnoredName(name))
            continue;
        present.insert(name);
        auto found = m_watched.find(name);
        if (found != m_watched.end() && found->handled && found->inspectedAtMs >= 0 &&
            now - found->inspectedAtMs < s_recheckMs)
            continue;
        const QString path = QDir(m_dir).filePath(name);
        auto delivery = inspect(path);
        if (!delivery)
            continue; // gone between listing and looking
        if (found == m_watched.end()) {
            found = m_watched.insert(name, Watched{*delivery, now, now, false});
            emit entrySettling(delivery->path);
            if (!m_hot.once) {
                log(tr("New delivery %1: %2 files so far; waiting until it settles.")
                        .arg(name)
                        .arg(delivery->files));
                if (QFileInfo(path).isDir())
                    m_watcher.addPath(path);
            }
        } else if (found->delivery.fingerprint != delivery->fingerprint ||
                   found->delivery.busy != delivery->busy) {
            if (found->handled && name != m_current) {
                log(tr("Delivery %1 changed after it was taken; it is taken again once it settles.")
                        .arg(name));
            }
            found->delivery = *delivery;
            found->stableSinceMs = now;
            found->handled = false;
            emit entrySettling(delivery->path);
        }
        found->inspectedAtMs = now;
    }
    for (auto it = m_watched.begin(); it != m_watched.end();) {
        if (present.contains(it.key())) {
            ++it;
            continue;
        }
        m_queue.removeAll(it.key());
        m_watcher.removePath(QDir(m_dir).filePath(it.key()));
        it = m_watched.erase(it);
    }

    const QDateTime settledBefore = QDateTime::currentDateTimeUtc().addMSecs(-m_hot.settleMs);
    for (const QString &name : names) {
        const auto found = m_watched.find(name);
        if (found == m_watched.end() || found->handled || name == m_current)
            continue;
        const Delivery &d = found->delivery;
        const bool settled =
            m_hot.once ? d.newestChange <= settledBefore : now - found->stableSinceMs >= m_hot.settleMs;
        if (d.busy) {
            if (m_hot.once)
                log(tr("Delivery %1 still holds files being written (.part, .tmp); left for the next run.")
                        .arg(name));
            continue;
        }
        if (!settled) {
            if (m_hot.once)
                log(tr("Delivery %1 changed less than %2 s ago; left for the next run.")
                        .arg(name)
                        .arg(double(m_hot.settleMs) / 1000.0));
            continue;
        }
        found->handled = true;
        m_queue.append(name);
    }
    processNext();
}

void HotFolder::processNext()
{
    while (!m_stopping && m_current.isEmpty() && !m_queue.isEmpty()) {
        const QString name = m_queue.takeFirst();
        const auto found = m_watched.find(name);
        if (found == m_watched.end())
            continue;
        // Listed again right before it is taken: a copy that started again after it settled is waited for.
        auto now = inspect(found->delivery.path);
        if (!now)
            continue;
        if (now->fingerprint != found->delivery.fingerprint || now->busy) {
            found->delivery = *now;
            found->stableSinceMs = m_clock.elapsed();
            found->handled = false;
            log(tr("Delivery %1 changed again; waiting until it settles.").arg(name));
            continue;
        }
        runDelivery(*now);
    }
    if (m_hot.once && !m_stopping && m_current.isEmpty() && m_queue.isEmpty() && !m_finished) {
        m_finished = true;
        emit finished();
    }
}

Result<std::pair<HotFolder::Known, qint64>> HotFolder::lookup(const Delivery &delivery)
{
    using Found = std::pair<Known, qint64>;
    auto latest = m_catalog.latestBatchForSource(Intake::normalizeSource(delivery.path));
    if (!latest)
        return latest.error();
    if (!*latest)
        return Found(Known::New, 0);
    const qint64 batchId = **latest;
    auto settings = m_catalog.batchSettings(batchId);
    if (!settings)
        return settings.error();
    const QString fingerprint = settings->value(QStringLiteral("hot_folder"))
                                    .toObject()
                                    .value(QStringLiteral("fingerprint"))
                                    .toString();
    bool same = fingerprint == delivery.fingerprint;
    if (fingerprint.isEmpty()) {
        auto batch = m_catalog.batch(batchId);
        if (!batch)
            return batch.error();
        same = batch->created > delivery.newestChange;
        if (same) {
            if (Status s = remember(batchId, delivery); !s)
                return s.error();
        }
    }
    if (!same)
        return Found(Known::Changed, batchId);

    auto stages = m_catalog.stages(batchId);
    if (!stages)
        return stages.error();
    const StageState intake = StageRecord::stateOf(*stages, Stage::Intake);
    const StageState fetch = StageRecord::stateOf(*stages, Stage::Fetch);
    // A delivery that could not be loaded stays failed until it changes: loading it again would fail again.
    if (intake == StageState::Failed)
        return Found(Known::Loaded, batchId);
    if (intake == StageState::Running || intake == StageState::NotStarted)
        return Found(Known::Unfinished, batchId);
    // Loading is all the watcher does without run: a loaded batch is the curator's to run.
    if (!m_hot.run || fetch == StageState::Done || fetch == StageState::Failed)
        return Found(Known::Loaded, batchId);
    auto counts = m_catalog.statusCounts(batchId);
    if (!counts)
        return counts.error();
    if (fetch == StageState::NeedsAttention && counts->value(FileStatus::Pending) == 0)
        return Found(Known::Loaded, batchId);
    return Found(Known::Unfinished, batchId);
}

Status HotFolder::remember(qint64 batchId, const Delivery &delivery)
{
    auto settings = m_catalog.batchSettings(batchId);
    if (!settings)
        return settings.error();
    settings->insert(QStringLiteral("hot_folder"),
                     QJsonObject{{QStringLiteral("folder"), m_dir},
                                 {QStringLiteral("fingerprint"), delivery.fingerprint},
                                 {QStringLiteral("files"), delivery.files},
                                 {QStringLiteral("bytes"), delivery.bytes},
                                 {QStringLiteral("newest_change"),
                                  delivery.newestChange.toUTC().toString(Qt::ISODateWithMs)}});
    return m_catalog.setBatchSettings(batchId, *settings);
}

void HotFolder::runDelivery(const Delivery &delivery)
{
    auto known = lookup(delivery);
    if (!known) {
        log(tr("Error: %1").arg(known.error().message));
        emit errorOccurred(known.error().message);
        emit deliveryFinished(delivery.path, 0, false);
        return;
    }
    const auto [state, batchId] = *known;
    if (state == Known::Loaded) {
        log(tr("Delivery %1 was loaded as batch %2 and has not changed since; not loading it again.")
                .arg(delivery.name)
                .arg(batchId));
        return;
    }
    m_current = delivery.name;
    m_currentDelivery = delivery;
    if (state == Known::Unfinished && m_hot.run) {
        log(tr("Delivery %1 (batch %2) did not finish; resuming it.").arg(delivery.name).arg(batchId));
        m_runner->run(delivery.path, m_options);
        return;
    }
    if (state == Known::Unfinished) {
        // Intake was interrupted: the batch is loaded again from scratch, as BatchRunner::run() would.
        log(tr("Loading delivery %1 (batch %2) did not finish; loading it again.")
                .arg(delivery.name)
                .arg(batchId));
        Intake intake(m_catalog);
        auto reloaded = intake.reload(batchId, delivery.path, m_options.intake);
        if (reloaded)
            emit batchLoaded(batchId);
        QTimer::singleShot(
            0, this,
            [this, batchId, ok = bool(reloaded), message = reloaded ? QString() : reloaded.error().message] {
                deliveryDone(batchId, ok, ok ? tr("loaded.") : message);
            });
        return;
    }
    log(state == Known::Changed ? tr("Delivery %1 changed since it was loaded as batch %2: %3 files, %4 "
                                     "bytes; loading it as a new "
                                     "batch.")
                                      .arg(delivery.name)
                                      .arg(batchId)
                                      .arg(delivery.files)
                                      .arg(delivery.bytes)
                                : tr("Delivery %1 settled: %2 files, %3 bytes; loading it.")
                                      .arg(delivery.name)
                                      .arg(delivery.files)
                                      .arg(delivery.bytes));
    IntakeOptions intake = m_options.intake;
    auto loaded = m_runner->load(delivery.path, intake);
    if (!loaded) {
        // The batch exists with a failed intake: remember the fingerprint so an unchanged broken delivery is
        // not retried at every listing.
        qint64 failedId = 0;
        if (auto failed = m_catalog.latestBatchForSource(Intake::normalizeSource(delivery.path));
            failed && *failed && **failed != batchId) {
            failedId = **failed;
            if (Status s = remember(failedId, delivery); !s)
                log(tr("Warning: %1").arg(s.error().message));
        }
        QTimer::singleShot(0, this, [this, failedId, message = loaded.error().message] {
            deliveryDone(failedId, false, message);
        });
        return;
    }
    if (Status s = remember(loaded->batchId, delivery); !s)
        log(tr("Warning: %1").arg(s.error().message));
    emit batchLoaded(loaded->batchId);
    if (m_hot.run) {
        m_runner->runBatch(loaded->batchId, m_options);
        return;
    }
    QTimer::singleShot(
        0, this, [this, batchId = loaded->batchId, items = loaded->items, files = loaded->files] {
            deliveryDone(batchId, true, tr("loaded (%1 items, %2 files).").arg(items).arg(files));
        });
}

void HotFolder::deliveryDone(qint64 batchId, bool ok, const QString &message)
{
    const QString name = m_current;
    const QString path = m_currentDelivery.path;
    m_current.clear();
    if (ok) {
        log(tr("Delivery %1 finished as batch %2: %3").arg(name).arg(batchId).arg(message));
    } else {
        const QString line =
            tr("Delivery %1 failed%2: %3")
                .arg(name, batchId > 0 ? tr(" (batch %1)").arg(batchId) : QString(), message);
        log(line);
        emit errorOccurred(line);
    }
    emit deliveryFinished(path, batchId, ok);
    if (m_stopping) {
        if (!m_finished) {
            m_finished = true;
            emit finished();
        }
        return;
    }
    QTimer::singleShot(0, this, &HotFolder::processNext);
}

} // namespace gh
