#include "markstage.h"

#include <QFile>
#include <QThread>

namespace gh::test {

MarkStage::MarkStage(const StageEnvironment &environment, const MarkOptions &options)
    : FileStage(environment)
    , m_options(options)
{
    setConcurrency(2, 8);
}

Stage MarkStage::define(const QString &key)
{
    return StageInfo::define(key, QStringLiteral("Mark (%1)").arg(key));
}

StageDefinition MarkStage::definition(const MarkOptions &options, const QString &key)
{
    return {define(key), StageDefinition::Kind::Files,
            [options](const StageEnvironment &env) { return std::make_unique<MarkStage>(env, options); }};
}

int MarkStage::dispatch(const FileRecord &file)
{
    const MarkOptions options = m_options;
    const QString agent = u"gatehouse/test " + StageInfo::key(stage());
    auto cancel = cancelFlag();
    runOnPool([file, options, agent, cancel](const Deliver &deliver) {
        if (cancel->load()) {
            deliver(FileOutcome{file, {}});
            return;
        }
        // Real work on the file: read what fetch stored it from.
        qint64 bytes = 0;
        QFile source(file.sourcePath);
        if (source.open(QIODevice::ReadOnly))
            bytes = source.readAll().size();
        if (options.delayMs > 0)
            QThread::msleep(ulong(options.delayMs));
        if (!options.marksLog.isEmpty()) {
            QFile log(options.marksLog);
            if (log.open(QIODevice::WriteOnly | QIODevice::Append))
                log.write(QByteArray::number(file.id) + '\n');
        }
        FileOutcome outcome{file, {}};
        FileRecord &f = outcome.file;
        f.status = options.outcome;
        f.error =
            options.outcome == FileStatus::Success ? QString() : QStringLiteral("the test stage said so");
        f.attempts = 1;
        f.processedAt = QDateTime::currentDateTimeUtc();
        EventRecord e;
        e.batchId = f.batchId;
        e.itemId = f.itemId;
        e.fileId = f.id;
        e.type = QStringLiteral("validation");
        e.at = f.processedAt;
        e.outcome =
            options.outcome == FileStatus::Success ? QStringLiteral("success") : QStringLiteral("failure");
        e.agent = agent;
        e.detail = QStringLiteral("marked (%1 bytes)").arg(bytes);
        outcome.events.append(e);
        deliver(outcome);
    });
    return 1;
}

QString MarkStage::doneDetail() const
{
    return QStringLiteral("All files marked.");
}

} // namespace gh::test
