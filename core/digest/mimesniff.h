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
    cost stays small: the window is sniffed as soon as it is full (straight from the caller's bytes when the
    first piece covers it, as a copy's first chunk of 1 MiB does, so nothing is copied) and only the answer
    is kept; bytes are held only while a window fills from smaller pieces.
    tst_mimesniff checks the window against the installed database.
*/
class MimeSniffer
{
public:
    static constexpr qsizetype window = 64 * 1024;

    //! Takes what of \a data still falls inside the window, and sniffs the window once it is full.
    void add(const char *data, qint64 size);
    //! Whether the window is full: later bytes cannot change the answer.
    bool isComplete() const { return m_complete; }
    void clear();
    //! The mimetype of what was added.
    QString mimetype() const { return m_complete ? m_mimetype : sniff(m_head); }

    //! The mimetype of the first window bytes of \a head.
    static QString sniff(const QByteArray &head);

private:
    QByteArray m_head;  //!< the start of the window while it fills
    QString m_mimetype; //!< once the window is complete
    bool m_complete = false;
};

} // namespace gh
