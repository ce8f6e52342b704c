#pragma once

#include <QWidget>

class QLabel;
class QPushButton;

namespace gh {

/*!
    \class gh::WelcomePanel
    What a curator sees while the catalog has no batches: the ways in (a folder, a file, a web address, a
    watched hot folder) and the bundled sample batch to try first. It only asks; the main window acts.
*/
class WelcomePanel : public QWidget
{
    Q_OBJECT

public:
    explicit WelcomePanel(QWidget *parent = nullptr);

    //! Shows which folder is watched (empty: none).
    void setHotFolder(const QString &dir);
    //! Where the sample batch is; the link is hidden when there is none.
    void setSampleDir(const QString &dir);

    /*!
        The sample batch shipped with this build or installation, looked for beside the program (a build
        tree's \c sample/ folder, or \c share/gatehouse/sample/ of an installation); empty when there is none.
    */
    static QString findSample();

signals:
    void openFolderRequested();
    void openFileRequested();
    void openWebAddressRequested();
    void hotFolderRequested();
    void sampleRequested(const QString &dir);

private:
    QLabel *m_hotFolder;
    QLabel *m_sample;
    QString m_sampleDir;
};

} // namespace gh
