#include "itemlinkopener.h"

#include "batchlistmodel.h"
#include "filetablemodel.h"
#include "mainwindow.h"

namespace gh {

ItemLinkWaiter::ItemLinkWaiter(FileTableModel *model, const ItemLink &link,
                               std::function<void(qint64 fileId)> select, QObject *parent)
    : QObject(parent)
    , m_model(model)
    , m_link(link)
    , m_select(std::move(select))
{
    connect(m_model, &QAbstractItemModel::rowsInserted, this,
            [this](const QModelIndex &, int first, int last) { scan(first, last); });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        if (m_model->batchId() != 0 && m_model->batchId() != m_link.batchId)
            deleteLater();
    });
    if (m_model->batchId() == m_link.batchId && m_model->rowCount() > 0)
        scan(0, m_model->rowCount() - 1);
}

void ItemLinkWaiter::scan(int first, int last)
{
    if (m_model->batchId() != m_link.batchId || !m_select)
        return;
    for (int row = first; row <= last; ++row) {
        const FileRecord *file = m_model->file(row);
        if (!file)
            continue;
        if ((m_link.fileId > 0 && file->id == m_link.fileId) ||
            (m_link.itemId > 0 && file->itemId == m_link.itemId)) {
            // Select after the model finished inserting, not from inside its signal.
            QMetaObject::invokeMethod(
                this,
                [this, id = file->id] {
                    std::exchange(m_select, {})(id);
                    deleteLater();
                },
                Qt::QueuedConnection);
            m_link.itemId = m_link.fileId = -1;
            return;
        }
    }
}

// MainWindow's side of a link, kept here so the main window's own file stays about the window.
void MainWindow::openLink(const ItemLink &link)
{
    if (link.itemId > 0 || link.fileId > 0)
        new ItemLinkWaiter(
            m_fileModel, link, [this](qint64 fileId) { selectFile(fileId); }, this);
    if (m_batchModel->rowForBatch(link.batchId) >= 0)
        selectBatch(link.batchId);
    else
        m_selectWhenListed = link.batchId; // the batch list has not arrived yet
}

} // namespace gh
