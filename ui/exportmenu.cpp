#include "exportmenu.h"

#include <atomic>
#include <memory>

#include <QDir>
#include <QFileDialog>
#include <QFutureWatcher>
#include <QMessageBox>
#include <QPointer>
#include <QProgressDialog>
#include <QSettings>
#include <QtConcurrent>

#include "catalog/catalog.h"
#include "report/exports.h"

namespace gh {

ExportMenu::ExportMenu(const Workspace &workspace, std::function<qint64()> currentBatch, QWidget *parent)
    : QMenu(tr("&Export"), parent)
    , m_workspace(workspace)
    , m_currentBatch(std::move(currentBatch))
{
    for (const ExportFormat &format : Exports::all()) {
        QAction *action = addAction(Exports::title(format));
        const QString key = format.key;
        connect(action, &QAction::triggered, this, [this, key] {
            if (const ExportFormat *chosen = Exports::find(key))
                exportAs(*chosen);
        });
    }
    connect(this, &QMenu::aboutToShow, this, [this] {
        const bool enabled = m_currentBatch() > 0 && !m_running;
        for (QAction *action : actions())
            action->setEnabled(enabled);
    });
}

void ExportMenu::exportAs(const ExportFormat &format)
{
    const qint64 batchId = m_currentBatch();
    if (batchId <= 0 || m_running)
        return;
    QSettings settings;
    const QString folder = settings.value(QStringLiteral("ui/lastExportFolder"), QDir::homePath()).toString();
    const QString suggested =
        QDir(folder).filePath(QStringLiteral("batch-%1-%2.%3").arg(batchId).arg(format.key, format.suffix));
    const QString path = QFileDialog::getSaveFileName(
        parentWidget(),
        tr("Export batch %1: %2").arg(batchId).arg(Exports::title(format).remove(u'&').remove(u'…')),
        suggested, Exports::filter(format));
    if (path.isEmpty())
        return;
    settings.setValue(QStringLiteral("ui/lastExportFolder"), QFileInfo(path).absolutePath());
    exportTo(format, path);
}

void ExportMenu::exportTo(const ExportFormat &format, const QString &path)
{
    const qint64 batchId = m_currentBatch();
    if (batchId <= 0 || m_running) {
        emit exportFinished(path, false, tr("No batch to export, or an export is already running."));
        return;
    }
    m_running = true;
    auto cancel = std::make_shared<std::atomic_bool>(false);
    auto *progress =
        new QProgressDialog(tr("Exporting batch %1 to %2…").arg(batchId).arg(QDir::toNativeSeparators(path)),
                            tr("Cancel"), 0, 1000, parentWidget());
    progress->setWindowModality(Qt::WindowModal);
    progress->setMinimumDuration(300);
    progress->setAutoClose(false);
    progress->setAutoReset(false);
    progress->setValue(0);
    connect(progress, &QProgressDialog::canceled, this, [cancel] { cancel->store(true); });

    const CatalogLocation location = m_workspace.catalog();
    const QString store = m_workspace.storeSpec();
    const ExportFormat chosen = format;
    QPointer<QProgressDialog> dialog(progress);
    // The worker opens its own catalog connection (connections belong to a thread) and reports progress
    // through queued calls; it never touches a widget.
    auto *watcher = new QFutureWatcher<Status>(this);
    watcher->setFuture(
        QtConcurrent::run([location, store, chosen, batchId, path, cancel, dialog]() -> Status {
            auto catalog = Catalog::open(location);
            if (!catalog)
                return catalog.error();
            ExportJob job;
            job.catalog = catalog->get();
            job.batchId = batchId;
            job.storeDescription = store;
            job.progress = [cancel, dialog](qint64 done, qint64 total) {
                const int value = total > 0 ? int(done * 1000 / total) : 0;
                QMetaObject::invokeMethod(
                    qApp,
                    [dialog, value] {
                        if (dialog)
                            dialog->setValue(value);
                    },
                    Qt::QueuedConnection);
                return !cancel->load();
            };
            return Exports::writeFile(chosen, job, path);
        }));
    connect(watcher, &QFutureWatcher<Status>::finished, this,
            [this, watcher, progress, path, batchId, chosen] {
                const Status result = watcher->result();
                watcher->deleteLater();
                progress->deleteLater();
                m_running = false;
                if (result) {
                    emit exportFinished(
                        path, true,
                        tr("Exported batch %1 to %2.").arg(batchId).arg(QDir::toNativeSeparators(path)));
                    return;
                }
                emit exportFinished(path, false, result.error().message);
                if (result.error().code != ErrorCode::Cancelled)
                    QMessageBox::warning(parentWidget(), tr("Export failed"), result.error().message);
                Q_UNUSED(chosen);
            });
}

} // namespace gh
