#pragma once

#include <functional>

#include <QImage>
#include <QSize>
#include <QWidget>

#include "model/finding.h"
#include "model/records.h"

class QLabel;
class QSplitter;
class QStackedWidget;
class QTextBrowser;

namespace gh {

class EngineController;

/*!
    \class gh::MetadataPane
    Everything known about the selected file, in three scrollable columns side by side:

    \list
    \li \e Descriptive: the item's identifier and label, then its metadata whatever its source (METS/MODS,
        Dublin Core, IIIF with language variants, spreadsheet columns, bag-info, newspaper batch fields,
        ingest requests), nested values as an indented tree, links clickable.
    \li \e Technical: size, sniffed and declared type, pixel dimensions for images (read off the GUI
        thread), digests and declared checksums with their verdicts, the HTTP exchange with every redirect
        hop, the stored key and the source; then what QA found about the file and the histogram of its
        image statistics (Engine::fileQa()).
    \li \e Provenance: the events in time order, failures marked.
    \endlist

    The pane takes the answer of Engine::fileDetails() as it is. Text is selectable and copyable; a link
    opens in the desktop's browser only when clicked.
*/
class MetadataPane : public QWidget
{
    Q_OBJECT

public:
    /*!
        Where the bytes of a file can be read on this machine (the stored copy's local path), or empty. Called
        on a worker thread, so it must be thread-safe and must not touch widgets or models.
    */
    using LocalPathResolver = std::function<QString(const FileRecord &)>;

    //! A pane that shows what showFile(file, item, events) is given.
    explicit MetadataPane(QWidget *parent = nullptr);
    /*!
        A pane that asks \a controller's engine for the file to show: showFile(qint64) queues
        EngineController::loadFileDetails(), and the answer (Engine::fileDetails(), read on the engine's
        thread) is shown if it is for the file asked last.
    */
    explicit MetadataPane(EngineController *controller, QWidget *parent = nullptr);
    ~MetadataPane() override;

    /*!
        Shows file \a fileId once the engine has answered (needs the EngineController constructor); 0 clears
        the pane. The pane keeps showing the previous file until then.
    */
    void showFile(qint64 fileId);
    //! Shows \a file, its \a item and \a events; starts reading the pixel size if \a file is an image.
    void showFile(const FileRecord &file, const ItemRecord &item, const QList<EventRecord> &events);
    //! Shows what QA found about file \a fileId, if it is the file shown: its \a findings and, when
    //! \a statistics has a fileId, its histogram.
    void showQa(qint64 fileId, const QList<gh::FindingRecord> &findings,
                const gh::ImageStatistics &statistics);
    //! The empty state: nothing selected.
    void clearDetails();
    /*!
        Sets how to find a file's bytes for its pixel size. Without one, a file copied from a plain local
        path is read at that path; nothing else is.
    */
    void setLocalPathResolver(LocalPathResolver resolver);

    //! The shown file's id; 0 when nothing is shown.
    qint64 fileId() const { return m_hasFile ? m_file.id : 0; }
    //! The shown image's pixel size once read; invalid before, and for files that are not images.
    QSize imageSize() const { return m_imageSize; }
    //! The QA findings shown for the file.
    const QList<FindingRecord> &findings() const { return m_findings; }
    //! The histogram shown for the file (its luminance statistics); null when there is none.
    QImage histogramImage() const { return m_histogram; }

    // For tests and accessibility tools.
    QTextBrowser *descriptiveView() const { return m_descriptive; }
    QTextBrowser *technicalView() const { return m_technical; }
    QTextBrowser *provenanceView() const { return m_provenance; }
    QSplitter *splitter() const { return m_splitter; }
    bool isShowingFile() const { return m_hasFile; }

signals:
    //! The pixel size of the shown file \a fileId was read (invalid \a size: it could not be).
    void imageSizeRead(qint64 fileId, QSize size);

private:
    struct ImageHeader
    {
        QSize size;
        QString error;
    };
    static ImageHeader readImageHeader(const QString &path);
    static bool looksLikeImage(const FileRecord &file);

    QWidget *column(const QString &heading, QTextBrowser *view);
    void requestImageSize();
    void renderTechnical();
    static void openLink(const QUrl &url);

    QStackedWidget *m_stack;
    QLabel *m_placeholder;
    QSplitter *m_splitter;
    QTextBrowser *m_descriptive;
    QTextBrowser *m_technical;
    QTextBrowser *m_provenance;

    EngineController *m_controller = nullptr;
    qint64 m_requested = 0; //!< The file showFile(qint64) asked for last; other answers are not shown.
    LocalPathResolver m_resolver;
    FileRecord m_file;
    bool m_hasFile = false;
    //! Which selection a pixel-size answer belongs to; answers for an earlier one are dropped.
    quint64 m_generation = 0;
    enum class SizeState
    {
        None,    //!< Not an image, or nothing shown.
        Reading, //!< Asked; the answer is on its way.
        Known,
        Failed
    };
    SizeState m_sizeState = SizeState::None;
    QSize m_imageSize;
    QString m_sizeError;
    QList<FindingRecord> m_findings;
    ImageStatistics m_statistics;
    QImage m_histogram;
};

} // namespace gh
