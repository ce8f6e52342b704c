#pragma once

#include <QFutureWatcher>
#include <QWidget>

#include "qa/qaprofile.h"
#include "qa/schemafetch.h"

class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;

namespace gh {

/*!
    \class gh::QaProfileEditor
    The QA profile as the Settings dialog shows it: which checks run (every registered check, with what it
    checks as a tooltip), where the XML schemas are, the thresholds of the image, OCR and dimension checks.
    "Fetch standard schemas" has core's SchemaFetch download the standard set into the user's data folder
    on a worker thread and says what it saved; it is the only thing here that touches the network, and only
    when pressed.
*/
class QaProfileEditor : public QWidget
{
    Q_OBJECT

public:
    explicit QaProfileEditor(const QaProfile &profile, QWidget *parent = nullptr);
    ~QaProfileEditor() override;

    //! The profile as edited; keys the editor does not show (severities, sidecars) are kept as given.
    QaProfile profile() const;

    QListWidget *checkList() const { return m_checks; }
    QPushButton *fetchButton() const { return m_fetch; }
    QLabel *fetchStatus() const { return m_fetchStatus; }

private:
    void fetchSchemas();
    void showFetched();

    struct FetchOutcome
    {
        QList<SchemaFetch::Saved> saved;
        QString error;
    };

    QaProfile m_original;
    QListWidget *m_checks;
    QLineEdit *m_schemas;
    QPushButton *m_fetch;
    QLabel *m_fetchStatus;
    QSpinBox *m_sampleSize;
    QSpinBox *m_darkPeak;
    QSpinBox *m_blankInkLevel;
    QDoubleSpinBox *m_blankMaxInk;
    QSpinBox *m_borderLevel;
    QDoubleSpinBox *m_borderMaxFraction;
    QDoubleSpinBox *m_ocrMinConfidence;
    QSpinBox *m_minWidth;
    QSpinBox *m_maxWidth;
    QSpinBox *m_minHeight;
    QSpinBox *m_maxHeight;
    QFutureWatcher<FetchOutcome> m_fetchWatcher;
};

} // namespace gh
