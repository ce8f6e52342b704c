#pragma once

#include <QFutureWatcher>
#include <QWidget>

#include "intake/intaketypes.h"

class QLabel;
class QPushButton;
class QTableWidget;

namespace gh {

/*!
    \class gh::ColumnMappingEditor
    Lets the curator say what each spreadsheet column means: a row per column with its meaning (identifier,
    title, URL, path, a checksum, metadata, ignore…). Columns come from a spreadsheet's header, read off the
   GUI thread, or are typed in. Only meanings that differ from what the header name already implies are kept
   as overrides, so a mapping saved for one delivery does not fight the defaults on the next.
*/
class ColumnMappingEditor : public QWidget
{
    Q_OBJECT

public:
    explicit ColumnMappingEditor(const ColumnMapping &mapping, QWidget *parent = nullptr);

    //! The overrides the table holds now.
    ColumnMapping mapping() const;
    //! The columns shown, in table order.
    QStringList columns() const;

public Q_SLOTS:
    //! Reads the header line of \a file in the background and adds its columns.
    void readColumnsFrom(const QString &file);
    //! Adds a row for \a column (no-op when it is already there) with its current meaning.
    void addColumn(const QString &column);

Q_SIGNALS:
    //! A spreadsheet's header was read (or could not be: \a error says why).
    void columnsRead(const QString &error);

private:
    void chooseSpreadsheet();
    void removeSelected();
    ColumnMapping::Role roleOfRow(int row) const;

    ColumnMapping m_mapping;
    QTableWidget *m_table;
    QLabel *m_message;
    QFutureWatcher<Result<QStringList>> m_header;
};

} // namespace gh
