#pragma once

#include <optional>

#include <QCoreApplication>
#include <QString>
#include <QStringList>

#include "model/status.h"

namespace gh {

/*!
    \class gh::ArchiveMember
    The rules for member names of archives, shared by the listing (ArchivePackage) and the streaming reader
    (ArchiveReader), so both accept and refuse exactly the same members.

    A name is normalised before it is checked: backslashes count as separators (Windows archivers wrote them,
   and an extractor on Windows would follow them), empty and "." segments are dropped ("./scan.tif" is
    "scan.tif"). A name is refused when it is empty, absolute ("/etc/x", "\\server\share"), names a drive
    ("C:\x", "C:x"), holds a ".." segment anywhere, holds control characters, is longer than the configured
    limit (in UTF-8 bytes), or holds "!/", which addresses members of nested archives.

    \section1 Nested members
    A member of an archive inside an archive is addressed by joining the paths with "!/": \c
   inner.zip!/page1.tif is \c page1.tif inside the member \c inner.zip; \c a/inner.zip!/b/deeper.tar!/x.tif
   goes two levels down. This is what FileDraft::sourceMember holds for such a file, with
   FileDraft::sourcePath naming the outermost archive. Because names holding "!/" are refused, the address is
   never ambiguous.
*/
class ArchiveMember
{
    Q_DECLARE_TR_FUNCTIONS(gh::ArchiveMember)

public:
    //! The separator between the levels of a nested member's address.
    static QString nestedSeparator() { return QStringLiteral("!/"); }

    struct Check
    {
        QString path;                            //!< The normalised path; empty when refused.
        FileStatus status = FileStatus::Pending; //!< UnsafePath, LimitExceeded or Unsupported when refused.
        QString reason;                          //!< Why it was refused, a sentence fragment for messages.

        bool ok() const { return status == FileStatus::Pending; }
    };

    //! Normalises and checks a decoded member \a name; \a maxPathLength is in UTF-8 bytes.
    static Check check(const QString &name, int maxPathLength);

    /*!
        Resolves a link \a target stored in the member at \a linkPath: relative targets against the member's
        folder. Returns the resolved member path, or an empty string when the target is absolute, names a
       drive, or climbs above the archive's root.
    */
    static QString resolveLink(const QString &linkPath, const QString &target);

    //! \c outer!/inner: the address of \a inner inside the nested archive \a outer.
    static QString join(const QString &outer, const QString &inner);
    //! Splits an address into its levels: "a.zip!/b/c.tif" → {"a.zip", "b/c.tif"}.
    static QStringList split(const QString &address);

    //! \a raw as UTF-8, or nothing when it is not valid UTF-8 (QString::fromUtf8 would silently replace).
    static std::optional<QString> decodeUtf8(const QByteArray &raw);
    //! Raw name bytes as readable text: valid UTF-8 as is, other bytes as \xNN escapes.
    static QString displayBytes(const QByteArray &raw);
    //! \a name with control characters shown as \xNN escapes, for messages.
    static QString displayName(const QString &name);
};

} // namespace gh
