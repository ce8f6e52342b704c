#pragma once

#include <optional>

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonObject>
#include <QString>

#include "model/records.h"

namespace gh {

/*!
    \enum gh::DuplicateCase
    Where one file stands against a target, the catalog's earlier batches and its own batch. The keys are
    binding: \c files --json shows them as \c duplicate.case, \c dedup --json counts by them.
*/
enum class DuplicateCase
{
    AlreadyThere,           //!< "already-there": the target holds our bytes under our name. Nothing to do.
    HashElsewhere,          //!< "hash-elsewhere": our bytes live under another name; our name is free.
    HashElsewhereNameTaken, //!< "hash-elsewhere-name-taken": our bytes elsewhere, our name holds other bytes.
    New,                    //!< "new": bytes unknown at the target, name free. Uploaded.
    NameTaken,              //!< "name-taken": bytes unknown, our name holds other content.
    InBatch,                //!< "in-batch": an earlier file of this batch has the same bytes.
    EarlierBatch            //!< "earlier-batch": an earlier batch of the catalog ingested these bytes.
};

/*!
    \enum gh::DuplicateAction
    What a curator (or a rule) decided for a file of a case. The keys are binding (\c decide --action).
*/
enum class DuplicateAction
{
    Skip,      //!< "skip": not sent.
    Upload,    //!< "upload": sent under our name despite the warnings (ignorewarnings for this file only).
    Rename,    //!< "rename": sent under another name (the curator's, or ours with " (2)").
    Overwrite, //!< "overwrite": a new version of what holds our name.
    Move,      //!< "move": the wiki page holding our bytes is moved to our name (MediaWiki, with the right).
    Link,      //!< "link": the item's file is the existing one; nothing sent.
    HandFix    //!< "hand-fix": on the hand-fix list for a person on the wiki; nothing sent.
};

class DuplicateInfo
{
    Q_DECLARE_TR_FUNCTIONS(gh::DuplicateInfo)

public:
    static QString key(DuplicateCase c);
    static std::optional<DuplicateCase> caseFromKey(QStringView key);
    static QString displayName(DuplicateCase c);
    //! One sentence for the curator: what the case means.
    static QString description(DuplicateCase c);
    //! Whether files of the case wait for a decision unless a rule or a curator gives one.
    static bool needsDecision(DuplicateCase c);
    static const QList<DuplicateCase> &cases();

    static QString key(DuplicateAction a);
    static std::optional<DuplicateAction> actionFromKey(QStringView key);
    static QString displayName(DuplicateAction a);
    static const QList<DuplicateAction> &actions();
    //! Whether the action, once carried out, has changed the target (and can no longer be taken back).
    static bool actsOnTarget(DuplicateAction a);
    //! "skip, upload, rename, …" for help texts and messages.
    static QString actionKeys();
    //! "already-there, hash-elsewhere, …".
    static QString caseKeys();
    /*!
        The target key of cases classified against the catalog and the batch alone ("catalog"): what the
        dedup stage records when the batch has no target yet. Such files are \c new, \c in-batch or
        \c earlier-batch.
    */
    static QString catalogTarget();
};

/*!
    \class gh::DuplicateDecision
    One decision about one file and target, as recorded: who, when, why, and whether the upload has carried
    it out (after which it can no longer be taken back).
*/
struct DuplicateDecision
{
    qint64 id = 0;
    qint64 fileId = 0;
    qint64 batchId = 0;
    QString target;
    DuplicateCase forCase = DuplicateCase::New; //!< The case it was made for.
    DuplicateAction action = DuplicateAction::Skip;
    QString name;      //!< Rename: the new name (empty: the rule " (2)" finds one at upload).
    QString note;      //!< Why, in the curator's words.
    QString decidedBy; //!< "curator:NAME", or the agent of a rule ("gatehouse/0.1.0 dedup").
    QString rule;      //!< The settings rule that made it ("in-batch=link"); empty for a person.
    QDateTime decidedAt;
    QDateTime undoneAt;
    QString undoneBy;
    QDateTime executedAt; //!< When the upload carried it out.
    QString execution;    //!< What came of it ("uploaded as X", "moved from Y").

    bool isUndone() const { return undoneAt.isValid(); }
    bool isExecuted() const { return executedAt.isValid(); }
};

/*!
    \class gh::DuplicateRecord
    A file's case against one target, with what was found there and the decision in force, if any.
*/
struct DuplicateRecord
{
    qint64 fileId = 0;
    qint64 batchId = 0;
    qint64 itemId = 0;
    QString target;
    DuplicateCase dupCase = DuplicateCase::New;
    //! Whether the file waits for a decision: by its case, or because the target deleted these bytes before.
    bool needsDecision = false;
    QString intendedName; //!< The name upload gives it, as the target spells it.
    Digests sent;         //!< What upload would send (a derivative's digests where a rule converts).
    qint64 sentSize = -1;
    QString existingName;    //!< The remote name or key that made the case (null for new, in-batch w/o).
    QString existingSha1;    //!< Its SHA-1, where the target said.
    qint64 existingFile = 0; //!< in-batch / earlier-batch: the file of this catalog with the same bytes.
    qint64 existingBatch = 0;
    bool deletedBefore = false;       //!< The target deleted these bytes before.
    bool deletedForCopyright = false; //!< … for copyright or licensing reasons.
    /*!
        What the target and catalog said: \c named (what holds our name), \c elsewhere (our bytes under
        other names), \c deleted (deleted objects that held our bytes), \c earlier ({file, batch, item,
        name} of the catalog's file) — the RemoteObject JSON of core/targets.
    */
    QJsonObject details;
    QDateTime classifiedAt;
    std::optional<DuplicateDecision> decision; //!< In force: made for this case and not taken back.

    //! Needs a decision and has none.
    bool isOpen() const { return needsDecision && !decision; }
};

} // namespace gh
