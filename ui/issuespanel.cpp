#include "issuespanel.h"

#include <QHeaderView>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include "enginecontroller.h"
#include "issuesmodel.h"

namespace gh {

IssuesPanel::IssuesPanel(QWidget *parent)
    : QWidget(parent)
    , m_model(new IssuesModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_table(new QTableView(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);

    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(IssuesModel::SortRole);
    m_proxy->setSortCaseSensitivity(Qt::CaseInsensitive);

    m_table->setObjectName(QStringLiteral("issuesTable"));
    m_table->setAccessibleName(tr("Problems"));
    m_table->setAccessibleDescription(m_model->countText());
    m_table->setModel(m_proxy);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideMiddle);
    m_table->verticalHeader()->hide();
    // Fixed-height rows: the view never measures 10^5 rows to lay them out.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    // Wide enough to read: the severity word, a status name, and an item / file path.
    const int em = m_table->fontMetrics().horizontalAdvance(u'M');
    m_table->setColumnWidth(IssuesModel::SeverityColumn, 8 * em);
    m_table->setColumnWidth(IssuesModel::WhatColumn, 17 * em);
    m_table->setColumnWidth(IssuesModel::WhereColumn, 24 * em);
    m_table->setSortingEnabled(true);
    // Unsorted until the curator asks: problems then appear in the order they arose.
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    layout->addWidget(m_table, 1);
    setFocusProxy(m_table);

    connect(m_table, &QTableView::activated, this, [this](const QModelIndex &index) {
        const qint64 id = index.data(IssuesModel::FileIdRole).toLongLong();
        if (id > 0)
            emit fileActivated(id);
    });
    connect(m_model, &IssuesModel::countChanged, this, [this](int count) {
        const QString text = m_model->countText();
        m_table->setAccessibleDescription(text);
        emit countChanged(count, text);
    });
}

IssuesPanel::IssuesPanel(EngineController *controller, QWidget *parent)
    : IssuesPanel(parent)
{
    m_controller = controller;
    Engine *engine = controller->engine();
    // The model ignores files of other batches, so both streams can be passed on as they come.
    connect(
        engine, &Engine::filesLoaded, this,
        [this](qint64, const QList<FileRecord> &files, bool, bool) { m_model->addOrUpdate(files); },
        Qt::QueuedConnection);
    connect(engine, &Engine::filesChanged, m_model, &IssuesModel::addOrUpdate, Qt::QueuedConnection);
    connect(
        engine, &Engine::batchesChanged, this,
        [this](const QList<BatchRecord> &batches) {
            for (const BatchRecord &b : batches) {
                if (b.id == m_model->batchId())
                    m_model->setBatchProblems(b.id, b.batchProblems);
            }
        },
        Qt::QueuedConnection);
    connect(engine, &Engine::findingsLoaded, m_model, &IssuesModel::setFindings, Qt::QueuedConnection);
    // A run may have checked the batch: its findings are asked for again.
    connect(
        engine, &Engine::runFinished, this,
        [this](qint64 batchId) {
            if (batchId == m_model->batchId())
                m_controller->loadFindings(batchId);
        },
        Qt::QueuedConnection);
}

void IssuesPanel::setBatch(qint64 batchId)
{
    if (batchId == m_model->batchId())
        return;
    m_model->reset(batchId);
    if (m_controller) {
        m_controller->refreshBatches();
        m_controller->loadFindings(batchId);
    }
}

int IssuesPanel::count() const
{
    return m_model->rowCount();
}

QString IssuesPanel::countText() const
{
    return m_model->countText();
}

} // namespace gh
