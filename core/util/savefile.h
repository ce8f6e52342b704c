#pragma once

#include <QCoreApplication>
#include <QString>

class QFileDevice;
class QSaveFile;

namespace gh {

/*!
    Writing a file whole or not at all, with QSaveFile, and saying why it failed.
*/
class SaveFile
{
    Q_DECLARE_TR_FUNCTIONS(gh::SaveFile)

public:
    /*!
        Commits \a file after flushing it and checking the flush, which QSaveFile::commit() of Qt 6.4 does
       not: there a buffered tail that does not fit on the disk is dropped, and the commit succeeds with a
       short or empty file in place of the old one. On failure nothing is renamed, and \a file still holds the
       error.
    */
    static bool commit(QSaveFile &file);

    /*!
        Why writing \a file failed, in words a curator can act on. QFileDevice loses errno on a short write —
       a disk that fills up in the middle of a file leaves it saying "Unknown error" — so when the file's
       volume has (almost) no room left, that is the reason given, with the volume and what is free on it.
    */
    static QString failure(const QFileDevice &file);
};

} // namespace gh
