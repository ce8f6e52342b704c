#pragma once

#include <atomic>
#include <memory>

#include <QCoreApplication>

#include "util/result.h"

namespace gh {

class MediaWikiTarget;

/*!
    \class gh::FileMove
    Moves a file page on a wiki (\c action=move from \c File:FROM to \c File:TO, talk page along, a redirect
    left behind as Commons does): the \c move decision of a \c hash-elsewhere case, where the wiki's copy of
    our bytes takes our name. Needs an account with the \c move and \c movefile rights; mayMove() asks.
*/
class FileMove
{
    Q_DECLARE_TR_FUNCTIONS(gh::FileMove)

public:
    //! Whether the account may move files on \a wiki (logs in; the answer is the wiki's user rights).
    static Result<bool> mayMove(MediaWikiTarget &wiki, const std::shared_ptr<std::atomic_bool> &cancel = {});
    //! Moves File:\a from to File:\a to with \a reason; fails with the wiki's words.
    static Status move(MediaWikiTarget &wiki, const QString &from, const QString &to, const QString &reason,
                       const std::shared_ptr<std::atomic_bool> &cancel = {});
};

} // namespace gh
