#include "keychain.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QPointer>
#include <QThread>
#include <QTimer>
#include <qt6keychain/keychain.h>

#include "logging.h"

namespace gh {

std::optional<QByteArray> readKeychainSecret(const QString &service, const QString &key, int timeoutMs)
{
    auto *app = QCoreApplication::instance();
    if (!app || QThread::currentThread() != app->thread()) {
        qCDebug(lcReport) << "keychain not consulted for" << service << ": not on the application thread";
        return std::nullopt;
    }
    // Without a session bus (a headless server, CI) a read can only fail, or try to autolaunch a bus.
    if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS")) {
        qCDebug(lcReport) << "keychain not consulted for" << service << ": no D-Bus session";
        return std::nullopt;
    }
    // The job deletes itself when it finishes, even after we stopped waiting for it.
    auto *job = new QKeychain::ReadPasswordJob(service);
    job->setAutoDelete(true);
    job->setKey(key);
    QPointer<QKeychain::ReadPasswordJob> guard(job);
    QEventLoop loop;
    bool finished = false;
    QByteArray secret;
    QObject::connect(job, &QKeychain::Job::finished, &loop, [&](QKeychain::Job *) {
        finished = true;
        if (job->error() == QKeychain::NoError)
            secret = job->binaryData();
        loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    job->start();
    if (!finished)
        loop.exec(QEventLoop::ExcludeUserInputEvents);
    if (!finished) {
        if (guard)
            QObject::disconnect(guard, nullptr, &loop, nullptr);
        qCInfo(lcReport) << "the keychain did not answer within" << timeoutMs << "ms for" << service;
        return std::nullopt;
    }
    if (secret.isEmpty())
        return std::nullopt;
    return secret;
}

} // namespace gh
