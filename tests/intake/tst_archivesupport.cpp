#include "tst_archivesupport.h"

#include <QDirIterator>
#include <QFile>

#include "testsupport.h"

namespace gh::test {

Status CollectingSink::add(ItemDraft item)
{
    items.append(std::move(item));
    return {};
}

Status CollectingSink::discardFrom(qint64 count)
{
    items.resize(count);
    return {};
}

QList<FileDraft> CollectingSink::files() const
{
    QList<FileDraft> all;
    for (const ItemDraft &item : items)
        all += item.files;
    return all;
}

const FileDraft *CollectingSink::fileByMember(const QString &member) const
{
    for (const ItemDraft &item : items) {
        for (const FileDraft &file : item.files) {
            if (file.sourceMember == member)
                return &file;
        }
    }
    return nullptr;
}

QString archiveSample(const QString &name)
{
    return dataPath(QStringLiteral("archives/") + name);
}

QString hostileSample(const QString &name)
{
    return dataPath(QStringLiteral("hostile/") + name);
}

QStringList tree(const QString &root)
{
    QStringList entries;
    QDirIterator it(root, QDir::AllEntries | QDir::System | QDir::Hidden | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    const QDir base(root);
    while (it.hasNext()) {
        it.next();
        const QString relative = base.relativeFilePath(it.filePath());
        entries.append(it.fileInfo().isDir() && !it.fileInfo().isSymLink() ? relative + u'/' : relative);
    }
    entries.sort();
    return entries;
}

QHash<QString, QByteArray> expectedDeposit()
{
    QHash<QString, QByteArray> expected;
    QFile file(archiveSample(QStringLiteral("deposit.expected.tsv")));
    if (!file.open(QIODevice::ReadOnly))
        return expected;
    while (!file.atEnd()) {
        const QList<QByteArray> fields = file.readLine().trimmed().split('\t');
        if (fields.size() == 3)
            expected.insert(QString::fromUtf8(fields[2]), fields[0]);
    }
    return expected;
}

QStringList stages(const IntakeTrace &trace)
{
    QStringList result;
    for (const TraceStep &step : trace.steps())
        result.append(step.stage);
    return result;
}

QString allWarnings(const IntakeTrace &trace)
{
    QStringList result;
    for (const TraceStep &step : trace.steps())
        result += step.warnings;
    return result.join(u'\n');
}

} // namespace gh::test
