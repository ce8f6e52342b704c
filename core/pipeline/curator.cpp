#include "curator.h"

#include <QMutex>

#ifdef Q_OS_UNIX
#include <pwd.h>
#include <unistd.h>
#include <vector>
#endif

#include "settingstable.h"

namespace gh {

namespace {

QMutex s_mutex;
QString s_override;

// The account this process runs as, from the user database: a service, cron job or container shell often
// has none of the variables set.
QString accountName()
{
#ifdef Q_OS_UNIX
    long size = sysconf(_SC_GETPW_R_SIZE_MAX);
    std::vector<char> buffer(size > 0 ? size_t(size) : 16384);
    passwd entry{};
    passwd *found = nullptr;
    if (getpwuid_r(geteuid(), &entry, buffer.data(), buffer.size(), &found) == 0 && found && found->pw_name)
        return QString::fromLocal8Bit(found->pw_name).trimmed();
#endif
    return {};
}

QString operatingSystemUser()
{
    for (const char *variable : {"USER", "LOGNAME", "USERNAME"}) {
        const QString user = qEnvironmentVariable(variable).trimmed();
        if (!user.isEmpty())
            return user;
    }
    if (const QString account = accountName(); !account.isEmpty())
        return account;
    return Curator::tr("unknown curator");
}

} // namespace

void Curator::setOverride(const QString &name)
{
    QMutexLocker lock(&s_mutex);
    s_override = name.trimmed();
}

QString Curator::override()
{
    QMutexLocker lock(&s_mutex);
    return s_override;
}

QString Curator::name(const Settings &settings)
{
    if (const QString given = override(); !given.isEmpty())
        return given;
    if (const QString set = settings.text(QStringLiteral("team/curator")).trimmed(); !set.isEmpty())
        return set;
    return operatingSystemUser();
}

QString Curator::name()
{
    if (const QString given = override(); !given.isEmpty())
        return given;
    return operatingSystemUser();
}

QString Curator::alreadyDecided(const QString &by, const QDateTime &at, const QString &what)
{
    const QString who = by.startsWith(u"curator:") ? by.mid(8) : by;
    const QDateTime local = at.toLocalTime();
    const QString when = local.date() == QDate::currentDate()
                             ? local.toString(QStringLiteral("HH:mm"))
                             : local.toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    return tr("Already decided by %1 at %2: %3").arg(who, when, what);
}

} // namespace gh
