#pragma once

#include <QMetaType>
#include <QString>

namespace gh {

/*!
    \class gh::TransferActivity
    A running exchange as the transfers view shows it: a download or an upload, whoever started it. The
    HTTP engine fills it for every exchange that has a label; the exchange's handler may refine the numbers
    (a download counts the bytes an interrupted earlier run kept).
*/
struct TransferActivity
{
    enum class Direction
    {
        Download, //!< Bytes come from the server (a GET with a body worth showing).
        Upload    //!< Bytes go to the server (a PUT or POST body).
    };

    //! Opaque to the engine: whoever starts the exchange picks it so it can tell its rows apart (the fetch
    //! stage uses the file id). Unique among the running exchanges of one engine.
    qint64 tag = 0;
    QString label; //!< What moves, for people: "item/file.tif".
    QString host;
    Direction direction = Direction::Download;
    qint64 bytesDone = 0; //!< For downloads including bytes kept from an earlier, interrupted attempt.
    qint64 total = -1;    //!< -1 while unknown.
    double bytesPerSecond = 0;
    int attempt = 1;
};

} // namespace gh

Q_DECLARE_METATYPE(gh::TransferActivity)
