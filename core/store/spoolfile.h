#pragma once

#include <functional>
#include <memory>

#include <QCoreApplication>
#include <QJsonObject>
#include <QString>

#include "util/result.h"

namespace gh {

/*!
    \class gh::SpoolFile
    A local file an object is written to before it is published: renamed into place (local store) or
    uploaded (S3). A private spool is named after this process ("<pid>-<n>-<random>.part") and removed when
    the spool is destroyed without being moved; a resumable spool is named after a token
    ("resume-<token>.part") and survives the process, with a small JSON state beside it, so an interrupted
    download can continue where it stopped.
*/
class SpoolFile
{
    Q_DECLARE_TR_FUNCTIONS(gh::SpoolFile)

public:
    //! Creates a private spool in \a dir, or opens (creating if needed) the resumable spool for \a
    //! resumeToken.
    static Result<std::unique_ptr<SpoolFile>> open(const QString &dir, const QString &resumeToken = {});
    ~SpoolFile();
    SpoolFile(const SpoolFile &) = delete;
    SpoolFile &operator=(const SpoolFile &) = delete;

    QString path() const { return m_path; }
    bool isResumable() const { return m_resumable; }
    qint64 size() const { return m_size; }
    //! The open descriptor (for writeback hints); -1 once moved or removed.
    int descriptor() const { return m_fd; }

    Status write(const char *data, qint64 size);
    //! Drops everything written, keeping the spool.
    Status truncate();
    //! Feeds the bytes written so far to \a consumer in order, in chunks valid only during each call (so a
    //! MultiDigest fed from here must use a single lane).
    Status replay(const std::function<void(const char *, qint64)> &consumer) const;
    QJsonObject state() const;
    Status setState(const QJsonObject &state);
    //! Flushes the data to disk (fdatasync).
    Status sync();
    //! Renames the spool to \a target (same file system), making its folder if missing, and forgets it.
    Status moveTo(const QString &target);
    //! Deletes the spool and its state.
    void remove();

    /*!
        Removes spools in \a dir that no running process will use again: private spools of processes that are
        gone, and resumable spools untouched for \a resumableMaxAgeSeconds. Returns how many were removed.
    */
    static int removeStale(const QString &dir, qint64 resumableMaxAgeSeconds);
    //! Whether \a dir holds kept bytes for \a resumeToken.
    static bool hasResumable(const QString &dir, const QString &resumeToken);

private:
    SpoolFile(QString path, int fd, bool resumable, qint64 size);
    QString statePath() const;

    QString m_path;
    int m_fd;
    bool m_resumable;
    qint64 m_size;
    bool m_hasState = false;
};

} // namespace gh
