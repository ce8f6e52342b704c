#pragma once

#include <QDialog>

#include "preferences.h"

class QCheckBox;
class QDialogButtonBox;
class QComboBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;

namespace gh {

class ColumnMappingEditor;
class QaProfileEditor;

/*!
    \class gh::SettingsDialog
    Collects the curator's settings: downloads (parallelism, politeness, size limit, accepted types, contact),
    intake (banned records, hot folder), storage (key template, durability), review (curator, sampling
    plan, defect reasons, suppliers) and quality (the QA profile). It only collects; the main window applies
    what it returns.
*/
class SettingsDialog : public QDialog
{
    Q_OBJECT

public:
    explicit SettingsDialog(const Preferences &preferences, QWidget *parent = nullptr);
    //! What the dialog holds now (valid after accept()).
    Preferences preferences() const;

private:
    void validate();

    Preferences m_original;
    QSpinBox *m_jobs;
    QSpinBox *m_perHost;
    QLineEdit *m_maxSize;
    QLineEdit *m_accept;
    QLineEdit *m_contact;
    QCheckBox *m_freshness;
    QLineEdit *m_banned;
    QLineEdit *m_hotFolder;
    ColumnMappingEditor *m_columns;
    QLineEdit *m_keyTemplate;
    QComboBox *m_sync;
    QLabel *m_maxSizeError;
    QLabel *m_keyTemplateError;
    QLineEdit *m_curator;
    QComboBox *m_aql;
    QComboBox *m_level;
    QPlainTextEdit *m_defectReasons;
    QLineEdit *m_supplier;
    QLineEdit *m_suppliers;
    QLineEdit *m_defaultTarget;
    QLineEdit *m_targetFilter;
    QLineEdit *m_wikiUser;
    QLineEdit *m_wikiPassword;
    QaProfileEditor *m_quality;
    QDialogButtonBox *m_buttons;
};

} // namespace gh
