#pragma once

#include <QTextBrowser>

#include "model/records.h"

namespace gh {

/*!
    \class gh::DetailsPane
    What is known about the selected file: where it came from, what it is, what was measured and declared,
    where it is stored, and everything that happened to it.
*/
class DetailsPane : public QTextBrowser
{
    Q_OBJECT

public:
    explicit DetailsPane(QWidget *parent = nullptr);
    void showFile(const FileRecord &file, const ItemRecord &item, const QList<EventRecord> &events);
    void clearDetails();
};

} // namespace gh
