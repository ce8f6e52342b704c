#include "records.h"

#include <cerrno>
#include <csignal>

#include <QCoreApplication>
#include <QSysInfo>

#include "runner.h"

namespace gh {

QString currentRunner()
{
    return QSysInfo::machineHostName() + u':' + QString::number(QCoreApplication::applicationPid());
}

namespace {

//! The pid of \a runner when it runs on this machine; 0 otherwise.
qint64 localPid(const QString &runner)
{
    const qsizetype colon = runner.lastIndexOf(u':');
    bool ok = false;
    const qint64 pid = runner.mid(colon + 1).toLongLong(&ok);
    return colon > 0 && ok && pid > 0 && runner.left(colon) == QSysInfo::machineHostName() ? pid : 0;
}

} // namespace

bool runnerIsGoneHere(const QString &runner)
{
    const qint64 pid = localPid(runner);
    if (pid == 0 || pid == QCoreApplication::applicationPid())
        return false;
    return ::kill(pid_t(pid), 0) != 0 && errno == ESRCH;
}

bool StageRecord::isInterrupted() const
{
    if (state != StageState::Running)
        return false;
    if (localPid(runner) > 0)
        return runnerIsGoneHere(runner);
    return !heartbeat.isValid() || heartbeat.secsTo(QDateTime::currentDateTimeUtc()) > 120;
}

StageState StageRecord::effectiveState() const
{
    return isInterrupted() ? StageState::NeedsAttention : state;
}

QString batchStateKey(BatchState state)
{
    switch (state) {
    case BatchState::Open:
        return QStringLiteral("open");
    case BatchState::Approved:
        return QStringLiteral("approved");
    case BatchState::Rejected:
        return QStringLiteral("rejected");
    }
    Q_UNREACHABLE();
}

BatchState batchStateFromKey(QStringView key)
{
    if (key == u"approved")
        return BatchState::Approved;
    if (key == u"rejected")
        return BatchState::Rejected;
    return BatchState::Open;
}

const StageRecord *StageRecord::runningNow(const QList<StageRecord> &stages)
{
    for (const StageRecord &r : stages) {
        if (r.state == StageState::Running && !r.isInterrupted())
            return &r;
    }
    return nullptr;
}

StageState StageRecord::stateOf(const QList<StageRecord> &stages, Stage stage)
{
    for (const StageRecord &r : stages) {
        if (r.stage == stage)
            return r.state;
    }
    return StageState::NotStarted;
}

} // namespace gh
