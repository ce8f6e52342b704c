#pragma once

#include <atomic>

#include <QMetaType>
#include <QString>

#include "fetchoptions.h"
#include "intake/intaketypes.h"
#include "model/stage.h"
#include "net/transferoptions.h"
#include "report/reportsettings.h"
#include "settingstable.h"
#include "store/bitstore.h"

namespace gh {

/*!
    \class gh::TeamOptions
    How processes that share a batch on one catalog claim its files ([team]).
*/
struct TeamOptions
{
    int leaseSeconds = 60; //!< A claim holds this long without a heartbeat; then another process may take it.
    //! How soon the GUI shows what other processes changed in the catalog (gh::CatalogWatcher).
    int refreshMs = 2000;
};

/*!
    \class gh::RunOptions
    Everything a run of the automatic stages is told: what intake, fetch and the store do, and the one set of
    transfer settings (User-Agent, timeouts, retries, TLS, parallelism, size and type limits) that every
    download of the run uses — documents given by URL during intake as much as the files fetch brings in.
*/
struct RunOptions
{
    IntakeSettings intake;
    FetchOptions fetch;
    TransferOptions transfer;
    StoreOptions store;
    TeamOptions team;
    //! The stages this run may start (empty: every one that applies). `fetch --only` runs the fetch stage
    //! alone; the stages after it wait for the batch's next run.
    QList<Stage> stages;
    //! A banned-records file the engine reads when a run starts (the CLI's --banned reads it itself).
    QString bannedList;
    //! The summary mail and the copy of the reports at the end of a run ([mail], [report]).
    ReportOptions report;
    //! The settings file the options were read from (empty: none), for the stages above the pipeline that
    //! read sections of their own from the file (the duplicates stage's [dedup] rules).
    QString settingsFile;
    /*!
        The settings the run was made from (EngineSettings::runOptions()): stages from modules above pipeline
        read their own keys here when the runner creates them (the check stage its [check] QA profile, the
        upload after the review [targets] and [mediawiki]).
    */
    Settings settings;

    //! The options of one load: the intake settings with this run's transfer settings.
    IntakeOptions intakeOptions(std::atomic_bool *cancel = nullptr) const;
};

} // namespace gh

Q_DECLARE_METATYPE(gh::RunOptions)
