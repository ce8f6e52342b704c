#pragma once

#include <QDialog>

class QAction;
class QMenuBar;
class QTableWidget;
class QTextBrowser;

namespace gh {

class Workspace;

/*!
    \class gh::UsageDialog
    The README's "Using Gatehouse" section, compiled into the program, so the help works offline and always
    matches the version that shows it.
*/
class UsageDialog : public QDialog
{
    Q_OBJECT

public:
    explicit UsageDialog(QWidget *parent = nullptr);
    QTextBrowser *browser() const { return m_browser; }

    //! The section's Markdown, from the README compiled into the resources; empty if it has none.
    static QString usingGatehouse();

private:
    QTextBrowser *m_browser;
};

/*!
    \class gh::ShortcutsDialog
    Every keyboard shortcut of the window: read from the menus' actions (so the list cannot go stale), plus
   the keys that work inside the views.
*/
class ShortcutsDialog : public QDialog
{
    Q_OBJECT

public:
    explicit ShortcutsDialog(const QMenuBar *menus, QWidget *parent = nullptr);
    QTableWidget *table() const { return m_table; }

private:
    QTableWidget *m_table;
};

/*!
    \class gh::AboutDialog
    The version, the catalog, the store and the data folder, selectable and with a Copy button: what a bug
    report needs.
*/
class AboutDialog : public QDialog
{
    Q_OBJECT

public:
    AboutDialog(const Workspace &workspace, const QString &storeDisplay, QWidget *parent = nullptr);

    //! The plain text the Copy button puts on the clipboard.
    QString reportText() const { return m_report; }

private:
    QString m_report;
};

} // namespace gh
