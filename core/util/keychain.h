#pragma once

#include <optional>

#include <QByteArray>
#include <QString>

namespace gh {

/*!
    Reads the secret stored under \a service and \a key in the desktop keychain (QtKeychain: the Secret
    Service, KWallet, …). Keychain reads are asynchronous and need a D-Bus session with a secret service:
    this waits at most \a timeoutMs and returns nothing when there is no session bus, no entry, no answer in
    time, or when called off the application thread (QtKeychain's executor lives there). Never fails loudly:
    the keychain is an optional source of credentials.
*/
std::optional<QByteArray> readKeychainSecret(const QString &service, const QString &key,
                                             int timeoutMs = 3000);

} // namespace gh
