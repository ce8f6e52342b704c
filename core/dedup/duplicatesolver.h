#pragma once

#include <optional>

#include <QCoreApplication>

#include "catalog/duplicatebook.h"

namespace gh {

/*!
    \class gh::DecisionRequest
    A curator's decision, as a dialog or \c decide collects it: for some files, or for every file of a
    case (\c {apply to all N similar}).
*/
struct DecisionRequest
{
    QString target;                       //!< Empty: the one target the batch was classified against.
    QList<qint64> fileIds;                //!< The files decided…
    std::optional<DuplicateCase> dupCase; //!< … or every file of this case.
    //! With dupCase: only the files still waiting for a decision, not those decided already.
    bool onlyOpen = false;
    DuplicateAction action = DuplicateAction::Skip;
    QString name;    //!< Rename: the new name (one file only); empty: ours with " (2)" at upload.
    QString note;    //!< Why.
    QString curator; //!< Who; empty: the operating system's user.
};

/*!
    \class gh::DuplicateDecisionOutcome
    What a decide or undo call did.
*/
struct DuplicateDecisionOutcome
{
    QString target;
    QList<DuplicateDecision> decisions; //!< Recorded (or, for undo, taken back).
    QStringList refused;                //!< One sentence per file that was not decided, and why.
};

/*!
    \class gh::DuplicateSolver
    Applies curators' decisions about duplicate cases — the one implementation behind \c gatehouse-cli
    decide, the duplicates view and the settings' rules. A dialog only collects a DecisionRequest; the solver
    checks it against each file's case (an action the case does not allow is refused with the reason),
    records it with who decided and why as a PREMIS \c appraisal event in the same transaction, and takes it
    back on request until the upload has carried it out.

    What each action allows:
    \list
    \li \c skip, \c upload, \c rename and \c hand-fix: every case that needs a decision (and \c skip for
        \c already-there).
    \li \c overwrite: only where our name holds other content (\c name-taken, \c hash-elsewhere-name-taken,
        or an in-batch / earlier-batch file whose name is taken).
    \li \c move: a wiki (MediaWiki) holding our bytes under another name while our name is free.
    \li \c link: where there is something to link to: the first file of the batch, the earlier batch's
        file, or the object holding our bytes.
    \endlist
*/
class DuplicateSolver
{
    Q_DECLARE_TR_FUNCTIONS(gh::DuplicateSolver)

public:
    DuplicateSolver(Catalog &catalog, qint64 batchId);

    //! Records \a request for its files; refused files are listed, the others decided in one transaction.
    Result<DuplicateDecisionOutcome> decide(const DecisionRequest &request);
    //! Takes back the decision in force for each of \a fileIds (refused once carried out).
    Result<DuplicateDecisionOutcome> undo(const QList<qint64> &fileIds, const QString &target,
                                          const QString &curator);

    //! The target \a requested, or the batch's only one; fails when there is none or the choice is open.
    Result<QString> resolveTarget(const QString &requested);

    //! Whether \a action can ever be a decision for \a dupCase (rules are checked with this).
    static bool caseAllows(DuplicateCase dupCase, DuplicateAction action);
    //! Why \a action cannot be the decision for \a record (empty when it can).
    static QString refusal(const DuplicateRecord &record, DuplicateAction action);
    //! The actions \a record allows, in the order the view shows them.
    static QList<DuplicateAction> allowedActions(const DuplicateRecord &record);

    /*!
        Builds the decision of \a action for \a record (checked) and its PREMIS event, for the solver and the
        classifier's rules. \a agent is "curator:NAME" or the software's agent for a rule.
    */
    static Result<std::pair<DuplicateDecision, EventRecord>>
    prepare(const DuplicateRecord &record, DuplicateAction action, const QString &name, const QString &note,
            const QString &agent, const QString &rule = {});
    //! The name a rename gives without a curator's name: "Foo (2).jpg" for \a n = 2.
    static QString numberedName(const QString &name, int n);
    //! "curator:NAME" for \a curator, or for the operating system's user when it is empty.
    static QString curatorAgent(const QString &curator);
    /*!
        Sets the batch's duplicates lamp from its cases: needs attention while any file waits for a decision
        (the upload waits too, and the detail says so), done when none does. Called after a classification
        and after every decision or undo.
    */
    static Status updateLamp(Catalog &catalog, qint64 batchId);

private:
    Catalog &m_catalog;
    qint64 m_batchId;
};

} // namespace gh
