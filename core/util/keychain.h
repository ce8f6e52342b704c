#pragma once

#include <QByteArray>
#include <QString>

namespace gh {

/*!
    Reads the secret stored in the desktop keychain (QtKeychain) under \a service and \a key, waiting at most
    \a timeoutMs. Keychain reads are asynchronous and need a D-Bus session with a secret service: this returns
    an empty array, quietly, when there is none, when it is called off the application thread, when the
    entry does not exist or when no answer comes in time. The keychain is an optional source of secrets;
    callers fall back to asking for them elsewhere.
*/
QByteArray readKeychainSecret(const QString &service, const QString &key, int timeoutMs = 3000);

} // namespace gh
