#pragma once

#include "pipeline/filestage.h"

namespace gh::test {

/*!
    A stage that exists only in the tests: it marks every file the fetch stage let through, to prove that a
    second per-file stage is one class and one entry in the runner's list. Each file's work happens on the
    stage's pool: it reads the stored copy's source, optionally waits (so a test can kill a process in the
    middle), appends "file id" to a marks log outside the catalog, and reports the file marked.
*/
struct MarkOptions
{
    int delayMs = 0;                          //!< Per file, on the pool.
    QString marksLog;                         //!< A file every mark is appended to; empty for none.
    FileStatus outcome = FileStatus::Success; //!< What every file gets (store-error trips the breaker).
};

class MarkStage : public FileStage
{
    Q_OBJECT

public:
    MarkStage(const StageEnvironment &environment, const MarkOptions &options);

    //! The plug-in: its Stage (defined once per process) and its definition for BatchRunner::setStages().
    static Stage define(const QString &key = QStringLiteral("test-mark"));
    static StageDefinition definition(const MarkOptions &options = {},
                                      const QString &key = QStringLiteral("test-mark"));

protected:
    int dispatch(const FileRecord &file) override;
    QString doneDetail() const override;

private:
    MarkOptions m_options;
};

} // namespace gh::test
