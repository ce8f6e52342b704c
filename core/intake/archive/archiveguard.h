#pragma once

// Internal to core/intake/archive: the rules both the listing and the streaming reader apply to members, and
// the limits they count against.

#include <QCoreApplication>
#include <QHash>
#include <QSet>

#include "archivebackend.h"

namespace gh {

/*!
    Judges the members of one archive, in the archive's order, and counts them against ArchiveLimits. The
    listing and the reader each own one, so both refuse exactly the same members for the same reasons.
*/
class ArchiveGuard
{
    Q_DECLARE_TR_FUNCTIONS(gh::ArchiveGuard)

public:
    struct Verdict
    {
        enum class Kind
        {
            File,
            Directory,
            Link,
            Refused
        };
        Kind kind = Kind::Refused;
        QString path;    //!< Normalised, for everything but refused members.
        QString display; //!< How messages and refused files name the member.
        FileStatus status = FileStatus::Pending;
        QString reason;     //!< For refused members: why, as a sentence fragment.
        QString linkTarget; //!< For links: the member it resolves to.
    };

    /*!
        \a name is the archive as messages call it, \a archiveSize its size on disk (the overall ratio's
        denominator).
    */
    ArchiveGuard(const ArchiveLimits &limits, QString name, qint64 archiveSize);

    //! Archive-wide: the member count the directory declares, before any member is read.
    Status checkDeclaredEntries(qint64 declared) const;
    //! Archive-wide: counts one more member of any kind.
    Status countEntry();
    //! Names, types, links, duplicates, encryption and, where the format records compressed sizes, the
    //! member's declared ratio.
    Verdict classify(const RawEntry &entry);
    //! Whether \a path lies beneath a link seen so far (a file written "through" a link).
    QString linkAbove(const QString &path) const;
    //! Archive-wide: adds a file member's declared size to the total and the overall ratio.
    Status addDeclared(qint64 size);
    /*!
        Archive-wide, for a member just classified: a file counts with its declared size; so does a refused
        file when \a skipDecompresses, because skipping its data costs inflating it.
    */
    Status addPassed(const RawEntry &entry, const Verdict &verdict, bool skipDecompresses);
    /*!
        Streaming, archive-wide: \a size bytes are about to be decompressed only to be skipped. They count
        like bytes read, before the skip, so a bomb nobody reads is never inflated past the limits.
    */
    Status addSkipped(qint64 size);

    //! Starts counting the actual bytes of one member.
    void beginMember(const QString &display, qint64 declared, qint64 compressed);
    /*!
        Counts \a n more actual bytes of the current member: more than its header declared is corruption;
        its ratio (zip) and, when \a countTotals, the archive's total and overall ratio are limits.
    */
    Status addActual(qint64 n, bool countTotals);
    //! The member ended: fewer bytes than declared is corruption.
    Status endMember() const;
    qint64 memberActual() const { return m_memberActual; }

    //! "\a member in \a archive was not read: \a reason." — the message of a refused member.
    QString refusal(const QString &member, const QString &reason) const;
    const QString &name() const { return m_name; }

private:
    Error ratioError(qint64 expanded) const;
    Status checkActualTotal() const;

    ArchiveLimits m_limits;
    QString m_name;
    qint64 m_archiveSize;
    qint64 m_entries = 0;
    qint64 m_declaredTotal = 0;
    qint64 m_actualTotal = 0;
    QHash<QString, int> m_seen;
    QSet<QString> m_links;

    QString m_member;
    qint64 m_memberDeclared = -1;
    qint64 m_memberCompressed = -1;
    qint64 m_memberActual = 0;
};

} // namespace gh
