#include "dedupfixture.h"

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>

namespace gh::test {

qint64 DedupFixture::loadBatch(const QString &name, const QList<std::pair<QString, QByteArray>> &files,
                               const QStringList &extraArguments)
{
    const QString dir = workspace.file(QStringLiteral("sources/%1-%2").arg(++m_sources).arg(name));
    for (const auto &[path, bytes] : files)
        writeFile(QDir(dir).filePath(path), bytes);
    const CliResult load = workspace.cli(
        QStringList{QStringLiteral("load"), dir, QStringLiteral("--name"), name, QStringLiteral("--json")} +
        extraArguments);
    if (load.exitCode != 0) {
        lastError = QString::fromUtf8(load.err);
        return 0;
    }
    const qint64 batch =
        QJsonDocument::fromJson(load.out).object().value(QStringLiteral("batch")).toInteger();
    const CliResult fetch = workspace.cli({QStringLiteral("fetch"), QString::number(batch)});
    if (fetch.exitCode != 0) {
        lastError = QString::fromUtf8(fetch.err);
        return 0;
    }
    return batch;
}

Catalog &DedupFixture::catalog()
{
    if (!m_catalog) {
        auto opened = Catalog::open(*CatalogLocation::parse(workspace.catalog()));
        if (!opened)
            qFatal("%s", qPrintable(opened.error().message));
        m_catalog = std::move(*opened);
    }
    return *m_catalog;
}

BitStore &DedupFixture::store()
{
    if (!m_store) {
        auto opened = openBitStore(workspace.store());
        if (!opened)
            qFatal("%s", qPrintable(opened.error().message));
        m_store = std::move(*opened);
    }
    return *m_store;
}

FileRecord DedupFixture::file(qint64 batchId, const QString &fileName)
{
    auto files = catalog().files(batchId);
    if (files) {
        for (const FileRecord &f : std::as_const(*files)) {
            if (f.name == fileName || f.item + u'/' + f.name == fileName)
                return f;
        }
    }
    qFatal("no file %s in batch %lld", qPrintable(fileName), batchId);
    return {};
}

DedupFixture::Upload DedupFixture::upload(qint64 batchId, const QString &spec, const QString &titleTemplate,
                                          const QStringList &extra)
{
    Upload run;
    run.cli = workspace.cli(QStringList{QStringLiteral("upload"), QString::number(batchId),
                                        QStringLiteral("--target"), spec, QStringLiteral("--title-template"),
                                        titleTemplate, QStringLiteral("--json")} +
                                extra,
                            300000);
    run.rows = rows(batchId, spec);
    return run;
}

QHash<qint64, FileTargetRecord> DedupFixture::rows(qint64 batchId, const QString &spec)
{
    QHash<qint64, FileTargetRecord> byFile;
    auto rows = catalog().batchTargets(batchId, spec, 0, -1);
    if (!rows)
        qFatal("%s", qPrintable(rows.error().message));
    for (const FileTargetRecord &row : std::as_const(*rows))
        byFile.insert(row.fileId, row);
    return byFile;
}

} // namespace gh::test
