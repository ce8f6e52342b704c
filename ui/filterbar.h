#pragma once

#include <QTimer>
#include <QWidget>

#include "query/filefilter.h"

class QComboBox;
class QLabel;
class QLineEdit;

namespace gh {

/*!
    \class gh::FilterBar
    The bar above the file table: a search field that takes the query syntax of gh::FileFilter
    (\c{status:failed mime:image/png size:>1M name:*.tif qa:flagged}, or plain words), a status combo and
    a mimetype combo. The combos are shortcuts that write their term into the query, so the search field
    always shows the whole filter and the CLI's \c{files --filter} accepts the same text.

    Typing is debounced (debounceMs()); Return applies at once; Escape clears the filter. A query that does
   not parse is explained under the field, without a dialog, and the last valid filter stays in force.
*/
class FilterBar : public QWidget
{
    Q_OBJECT

public:
    explicit FilterBar(QWidget *parent = nullptr);

    //! The filter in force (the last query that parsed).
    const FileFilter &filter() const { return m_filter; }
    QString query() const;
    //! Replaces the query and applies it at once.
    void setQuery(const QString &query);
    //! The error shown for the current text; empty when it parses.
    QString errorText() const;
    //! The search field, for a "Find" shortcut (QKeySequence::Find) to focus.
    QLineEdit *searchField() const { return m_search; }
    static int debounceMs() { return 250; }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

Q_SIGNALS:
    //! The filter in force changed; emitted once per change, never for a query that does not parse.
    void filterChanged(const gh::FileFilter &filter);

private:
    void apply();
    void setTerm(const QString &key, const QString &value);
    void syncCombos();

    QLineEdit *m_search;
    QComboBox *m_status;
    QComboBox *m_mime;
    QLabel *m_error;
    QTimer m_debounce;
    FileFilter m_filter;
};

} // namespace gh

Q_DECLARE_METATYPE(gh::FileFilter)
