#pragma once

#include <functional>

#include <QObject>

#include "report/itemlink.h"

namespace gh {

class FileTableModel;

/*!
    \class gh::ItemLinkWaiter
    Waits for the file table to hold the file a gatehouse:// link names (the item's first file, or the file
    itself) and then hands its id to \a select, once. The files of a batch arrive from the engine in pages, so
    the link is resolved when its row is inserted; the waiter gives up when the table switches to another
    batch. Used by MainWindow::openLink().
*/
class ItemLinkWaiter : public QObject
{
    Q_OBJECT

public:
    ItemLinkWaiter(FileTableModel *model, const ItemLink &link, std::function<void(qint64 fileId)> select,
                   QObject *parent);

private:
    void scan(int first, int last);

    FileTableModel *m_model;
    ItemLink m_link;
    std::function<void(qint64)> m_select;
};

} // namespace gh
