#include "keychain.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QPointer>
#include <QThread>
#include <QTimer>
#include <qt6keychain/keychain.h>

#include "logging.h"

namespace gh {

QByteArray readKeychainSecret(const QString &service, const QString &key, int timeoutMs)
{
    auto *app = QCoreApplication::instance();
    // QtKeychain's job executor is a process-wide QObject; using it off the application thread, or with no
    // session bus to talk to (a headless server, CI), can only fail or, worse, try to autolaunch a bus.
    if (!app || QThread::currentThread() != app->thread()) {
        qCDebug(lcStore) << "keychain not consulted: not on the application thread";
        return {};
    }
    if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS")) {
        qCDebug(lcStore) << "keychain not consulted: no D-Bus session";
        return {};
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
        else
            qCDebug(lcStore) << "keychain has no secret for" << service << ":" << job->errorString();
        loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    job->start();
    if (!finished)
        loop.exec(QEventLoop::ExcludeUserInputEvents);
    if (!finished) {
        qCInfo(lcStore) << "the keychain did not answer within" << timeoutMs << "ms; going on without it";
        if (guard)
            QObject::disconnect(guard, nullptr, &loop, nullptr);
        return {};
    }
    return secret;
}

} // namespace gh
