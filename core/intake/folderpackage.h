#pragma once

#include "package.h"

namespace gh {

/*!
    \class gh::FolderPackage
    A folder on disk as a package, listed recursively. Symbolic links to files inside the folder are listed as
    files (read through); links that leave the folder or dangle are rejected as unsafe paths; links to folders
    are not followed (named in warnings()); devices, sockets and pipes are rejected as unsupported.
*/
class FolderPackage final : public Package
{
    Q_DECLARE_TR_FUNCTIONS(gh::FolderPackage)

public:
    static Result<std::unique_ptr<FolderPackage>> open(const QString &root, const IntakeOptions &options);

    QString root() const { return m_root; }
    QString displayName() const override;
    QString kind() const override { return QStringLiteral("folder"); }
    const QList<PackageEntry> &entries() const override { return m_entries; }
    const QList<FileDraft> &rejected() const override { return m_rejected; }
    QStringList warnings() const override { return m_warnings; }
    bool contains(const QString &path) const override { return m_index.contains(path); }
    Result<QByteArray> read(const QString &path, qint64 maxBytes) const override;
    void locate(const QString &path, FileDraft &file) const override;
    Result<std::unique_ptr<Package>> openArchive(const QString &path,
                                                 const IntakeOptions &options) const override;

private:
    explicit FolderPackage(QString root);
    QString m_root;
    QList<PackageEntry> m_entries;
    QList<FileDraft> m_rejected;
    QStringList m_warnings;
    QHash<QString, qsizetype> m_index;
};

} // namespace gh
