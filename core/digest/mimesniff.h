#pragma once

#include <QByteArray>
#include <QString>

namespace gh {

/*!
    \class gh::MimeSniffer
    A file's mimetype by its content alone (QMimeDatabase's magic rules), from the same leading window of
    bytes whichever way the bytes arrive — a local copy, an archive member, a download — so the same bytes
    always get the same answer.

    The window is 64 KiB: the farthest-reaching magic rule of shared-mime-info (audio/vnd.dts.hd, a
    signature anywhere up to byte 18,725) lies well inside it, with room for newer databases, while the
    cost stays small (64 KiB per file being copied or downloaded, held only until the window is full).
    tst_mimesniff checks the window against the installed database.
*/
class MimeSniffer
{
public:
    static constexpr qsizetype window = 64 * 1024;

    //! Keeps what of \a data still falls inside the window.
    void add(const char *data, qint64 size);
    //! Whether the window is full: later bytes cannot change the answer.
    bool isComplete() const { return m_head.size() >= window; }
    const QByteArray &head() const { return m_head; }
    void clear() { m_head.clear(); }
    //! The mimetype of what was added.
    QString mimetype() const { return sniff(m_head); }

    //! The mimetype of the first window bytes of \a head.
    static QString sniff(const QByteArray &head);

private:
    QByteArray m_head;
};

} // namespace gh
