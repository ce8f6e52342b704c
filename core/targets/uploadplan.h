#pragma once

#include <optional>

#include <QCoreApplication>
#include <QHash>

#include "query/filefilter.h"
#include "targetoptions.h"

namespace gh {

class Catalog;

/*!
    \class gh::TargetRoute
    One target of a run and the files it takes: \c --target SPEC with its \c --filter QUERY (the filter bar's
    syntax), or a \c [targets] entry. Without a filter the target takes every file.
*/
struct TargetRoute
{
    QString spec;
    QString filterText;
    FileFilter filter;

    //! Pairs each \c --target with the \c --filter that follows it (before the next \c --target), in the
    //! order given on a command line; a filter before any target is an error.
    static Result<QList<TargetRoute>> fromArguments(const QStringList &arguments);
    //! A route from text; fails on a filter that does not parse.
    static Result<TargetRoute> make(const QString &spec, const QString &filterText = {});
    //! The targets recorded for a batch (catalog table batch_targets), in the order they were set.
    static Result<QList<TargetRoute>> ofBatch(Catalog &catalog, qint64 batchId);
};

/*!
    \class gh::UploadSettings
    What an upload run is told: the targets with their filters, the options (templates, conversion rules,
    credentials, parallelism), a title or key template from the command line, and whether to only show what
    would happen.
*/
struct UploadSettings
{
    QList<TargetRoute> routes;
    TargetOptions options;
    QString titleTemplate; //!< --title-template: wins over the settings' title or key template.
    bool dryRun = false;
    //! Send to the batch's recorded targets (TargetRoute::ofBatch()) instead of \c routes: the upload
    //! after the review, created once for every batch a runner walks.
    bool routesFromBatch = false;
    //! Why the settings could not be read where the stage was created; the stage fails with it.
    QString settingsError;
};

/*!
    \class gh::UploadPlan
    Which files of a batch go to one target, and where each stands among its item's files that go there: a
    file's {page} and {pages}, so an item with one image and one XML file sends a single untitled page to a
    wiki that takes only images. Files that were not fetched successfully, and banned ones, go nowhere.
*/
class UploadPlan
{
    Q_DECLARE_TR_FUNCTIONS(gh::UploadPlan)

public:
    struct Entry
    {
        int page = 1;
        int pages = 1;
    };
    //! Reads the batch's files once (ids and positions only are kept).
    static Result<UploadPlan> build(Catalog &catalog, qint64 batchId, const TargetRoute &route);
    /*!
        Whether \a file may be uploaded at all: fetched successfully (or unchanged) and stored. A stored file
        put back to pending (its upload failed transiently and is tried again) counts too: the stage only
        takes it once the stages before it are done with it, and its page number stays what it was.
    */
    static bool isUploadable(const FileRecord &file);
    //! The statuses isUploadable() takes (with a stored copy): for counts the catalog makes in SQL.
    static QList<FileStatus> uploadableStatuses();

    std::optional<Entry> entry(qint64 fileId) const;
    qint64 size() const { return m_entries.size(); }

private:
    QHash<qint64, Entry> m_entries;
};

} // namespace gh
