#pragma once

#include <QMetaType>
#include <QString>

namespace gh {

/*!
    \class gh::TransferActivity
    A running transfer as the transfers view shows it.
*/
struct TransferActivity
{
    qint64 fileId = 0;
    QString name;
    QString host;
    qint64 received = 0; //!< Including bytes kept from an earlier, interrupted attempt.
    qint64 total = -1;   //!< -1 while unknown.
    double bytesPerSecond = 0;
    int attempt = 1;
};

} // namespace gh

Q_DECLARE_METATYPE(gh::TransferActivity)
