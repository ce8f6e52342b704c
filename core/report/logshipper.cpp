#include "logshipper.h"

#include <QFileInfo>
#include <QProcessEnvironment>

#include "store/s3client.h"
#include "store/s3options.h"

namespace gh {

QString LogShipper::keyFor(const QString &prefix, qint64 batchId, const QDate &date, const QString &name)
{
    return prefix + QString::number(batchId) + u'/' + date.toString(Qt::ISODate) + u'/' + name;
}

Result<QStringList> LogShipper::ship(const QString &target, qint64 batchId, const QDate &date,
                                     const QStringList &files)
{
    auto options = S3Options::fromSpec(target);
    if (!options)
        return options.error();
    const QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    if (Status s = options->applyEnvironment(environment); !s)
        return s.error();
    if (environment.value(QStringLiteral("GATEHOUSE_S3_KEYCHAIN")) != u"0")
        options->loadSecretFromKeychain();
    if (Status s = options->withDefaults().validate(); !s)
        return s.error();
    S3Client client(*options);
    const QString prefix = options->withDefaults().normalizedPrefix();
    QStringList written;
    for (const QString &path : files) {
        const QFileInfo info(path);
        if (!info.isFile())
            continue;
        S3Client::Request request;
        request.method = "PUT";
        request.objectKey = keyFor(prefix, batchId, date, info.fileName());
        request.bodyFile = path;
        request.bodyLength = info.size();
        request.headers.append({QByteArrayLiteral("content-type"),
                                info.suffix() == u"csv" ? QByteArrayLiteral("text/csv; charset=utf-8")
                                                        : QByteArrayLiteral("text/plain; charset=utf-8")});
        auto response = client.send(request);
        if (!response)
            return response.error();
        if (!response->isSuccess())
            return client.failure(tr("Cannot copy %1 to %2").arg(path, client.describe(request.objectKey)),
                                  *response);
        written.append(client.describe(request.objectKey));
    }
    return written;
}

} // namespace gh
