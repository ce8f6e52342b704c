#pragma once

#include <QCryptographicHash>
#include <QHash>
#include <QStringList>

#include "intake/intakechain.h"

namespace gh::test {

//! Collects what an ingester produces, and can take it back, like the catalog's sink.
class CollectingSink final : public RollbackSink
{
public:
    Status add(ItemDraft item) override;
    qint64 itemCount() const override { return items.size(); }
    Status discardFrom(qint64 count) override;
    //! Every file of every item.
    QList<FileDraft> files() const;
    //! The file whose sourceMember (or name, for refused members) is \a member.
    const FileDraft *fileByMember(const QString &member) const;
    QList<ItemDraft> items;
};

//! A committed sample under tests/data/archives or tests/data/hostile.
QString archiveSample(const QString &name);
QString hostileSample(const QString &name);

//! Every file and folder under \a root, relative, sorted ("a/", "a/b.txt").
QStringList tree(const QString &root);

//! deposit.expected.tsv: member path → sha256 (hex) of the good deposit samples.
QHash<QString, QByteArray> expectedDeposit();

//! The stages of \a trace in order, and all its warnings in one string.
QStringList stages(const IntakeTrace &trace);
QString allWarnings(const IntakeTrace &trace);

} // namespace gh::test
