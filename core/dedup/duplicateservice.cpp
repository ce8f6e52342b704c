#include "duplicateservice.h"

#include <QDir>
#include <QtConcurrent>

#include "filemove.h"
#include "store/bitstore.h"
#include "targets/mediawiki/mediawikitarget.h"

namespace gh {

namespace {

//! A whole classification on a pool thread, with its own catalog connection, store and target.
Result<DedupSummary> classifyBatch(const Workspace &workspace, const QString &settingsFile, qint64 batchId,
                                   const QString &spec, const QString &titleTemplate,
                                   const std::shared_ptr<std::atomic_bool> &cancel,
                                   const std::function<void(qint64, qint64)> &progress)
{
    const QString staging = QDir(workspace.dataDir()).filePath(QStringLiteral("staging"));
    auto route = TargetRoute::make(spec);
    if (!route)
        return route.error();
    auto settings = DedupSettings::load(settingsFile, *route, titleTemplate,
                                        QDir(staging).filePath(QStringLiteral("dedup")));
    if (!settings)
        return settings.error();
    auto catalog = Catalog::open(workspace.catalog());
    if (!catalog)
        return catalog.error();
    auto store = openBitStore(workspace.storeSpec());
    if (!store)
        return store.error();
    auto target = settings->openTarget(staging);
    if (!target)
        return target.error();
    DuplicateClassifier classifier(**catalog, **store, **target, batchId, *settings);
    if (Status s = classifier.run(progress, cancel); !s)
        return s.error();
    return classifier.summary();
}

} // namespace

DuplicateService::DuplicateService(const Workspace &workspace, const QString &settingsFile, QObject *parent)
    : QObject(parent)
    , m_workspace(workspace)
    , m_settingsFile(settingsFile)
    , m_cancel(std::make_shared<std::atomic_bool>(false))
{
    connect(&m_classify, &QFutureWatcher<Result<DedupSummary>>::finished, this, [this] {
        const Result<DedupSummary> result = m_classify.result();
        if (!result) {
            emit failed(result.error().message);
            return;
        }
        emit classified(*result);
        load(m_classifyingBatch, m_classifyingTarget);
    });
}

DuplicateService::~DuplicateService()
{
    m_cancel->store(true);
    m_classify.waitForFinished();
}

Result<Catalog *> DuplicateService::catalog()
{
    if (!m_catalog) {
        auto opened = Catalog::open(m_workspace.catalog());
        if (!opened)
            return opened.error();
        m_catalog = std::move(*opened);
    }
    return m_catalog.get();
}

void DuplicateService::load(qint64 batchId, const QString &requested)
{
    auto c = catalog();
    if (!c) {
        emit failed(c.error().message);
        return;
    }
    Catalog &cat = **c;
    DuplicateBook book(cat);
    DuplicateView view;
    view.batchId = batchId;
    auto targets = book.targets(batchId);
    if (!targets) {
        emit failed(targets.error().message);
        return;
    }
    view.targets = *targets;
    // A real target before the classification against the catalog alone.
    QString first = targets->isEmpty() ? QString() : targets->constFirst();
    for (const QString &t : std::as_const(*targets)) {
        if (t != DuplicateInfo::catalogTarget()) {
            first = t;
            break;
        }
    }
    view.target = requested.isEmpty() || !targets->contains(requested) ? first : requested;
    if (view.target.isEmpty()) {
        emit loaded(view);
        return;
    }
    auto counts = book.counts(batchId, view.target);
    if (!counts) {
        emit failed(counts.error().message);
        return;
    }
    view.counts = *counts;
    for (const DuplicateBook::Count &count : std::as_const(view.counts))
        view.open += count.open;
    auto store = openBitStore(m_workspace.storeSpec());
    DuplicateCaseQuery query;
    query.target = view.target;
    for (;;) {
        auto page = book.cases(batchId, query);
        if (!page) {
            emit failed(page.error().message);
            return;
        }
        if (page->isEmpty())
            break;
        for (const DuplicateRecord &r : std::as_const(*page)) {
            if (!r.needsDecision)
                continue;
            view.records.append(r);
            // Ours, and the catalog's file with the same bytes for in-batch and earlier-batch cases.
            for (const qint64 id : {r.fileId, r.existingFile}) {
                if (id <= 0 || view.files.contains(id))
                    continue;
                auto file = cat.file(id);
                if (!file)
                    continue;
                view.files.insert(id, *file);
                if (store && !file->storedKey.isEmpty())
                    view.localPaths.insert(id, (*store)->localPath(file->storedKey));
            }
        }
        query.afterFileId = page->constLast().fileId;
    }
    emit loaded(view);
}

void DuplicateService::decide(qint64 batchId, const DecisionRequest &request)
{
    auto c = catalog();
    if (!c) {
        emit failed(c.error().message);
        return;
    }
    DuplicateSolver solver(**c, batchId);
    auto outcome = solver.decide(request);
    if (!outcome) {
        emit failed(outcome.error().message);
        return;
    }
    emit decided(*outcome, false);
    load(batchId, outcome->target);
}

void DuplicateService::undo(qint64 batchId, const QList<qint64> &fileIds, const QString &target,
                            const QString &curator)
{
    auto c = catalog();
    if (!c) {
        emit failed(c.error().message);
        return;
    }
    DuplicateSolver solver(**c, batchId);
    auto outcome = solver.undo(fileIds, target, curator);
    if (!outcome) {
        emit failed(outcome.error().message);
        return;
    }
    emit decided(*outcome, true);
    load(batchId, outcome->target);
}

void DuplicateService::classify(qint64 batchId, const QString &target, const QString &titleTemplate)
{
    if (m_classify.isRunning()) {
        emit failed(tr("A duplicate check is already running."));
        return;
    }
    m_cancel->store(false);
    m_classifyingBatch = batchId;
    m_classifyingTarget = target;
    auto progress = [this](qint64 done, qint64 total) { emit classifyProgress(done, total); };
    m_classify.setFuture(QtConcurrent::run(classifyBatch, m_workspace, m_settingsFile, batchId, target,
                                           titleTemplate, m_cancel,
                                           std::function<void(qint64, qint64)>(progress)));
}

void DuplicateService::checkMove(const QString &target)
{
    auto route = TargetRoute::make(target);
    if (!route) {
        emit moveAllowed(target, false, route.error().message);
        return;
    }
    auto settings = DedupSettings::load(m_settingsFile, *route, {}, {});
    if (!settings) {
        emit moveAllowed(target, false, settings.error().message);
        return;
    }
    auto opened = settings->openTarget(QDir(m_workspace.dataDir()).filePath(QStringLiteral("staging")));
    if (!opened) {
        emit moveAllowed(target, false, opened.error().message);
        return;
    }
    auto *wiki = dynamic_cast<MediaWikiTarget *>(opened->get());
    if (!wiki) {
        emit moveAllowed(target, false, tr("Only a wiki can move a file to another name."));
        return;
    }
    auto may = FileMove::mayMove(*wiki);
    if (!may) {
        emit moveAllowed(target, false, may.error().message);
        return;
    }
    emit moveAllowed(target, *may,
                     *may ? QString() : tr("The account may not move files on %1.").arg(target));
}

void DuplicateService::cancel()
{
    m_cancel->store(true);
}

} // namespace gh
