#include "reviewsession.h"

#include "catalog/catalog.h"
#include "decisionnotice.h"
#include "pipeline/settings.h"
#include "reviewbook.h"
#include "store/bitstore.h"
#include "targets/handover.h"

namespace gh {

ReviewSession::ReviewSession(const Workspace &workspace, const StoreOptions &storeOptions,
                             const Settings &settings, QObject *parent)
    : QObject(parent)
    , m_workspace(workspace)
    , m_storeOptions(storeOptions)
    , m_settings(settings)
{
    qRegisterMetaType<gh::ReviewState>();
    qRegisterMetaType<gh::ReviewItemDetails>();
}

// The catalog and store were opened on the session's thread and are closed there: the owner deletes the
// session with deleteLater(), which runs on that thread (or when it finishes).
ReviewSession::~ReviewSession() = default;

void ReviewSession::setSettings(const Settings &settings)
{
    m_settings = settings;
}

Status ReviewSession::ensureCatalog()
{
    if (m_catalog)
        return {};
    auto catalog = Catalog::open(m_workspace.catalog());
    if (!catalog)
        return catalog.error();
    m_catalog = std::move(*catalog);
    return {};
}

void ReviewSession::open(qint64 batchId)
{
    if (Status s = ensureCatalog(); !s) {
        emit failed(s.error().message);
        return;
    }
    ReviewBook book(*m_catalog);
    auto batch = m_catalog->batch(batchId);
    if (!batch) {
        emit failed(batch.error().message);
        return;
    }
    // What opening does to the record is what `gatehouse-cli sample BATCH` does: link, supplier, draw.
    if (auto linked = book.linkRedeliveryByName(batchId); !linked)
        emit failed(linked.error().message);
    if (auto supplier = book.assignSupplier(batchId, m_settings); !supplier)
        emit failed(supplier.error().message);
    auto sample = book.sample(batchId);
    if (!sample) {
        emit failed(sample.error().message);
    } else if (batch->state == BatchState::Open) {
        if (!sample->drawn) {
            SampleRequest request;
            request.agent = ReviewBook::curatorName(m_settings);
            if (auto drawn = book.draw(batchId, request, m_settings); !drawn)
                emit failed(drawn.error().message);
        } else if (auto added = book.refreshFlags(batchId); !added) {
            emit failed(added.error().message);
        }
    }
    emitState(batchId);
}

void ReviewSession::refresh(qint64 batchId)
{
    if (Status s = ensureCatalog(); !s) {
        emit failed(s.error().message);
        return;
    }
    emitState(batchId);
}

void ReviewSession::loadItem(qint64 itemId)
{
    if (Status s = ensureCatalog(); !s) {
        emit failed(s.error().message);
        return;
    }
    auto details = ReviewDetails::load(*m_catalog, itemId);
    if (!details) {
        emit failed(details.error().message);
        return;
    }
    emit itemLoaded(*details);
}

void ReviewSession::setVerdict(qint64 batchId, qint64 itemId, Verdict verdict, const QString &defect,
                               const QString &note)
{
    if (Status s = ensureCatalog(); !s) {
        emit verdictSaved(batchId, itemId, false, s.error().message);
        return;
    }
    ReviewBook book(*m_catalog);
    const QString agent = ReviewBook::curatorName(m_settings);
    const Status saved = verdict == Verdict::None
                             ? book.withdrawVerdict(batchId, itemId, agent)
                             : book.setVerdict(batchId, itemId, verdict, defect, note, agent);
    emit verdictSaved(batchId, itemId, saved.ok(), saved ? QString() : saved.error().message);
    emitState(batchId);
}

void ReviewSession::approve(qint64 batchId, const QString &target, const QString &overrideReason,
                            const QString &note, const QString &agent)
{
    if (Status s = ensureCatalog(); !s) {
        emit decided(batchId, false, s.error().message);
        return;
    }
    BatchDecisions decisions(*m_catalog, nullptr);
    auto outcome =
        decisions.approve(batchId, target, overrideReason,
                          agent.trimmed().isEmpty() ? ReviewBook::curatorName(m_settings) : agent, note);
    if (!outcome) {
        emit decided(batchId, false, outcome.error().message);
        emitState(batchId);
        return;
    }
    // Without a target given here, the batch goes where the settings say ([targets] default), unless it
    // already has targets; the main window then runs it on into the upload.
    QStringList said{outcome->message};
    said += outcome->notes;
    if (target.trimmed().isEmpty()) {
        auto options = TargetOptions::fromSettings(m_settings);
        auto recorded = options ? UploadHandover::recordDefault(*m_catalog, batchId, *options)
                                : Result<bool>(options.error());
        if (!recorded)
            said.append(recorded.error().message);
    }
    emit decided(batchId, true, said.join(u'\n'));
    emitState(batchId);
}

void ReviewSession::reject(qint64 batchId, const QString &reason, const QString &agent)
{
    if (Status s = ensureCatalog(); !s) {
        emit decided(batchId, false, s.error().message);
        return;
    }
    if (!m_store) {
        auto store = openBitStore(m_workspace.storeSpec(), m_storeOptions);
        if (!store) {
            emit decided(batchId, false, store.error().message);
            return;
        }
        m_store = std::move(*store);
    }
    BatchDecisions decisions(*m_catalog, m_store.get());
    auto outcome = decisions.reject(
        batchId, reason, agent.trimmed().isEmpty() ? ReviewBook::curatorName(m_settings) : agent,
        [this](qint64 done, qint64 total) { emit decisionProgress(done, total); });
    if (!outcome) {
        emit decided(batchId, false, outcome.error().message);
    } else {
        // The summary mail and the reports' copy, as `reject` on the command line sends them ([mail],
        // [report]).
        auto options = EngineSettings::runOptions(m_settings);
        DecisionNotice::send(*m_catalog, m_workspace, m_store->displayName(), batchId,
                             RunNotifier::Occasion::Reject, options ? options->report : ReportOptions{});
        emit decided(batchId, true, (QStringList{outcome->message} + outcome->notes).join(u'\n'));
    }
    emitState(batchId);
}

Result<ReviewState> ReviewSession::readState(qint64 batchId)
{
    ReviewBook book(*m_catalog);
    ReviewState state;
    state.batchId = batchId;
    auto batch = m_catalog->batch(batchId);
    if (!batch)
        return batch.error();
    state.batchName = batch->name;
    auto sample = book.sample(batchId);
    if (!sample)
        return sample.error();
    state.sample = *sample;
    auto summary = book.summary(batchId);
    if (!summary)
        return summary.error();
    state.summary = *summary;
    if (!summary->supplier.isEmpty()) {
        auto history = book.supplierHistory(summary->supplier, 10);
        if (!history)
            return history.error();
        state.supplierHistory = *history;
    }
    auto problems = book.previousProblems(batchId);
    if (!problems)
        return problems.error();
    state.previousProblems = *problems;
    BatchDecisions decisions(*m_catalog, nullptr);
    if (summary->state == BatchState::Open) {
        auto blockers = decisions.approvalBlockers(batchId);
        if (!blockers)
            return blockers.error();
        state.approvalBlockers = *blockers;
    }
    auto copies = decisions.storedCopies(batchId);
    if (!copies)
        return copies.error();
    state.storedCopies = *copies;
    auto targetOptions = TargetOptions::fromSettings(m_settings);
    if (!targetOptions)
        return targetOptions.error();
    auto handover = UploadHandover::approveConsequences(*m_catalog, batchId, *targetOptions);
    if (!handover)
        return handover.error();
    state.handover = handover->recorded;
    state.handoverByTarget = handover->byTarget;
    state.curator = ReviewBook::curatorName(m_settings);
    state.defectReasons = m_settings.list(QStringLiteral("review/defect_reasons"));
    return state;
}

void ReviewSession::emitState(qint64 batchId)
{
    auto state = readState(batchId);
    if (!state) {
        emit failed(state.error().message);
        return;
    }
    emit stateChanged(*state);
}

} // namespace gh
