#pragma once

#include <atomic>
#include <functional>

#include <QCoreApplication>
#include <QIODevice>
#include <QJsonObject>

#include "catalog/catalog.h"

namespace gh {

/*!
    \class gh::ExportJob
    What an export reads and whom it tells: the batch in \a catalog, the bit store the stored keys live in
    (for PREMIS storage and METS locations), and a progress callback that may cancel.
*/
struct ExportJob
{
    Catalog *catalog = nullptr;
    qint64 batchId = 0;
    //! Where the batch's stored keys live, as the store names itself ("/data/store", "s3://bucket/prefix").
    QString storeDescription;
    //! Called now and then with the records written and the records to write; return false to cancel.
    std::function<bool(qint64 done, qint64 total)> progress;
};

/*!
    \class gh::ExportProgress
    Counts the records an export writes and reports them to an ExportJob's callback about every 1,000
    records, so a million-row export costs a thousand calls, not a million.
*/
class ExportProgress
{
    Q_DECLARE_TR_FUNCTIONS(gh::ExportProgress)

public:
    ExportProgress(const ExportJob &job, qint64 total);
    //! One more record; false once the callback asked to cancel.
    bool step();
    //! Reports the final count; false if cancelled.
    bool finish();
    bool cancelled() const { return m_cancelled; }
    //! The error to return after a cancel.
    static Error cancelledError();

private:
    const ExportJob &m_job;
    qint64 m_total;
    qint64 m_done = 0;
    bool m_cancelled = false;
};

/*!
    \class gh::ExportFormat
    One report a batch can be exported as: the CLI's \c {report --format KEY}, the GUI's Batch → Export
    menu and the end-of-run files all come from this list. A new format is one entry in exports.cpp.
*/
struct ExportFormat
{
    QString key;        //!< "premis", the value of --format.
    const char *title;  //!< Menu text, translated in the "gh::Exports" context.
    QString suffix;     //!< File name suffix without the dot: "xml", "csv".
    const char *filter; //!< File dialog filter, translated in the "gh::Exports" context.
    Status (*write)(const ExportJob &job, QIODevice &out);
};

class Exports
{
    Q_DECLARE_TR_FUNCTIONS(gh::Exports)

public:
    static const QList<ExportFormat> &all();
    /*!
        Adds a format that a module above report provides (qa-csv comes from core/review). Call it at
       start-up, before any thread reads the list; a format whose key is taken already is ignored.
    */
    static void add(const ExportFormat &format);
    static const ExportFormat *find(QStringView key);
    //! "summary, jsonl, csv, …" for messages and help texts.
    static QString keys();
    static QString title(const ExportFormat &format);
    static QString filter(const ExportFormat &format);
    //! Writes \a format to \a path through a temporary file, so a failed or cancelled export leaves no file.
    static Status writeFile(const ExportFormat &format, const ExportJob &job, const QString &path);

    //! Hands each JSON object on to the sink given to a Producer; returns the producer's own failure.
    using JsonLineSink = std::function<void(const QJsonObject &line)>;
    using JsonLineProducer = std::function<Status(const JsonLineSink &sink)>;
    /*!
        Writes the objects \a produce hands over to \a out, one compact JSON object per line, counting them
        against \a total (0 when unknown) for \a job's progress. Stops writing once the job is cancelled or a
        write fails, and says which of the two it was.
    */
    static Status writeJsonLines(const ExportJob &job, QIODevice &out, qint64 total,
                                 const JsonLineProducer &produce);
};

} // namespace gh
