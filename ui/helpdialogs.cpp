#include "helpdialogs.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QHeaderView>
#include <QLabel>
#include <QLibraryInfo>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSysInfo>
#include <QTableWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

#include "pipeline/workspace.h"
#include "util/version.h"

namespace gh {

namespace {

QDialogButtonBox *closeButtons(QDialog *dialog)
{
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    return buttons;
}

//! An action's menu path, "File ▸ Open Folder…", without accelerator marks.
QString menuText(const QString &text)
{
    QString plain = text;
    plain.replace(QStringLiteral("&&"), QStringLiteral("\x01"));
    plain.remove(u'&');
    plain.replace(u'\x01', u'&');
    return plain;
}

void collect(const QMenu *menu, const QString &path, QList<std::pair<QString, QKeySequence>> &rows)
{
    for (QAction *action : menu->actions()) {
        if (action->menu()) {
            collect(action->menu(), path + menuText(action->menu()->title()) + u" ▸ ", rows);
            continue;
        }
        if (action->isSeparator() || action->shortcut().isEmpty())
            continue;
        rows.append({path + menuText(action->text()), action->shortcut()});
    }
}

} // namespace

UsageDialog::UsageDialog(QWidget *parent)
    : QDialog(parent)
    , m_browser(new QTextBrowser(this))
{
    setWindowTitle(tr("Using Gatehouse"));
    setObjectName(QStringLiteral("usageDialog"));
    auto *layout = new QVBoxLayout(this);
    m_browser->setObjectName(QStringLiteral("usageText"));
    m_browser->setOpenExternalLinks(true);
    const QString text = usingGatehouse();
    if (text.isEmpty())
        m_browser->setPlainText(tr("This build carries no usage notes."));
    else
        m_browser->setMarkdown(text);
    layout->addWidget(m_browser, 1);
    layout->addWidget(closeButtons(this));
    resize(760, 640);
}

QString UsageDialog::usingGatehouse()
{
    QFile readme(QStringLiteral(":/help/README.md"));
    if (!readme.open(QIODevice::ReadOnly))
        return {};
    const QString all = QString::fromUtf8(readme.readAll());
    // From "## Using Gatehouse" to the next second-level heading.
    static const QRegularExpression section(QStringLiteral("^## Using Gatehouse\\s*$(.*?)(?=^## |\\z)"),
                                            QRegularExpression::MultilineOption |
                                                QRegularExpression::DotMatchesEverythingOption);
    const QRegularExpressionMatch m = section.match(all);
    if (!m.hasMatch())
        return {};
    return u"# " + tr("Using Gatehouse") + u"\n" + m.captured(1).trimmed() + u'\n';
}

ShortcutsDialog::ShortcutsDialog(const QMenuBar *menus, QWidget *parent)
    : QDialog(parent)
    , m_table(new QTableWidget(this))
{
    setWindowTitle(tr("Keyboard Shortcuts"));
    setObjectName(QStringLiteral("shortcutsDialog"));
    QList<std::pair<QString, QKeySequence>> rows;
    if (menus) {
        for (QAction *action : menus->actions()) {
            if (action->menu())
                collect(action->menu(), menuText(action->menu()->title()) + u" ▸ ", rows);
        }
    }
    // Keys that belong to a view rather than to a menu command.
    const std::pair<const char *, const char *> inViews[] = {
        {QT_TR_NOOP("Move between the main areas"), QT_TR_NOOP("Tab, Shift+Tab")},
        {QT_TR_NOOP("Preview the current file (file list, thumbnails)"), QT_TR_NOOP("Space")},
        {QT_TR_NOOP("Clear the filter (in the filter field)"), QT_TR_NOOP("Escape")},
        {QT_TR_NOOP("Previous or next page of an item (preview)"), QT_TR_NOOP("Page Up, Page Down")},
        {QT_TR_NOOP("Zoom the preview; fit; 100 %"), QT_TR_NOOP("+, -, F, 1")},
        {QT_TR_NOOP("Go to the file of a problem (Problems)"), QT_TR_NOOP("Enter")},
        {QT_TR_NOOP("Context menu of a batch or file"), QT_TR_NOOP("Menu, Shift+F10")},
        {QT_TR_NOOP("Review: pass; fail (then a reason 1–9, Enter); undo the verdict"),
         QT_TR_NOOP("P; F; U")},
        {QT_TR_NOOP("Review: next item; previous item; zoom"), QT_TR_NOOP("N or Right; Left; Z")},
        {QT_TR_NOOP("Review: the target field; approve; reject"), QT_TR_NOOP("Alt+T; Alt+A; Alt+R")},
        {QT_TR_NOOP("Review: close the window"), QT_TR_NOOP("Ctrl+W")},
        {QT_TR_NOOP("Duplicates: skip; upload; rename; overwrite; move; link; hand-fix"),
         QT_TR_NOOP("S; U; R; O; M; L; H")},
        {QT_TR_NOOP("Duplicates: the next decision for all similar cases (on or off); undo"),
         QT_TR_NOOP("A; Ctrl+Z")},
    };
    m_table->setColumnCount(2);
    m_table->setRowCount(int(rows.size() + std::size(inViews)));
    m_table->setHorizontalHeaderLabels({tr("Command"), tr("Keys")});
    int row = 0;
    for (const auto &[text, keys] : std::as_const(rows)) {
        m_table->setItem(row, 0, new QTableWidgetItem(text));
        m_table->setItem(row++, 1, new QTableWidgetItem(keys.toString(QKeySequence::NativeText)));
    }
    for (const auto &[text, keys] : inViews) {
        m_table->setItem(row, 0, new QTableWidgetItem(tr(text)));
        m_table->setItem(row++, 1, new QTableWidgetItem(tr(keys)));
    }
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    // Rows as tall as their text: the style's default row height showed 16 of some 40 shortcuts at a time.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_table->setAlternatingRowColors(true);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_table, 1);
    layout->addWidget(closeButtons(this));
    resize(620, 560);
}

AboutDialog::AboutDialog(const Workspace &workspace, const QString &storeDisplay, QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("About Gatehouse"));
    setObjectName(QStringLiteral("aboutDialog"));
    const QString catalog = workspace.catalog().displayName();
    const QString data = QDir::toNativeSeparators(workspace.dataDir());
    m_report = tr("Gatehouse %1").arg(versionString()) + u'\n' + tr("Catalog: %1").arg(catalog) + u'\n' +
               tr("Store: %1").arg(storeDisplay) + u'\n' + tr("Data folder: %1").arg(data) + u'\n' +
               tr("Qt %1 on %2").arg(QLibraryInfo::version().toString(), QSysInfo::prettyProductName()) +
               u'\n';

    auto *layout = new QVBoxLayout(this);
    auto *title =
        new QLabel(u"<b>" + tr("Gatehouse %1").arg(versionString()).toHtmlEscaped() + u"</b>", this);
    layout->addWidget(title);
    layout->addWidget(new QLabel(tr("Take batches of digital objects into an archive."), this));
    auto *details = new QLabel(this);
    details->setObjectName(QStringLiteral("aboutDetails"));
    details->setTextFormat(Qt::PlainText);
    details->setText(m_report.section(u'\n', 1).trimmed());
    details->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    details->setWordWrap(true);
    layout->addWidget(details);

    auto *buttons = closeButtons(this);
    QPushButton *copy = buttons->addButton(tr("&Copy for a Bug Report"), QDialogButtonBox::ActionRole);
    copy->setObjectName(QStringLiteral("copyReport"));
    connect(copy, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(m_report); });
    layout->addWidget(buttons);
}

} // namespace gh
