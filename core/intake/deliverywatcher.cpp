#include "deliverywatcher.h"

#include <algorithm>

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QSet>

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

class SystemClock final : public WatchClock
{
public:
    SystemClock() { m_timer.start(); }
    qint64 elapsedMs() const override { return m_timer.elapsed(); }
    QDateTime now() const override { return QDateTime::currentDateTimeUtc(); }

private:
    QElapsedTimer m_timer;
};

} // namespace

std::shared_ptr<const WatchClock> WatchClock::system()
{
    static const auto clock = std::make_shared<const SystemClock>();
    return clock;
}

DeliveryWatcher::DeliveryWatcher(const DeliveryWatcherOptions &options,
                                 std::shared_ptr<const WatchClock> clock, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_clock(clock ? std::move(clock) : WatchClock::system())
{
    // Children, so they move to another thread with the watcher (the GUI's engine thread).
    m_watcher.setParent(this);
    m_rescanTimer.setParent(this);
    m_rescanTimer.setInterval(int(m_options.rescanMs > 0
                                      ? m_options.rescanMs
                                      : std::clamp(m_options.settleMs / 4, s_minRescanMs, s_maxRescanMs)));
    connect(&m_rescanTimer, &QTimer::timeout, this, &DeliveryWatcher::scan);
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, &DeliveryWatcher::scheduleScan);
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, &DeliveryWatcher::scheduleScan);
}

DeliveryWatcher::~DeliveryWatcher() = default;

bool DeliveryWatcher::isIgnoredName(const QString &name)
{
    return name.startsWith(u'.') || isPartialName(name);
}

bool DeliveryWatcher::isPartialName(const QString &name)
{
    return name.endsWith(u".part", Qt::CaseInsensitive) || name.endsWith(u".tmp", Qt::CaseInsensitive);
}

Result<Delivery> DeliveryWatcher::inspect(const QString &path)
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

Status DeliveryWatcher::start()
{
    const QFileInfo info(m_options.dir);
    if (!info.isDir()) {
        return Error{ErrorCode::NotFound,
                     tr("The hot folder %1 does not exist or is not a folder.").arg(shown(m_options.dir))};
    }
    if (!info.isReadable()) {
        return Error{ErrorCode::Unreadable,
                     tr("The hot folder %1 cannot be read: permission denied.").arg(shown(m_options.dir))};
    }
    m_dir = info.canonicalFilePath();
    m_stopped = false;
    if (m_options.once) {
        log(tr("Processing the settled deliveries in %1 (settled: unchanged for %2 s).")
                .arg(shown(m_dir))
                .arg(double(m_options.settleMs) / 1000.0));
    } else {
        m_watcher.addPath(m_dir);
        m_rescanTimer.start();
        log(tr("Watching %1 for deliveries (settle time %2 s); Ctrl-C stops.")
                .arg(shown(m_dir))
                .arg(double(m_options.settleMs) / 1000.0));
    }
    QTimer::singleShot(0, this, &DeliveryWatcher::scan);
    return {};
}

void DeliveryWatcher::stop()
{
    m_stopped = true;
    m_rescanTimer.stop();
    m_queue.clear();
}

void DeliveryWatcher::log(const QString &line)
{
    qCInfo(lcIntake).noquote() << line;
    emit logMessage(line);
}

void DeliveryWatcher::scheduleScan()
{
    if (m_scanPending || m_stopped)
        return;
    m_scanPending = true;
    // A burst of changes (a copy in progress) makes one listing, not one per event.
    QTimer::singleShot(100, this, &DeliveryWatcher::scan);
}

void DeliveryWatcher::scan()
{
    m_scanPending = false;
    if (m_stopped || m_dir.isEmpty())
        return;
    const qint64 now = m_clock->elapsedMs();
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
            emit settling(delivery->path);
            if (!m_options.once) {
                log(tr("New delivery %1: %2 files so far; waiting until it settles.")
                        .arg(name)
                        .arg(delivery->files));
                if (QFileInfo(path).isDir())
                    m_watcher.addPath(path);
            }
        } else if (found->delivery.fingerprint != delivery->fingerprint ||
                   found->delivery.busy != delivery->busy) {
            if (found->handled && name != m_taken) {
                log(tr("Delivery %1 changed after it was taken; it is taken again once it settles.")
                        .arg(name));
            }
            found->delivery = *delivery;
            found->stableSinceMs = now;
            found->handled = false;
            emit settling(delivery->path);
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

    const QDateTime settledBefore = m_clock->now().addMSecs(-m_options.settleMs);
    for (const QString &name : names) {
        const auto found = m_watched.find(name);
        if (found == m_watched.end() || found->handled || name == m_taken)
            continue;
        const Delivery &d = found->delivery;
        const bool settled = m_options.once ? d.newestChange <= settledBefore
                                            : now - found->stableSinceMs >= m_options.settleMs;
        if (d.busy) {
            if (m_options.once)
                log(tr("Delivery %1 still holds files being written (.part, .tmp); left for the next run.")
                        .arg(name));
            continue;
        }
        if (!settled) {
            if (m_options.once)
                log(tr("Delivery %1 changed less than %2 s ago; left for the next run.")
                        .arg(name)
                        .arg(double(m_options.settleMs) / 1000.0));
            continue;
        }
        found->handled = true;
        m_queue.append(name);
    }
    emit scanned();
}

std::optional<Delivery> DeliveryWatcher::takeNext()
{
    while (!m_stopped && m_taken.isEmpty() && !m_queue.isEmpty()) {
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
            found->stableSinceMs = m_clock->elapsedMs();
            found->handled = false;
            log(tr("Delivery %1 changed again; waiting until it settles.").arg(name));
            continue;
        }
        m_taken = name;
        return *now;
    }
    return std::nullopt;
}

void DeliveryWatcher::release(const QString &name)
{
    if (m_taken == name)
        m_taken.clear();
}

} // namespace gh
