#include "columnmappingeditor.h"

#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent>

#include "intake/lists/csvreader.h"

namespace gh {

namespace {

using Role = ColumnMapping::Role;

// The meanings in the order a curator thinks of them.
constexpr Role s_roles[] = {Role::Identifier, Role::Title, Role::Url,      Role::Path,
                            Role::Md5,        Role::Sha1,  Role::Sha256,   Role::Sha512,
                            Role::Mimetype,   Role::Size,  Role::Metadata, Role::Ignore};

QString roleLabel(Role role)
{
    switch (role) {
    case Role::Identifier:
        return ColumnMappingEditor::tr("Identifier (rows with the same one form an item)");
    case Role::Title:
        return ColumnMappingEditor::tr("Title");
    case Role::Url:
        return ColumnMappingEditor::tr("URL to download");
    case Role::Path:
        return ColumnMappingEditor::tr("Local file path");
    case Role::Md5:
        return ColumnMappingEditor::tr("MD5 checksum");
    case Role::Sha1:
        return ColumnMappingEditor::tr("SHA-1 checksum");
    case Role::Sha256:
        return ColumnMappingEditor::tr("SHA-256 checksum");
    case Role::Sha512:
        return ColumnMappingEditor::tr("SHA-512 checksum");
    case Role::Mimetype:
        return ColumnMappingEditor::tr("Declared media type");
    case Role::Size:
        return ColumnMappingEditor::tr("Declared size in bytes");
    case Role::Metadata:
        return ColumnMappingEditor::tr("Item metadata");
    case Role::Ignore:
        return ColumnMappingEditor::tr("Ignore");
    }
    return {};
}

QString normalised(const QString &column)
{
    return column.trimmed().toLower();
}

// Runs on a pool thread: the header is the first record, however it is quoted.
Result<QStringList> readHeader(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{ErrorCode::Unreadable,
                     ColumnMappingEditor::tr("Cannot read %1: %2.").arg(path, file.errorString())};
    CsvReader reader(file, path);
    auto record = reader.next();
    if (!record)
        return record.error();
    if (!*record)
        return Error{ErrorCode::Invalid,
                     ColumnMappingEditor::tr("%1 is empty: it has no header line.").arg(path)};
    return **record;
}

} // namespace

ColumnMappingEditor::ColumnMappingEditor(const ColumnMapping &mapping, QWidget *parent)
    : QWidget(parent)
    , m_mapping(mapping)
    , m_table(new QTableWidget(0, 2, this))
    , m_message(new QLabel(this))
{
    m_table->setHorizontalHeaderLabels({tr("Column"), tr("Meaning")});
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAccessibleName(tr("Spreadsheet columns and their meanings"));

    auto *read = new QPushButton(tr("&Read columns from a spreadsheet…"), this);
    read->setAccessibleName(tr("Read columns from a spreadsheet"));
    auto *add = new QPushButton(tr("&Add column…"), this);
    add->setAccessibleName(tr("Add a column"));
    auto *remove = new QPushButton(tr("Re&move"), this);
    remove->setAccessibleName(tr("Remove the selected columns"));
    m_message->setWordWrap(true);
    m_message->setAccessibleName(tr("Column mapping message"));

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(read);
    buttons->addWidget(add);
    buttons->addWidget(remove);
    buttons->addStretch();
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_table);
    layout->addLayout(buttons);
    layout->addWidget(m_message);

    connect(read, &QPushButton::clicked, this, &ColumnMappingEditor::chooseSpreadsheet);
    connect(add, &QPushButton::clicked, this, [this] {
        const QString column = QInputDialog::getText(this, tr("Add column"), tr("Column name:"));
        if (!column.trimmed().isEmpty())
            addColumn(column);
    });
    connect(remove, &QPushButton::clicked, this, &ColumnMappingEditor::removeSelected);
    connect(&m_header, &QFutureWatcher<Result<QStringList>>::finished, this, [this] {
        const Result<QStringList> header = m_header.result();
        if (!header) {
            m_message->setText(header.error().message);
            Q_EMIT columnsRead(header.error().message);
            return;
        }
        for (const QString &column : *header)
            addColumn(column);
        m_message->setText(tr("%n column(s) read.", nullptr, int(header->size())));
        Q_EMIT columnsRead({});
    });

    QStringList saved = m_mapping.overrides.keys();
    saved.sort();
    for (const QString &column : std::as_const(saved))
        addColumn(column);
}

void ColumnMappingEditor::addColumn(const QString &column)
{
    const QString key = normalised(column);
    if (key.isEmpty() || columns().contains(key))
        return;
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    auto *name = new QTableWidgetItem(key);
    name->setFlags(name->flags() & ~Qt::ItemIsEditable);
    m_table->setItem(row, 0, name);

    auto *meaning = new QComboBox(m_table);
    meaning->setAccessibleName(tr("Meaning of column %1").arg(key));
    for (Role role : s_roles)
        meaning->addItem(roleLabel(role), int(role));
    meaning->setCurrentIndex(meaning->findData(int(m_mapping.roleFor(key))));
    m_table->setCellWidget(row, 1, meaning);
}

QStringList ColumnMappingEditor::columns() const
{
    QStringList names;
    for (int row = 0; row < m_table->rowCount(); ++row)
        names.append(m_table->item(row, 0)->text());
    return names;
}

ColumnMapping::Role ColumnMappingEditor::roleOfRow(int row) const
{
    return Role(static_cast<QComboBox *>(m_table->cellWidget(row, 1))->currentData().toInt());
}

ColumnMapping ColumnMappingEditor::mapping() const
{
    ColumnMapping result;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        const QString column = m_table->item(row, 0)->text();
        const Role role = roleOfRow(row);
        if (role != ColumnMapping::defaultRole(column))
            result.overrides.insert(column, role);
    }
    return result;
}

void ColumnMappingEditor::readColumnsFrom(const QString &file)
{
    m_message->setText(tr("Reading the columns of %1…").arg(file));
    m_header.setFuture(QtConcurrent::run(readHeader, file));
}

void ColumnMappingEditor::chooseSpreadsheet()
{
    const QString file = QFileDialog::getOpenFileName(this, tr("Spreadsheet"), QString(),
                                                      tr("Spreadsheets (*.csv *.tsv *.txt);;All files (*)"));
    if (!file.isEmpty())
        readColumnsFrom(file);
}

void ColumnMappingEditor::removeSelected()
{
    QList<int> rows;
    for (const QModelIndex &index : m_table->selectionModel()->selectedRows())
        rows.append(index.row());
    std::sort(rows.begin(), rows.end(), std::greater<>());
    for (int row : std::as_const(rows))
        m_table->removeRow(row);
}

} // namespace gh
