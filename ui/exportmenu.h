#pragma once

#include <functional>

#include <QMenu>

#include "pipeline/workspace.h"

namespace gh {

struct ExportFormat;

/*!
    \class gh::ExportMenu
    Batch → Export: one entry per report format (core/report's Exports, the same list as the CLI's
    \c {report --format}). An entry asks for a file, then writes the export on a worker thread with its own
    catalog connection, showing progress that can be cancelled; a cancelled or failed export leaves no file.
*/
class ExportMenu : public QMenu
{
    Q_OBJECT

public:
    //! \a currentBatch says which batch the window shows (0 for none).
    ExportMenu(const Workspace &workspace, std::function<qint64()> currentBatch, QWidget *parent);

    /*!
        Writes the current batch as \a format to \a path without asking (what an entry does once the file
        dialog has answered); finishes with exportFinished().
    */
    void exportTo(const ExportFormat &format, const QString &path);

signals:
    //! An export finished: \a ok false when it failed or was cancelled, with \a message saying so.
    void exportFinished(const QString &path, bool ok, const QString &message);

private:
    void exportAs(const ExportFormat &format);

    Workspace m_workspace;
    std::function<qint64()> m_currentBatch;
    bool m_running = false;
};

} // namespace gh
