#include <unistd.h>

#include <QDir>
#include <QElapsedTimer>
#include <QLocale>

#include "commands.h"
#include "intake/bagit/bagvalidator.h"
#include "intake/bagit/bagwriter.h"

// The bag commands: "bag validate PATH" and "bag export BATCH -o DIR".

namespace gh::cli {

namespace {

/*!
    Progress of a long validation or export on stderr: rewritten in place on a terminal, silent otherwise
    (a pipe or log wants the result, not a ticker).
*/
class BagProgressPrinter
{
public:
    BagProgressPrinter(bool quiet, QString verb)
        : m_enabled(!quiet && ::isatty(STDERR_FILENO))
        , m_verb(std::move(verb))
    {
        m_clock.start();
    }
    ~BagProgressPrinter()
    {
        if (m_shown)
            err() << '\r' << "\x1b[K" << Qt::flush;
    }

    void show(const BagProgress &p)
    {
        if (!m_enabled || (m_shown && m_clock.elapsed() - m_last < 200 && p.filesDone < p.filesTotal))
            return;
        m_last = m_clock.elapsed();
        m_shown = true;
        const QLocale c = QLocale::c();
        err() << '\r'
              << tr("%1 %2/%3 files, %4 / %5")
                     .arg(m_verb)
                     .arg(p.filesDone)
                     .arg(p.filesTotal)
                     .arg(c.formattedDataSize(p.bytesDone), c.formattedDataSize(p.bytesTotal))
              << "\x1b[K" << Qt::flush;
    }

private:
    bool m_enabled;
    QString m_verb;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    bool m_shown = false;
};

int bagUsage(bool error)
{
    const QString text = tr("Usage: gatehouse-cli bag validate PATH [--json]\n"
                            "       gatehouse-cli bag export BATCH -o DIR [--algorithm LIST]\n\n"
                            "  validate  check that the folder PATH is a complete and valid BagIt bag "
                            "(RFC 8493)\n"
                            "  export    write the stored files of a batch as a BagIt bag into DIR\n");
    (error ? err() : out()) << text << Qt::flush;
    return error ? ExitFatal : ExitOk;
}

int bagValidate(Global global, const QStringList &arguments)
{
    CommandLine cl(
        QStringLiteral("bag validate"),
        tr("Check that a folder is a complete and valid BagIt bag (RFC 8493, or versions 0.93 to "
           "0.97): every file present and listed, every checksum of every manifest verified. Exit "
           "status 0: valid (warnings are printed); 1: invalid, every problem listed; 2: not a bag "
           "or a usage error."));
    cl.parser.addPositionalArgument(QStringLiteral("path"), tr("The bag's folder."));
    cl.parser.addOption(
        {QStringLiteral("json"),
         tr("Print one JSON document: {\"valid\", \"problems\": [...], \"warnings\": [...]}.")});
    if (auto exit = cl.parse(arguments, 1, 1, global))
        return *exit;
    const QString path = cl.parser.positionalArguments().constFirst();
    const bool json = cl.parser.isSet(QStringLiteral("json"));

    BagValidator::Options options;
    BagProgressPrinter printer(global.quiet || json, tr("Verifying"));
    options.progress = [&](const BagProgress &p) { printer.show(p); };
    const Result<BagReport> report = BagValidator::validate(path, options);
    if (!report)
        return fatal(report.error().message);
    if (!report->isBag) {
        return fatal(tr("%1 is not a BagIt bag: it has neither bagit.txt nor a manifest.")
                         .arg(QDir::toNativeSeparators(path)));
    }

    if (json) {
        printJson(report->toJson());
        return report->valid() ? ExitOk : ExitFailures;
    }
    for (const BagIssue &issue : report->problems)
        out() << tr("problem: ") << issue.message << '\n';
    for (const BagIssue &issue : report->warnings)
        out() << tr("warning: ") << issue.message << '\n';
    const QString where = QDir::toNativeSeparators(path);
    if (report->valid()) {
        out() << tr("%1 is a valid BagIt %2 bag: %3 payload files, %4 bytes, %5 files verified.")
                     .arg(where, report->version.toString())
                     .arg(report->payloadFiles)
                     .arg(report->payloadBytes)
                     .arg(report->filesVerified)
              << Qt::endl;
        return ExitOk;
    }
    out() << tr("%1 is not a valid bag: %2 problems.").arg(where).arg(report->problems.size()) << Qt::endl;
    return ExitFailures;
}

int bagExport(Global global, const QStringList &arguments)
{
    CommandLine cl(
        QStringLiteral("bag export"),
        tr("Write the stored files of a batch as a BagIt 1.0 bag into a new or empty folder, then "
           "validate it. Exit status 0: written and valid; 1: written and valid, but some files were "
           "not stored and were left out; 2: error, nothing written."));
    cl.parser.addPositionalArgument(QStringLiteral("batch"), tr("The batch id."));
    cl.parser.addOption({{QStringLiteral("o"), QStringLiteral("output")},
                         tr("The folder to write the bag to (new or empty)."),
                         tr("dir")});
    cl.parser.addOption(
        {{QStringLiteral("a"), QStringLiteral("algorithm")},
         tr("Manifest algorithms, comma-separated or repeated: md5, sha1, sha224, sha256, sha384, "
            "sha512 (default: sha512,sha256)."),
         tr("list")});
    if (auto exit = cl.parse(arguments, 1, 1, global))
        return *exit;
    if (!cl.parser.isSet(QStringLiteral("output")))
        return fatal(tr("bag export needs -o DIR, the folder to write the bag to."));
    auto batchId = parseBatchId(cl.parser.positionalArguments().constFirst());
    if (!batchId)
        return fatal(batchId.error().message);
    auto opened = openContext(global, true);
    if (!opened)
        return fatal(opened.error().message);
    Context &context = *opened;
    const QString directory = cl.parser.value(QStringLiteral("output"));

    BagWriter::Options options;
    if (cl.parser.isSet(QStringLiteral("algorithm"))) {
        options.algorithms.clear();
        for (const QString &value : cl.parser.values(QStringLiteral("algorithm"))) {
            for (const QString &name : value.split(u',', Qt::SkipEmptyParts)) {
                const auto algorithm = Fixity::anyAlgorithmFromName(name.trimmed());
                if (!algorithm) {
                    return fatal(
                        tr("Unknown manifest algorithm \"%1\"; use md5, sha1, sha224, sha256, sha384 "
                           "or sha512.")
                            .arg(name.trimmed()));
                }
                if (!options.algorithms.contains(*algorithm))
                    options.algorithms.append(*algorithm);
            }
        }
        if (options.algorithms.isEmpty())
            return fatal(tr("--algorithm needs at least one algorithm."));
    }
    Result<BagExport> exported = Error{ErrorCode::Usage, {}};
    {
        BagProgressPrinter printer(global.quiet, tr("Exporting"));
        options.progress = [&](const BagProgress &p) { printer.show(p); };
        exported = BagWriter::write(*context.catalog, *context.store, *batchId, directory, options);
    }
    if (!exported)
        return fatal(exported.error().message);

    // The export is only done when the result checks out as a bag another tool would accept.
    Result<BagReport> report = Error{ErrorCode::Usage, {}};
    {
        BagValidator::Options validation;
        BagProgressPrinter printer(global.quiet, tr("Verifying"));
        validation.progress = [&](const BagProgress &p) { printer.show(p); };
        report = BagValidator::validate(directory, validation);
    }
    if (!report)
        return fatal(report.error().message);
    if (!report->valid()) {
        for (const BagIssue &issue : report->problems)
            err() << tr("problem: ") << issue.message << '\n';
        return fatal(tr("The bag written to %1 does not validate.").arg(QDir::toNativeSeparators(directory)));
    }
    for (const BagIssue &issue : report->warnings)
        err() << tr("warning: ") << issue.message << '\n';
    for (const QString &renamed : std::as_const(exported->renamed))
        err() << tr("renamed: ") << renamed << '\n';

    out() << tr("Exported %1 files (%2 bytes) of batch %3 to %4 as a valid BagIt 1.0 bag.")
                 .arg(exported->files)
                 .arg(exported->bytes)
                 .arg(*batchId)
                 .arg(QDir::toNativeSeparators(exported->directory))
          << Qt::endl;
    if (exported->skipped.isEmpty())
        return ExitOk;
    out() << tr("Left out %1 files that are not stored:").arg(exported->skipped.size()) << '\n';
    for (const BagExport::Skipped &s : std::as_const(exported->skipped))
        out() << "  " << StatusInfo::key(s.status).leftJustified(16) << ' ' << s.item << u'/' << s.name
              << '\n';
    out() << Qt::flush;
    return ExitFailures;
}

} // namespace

int cmdBag(Global global, const QStringList &arguments)
{
    if (arguments.isEmpty())
        return bagUsage(true);
    const QString sub = arguments.constFirst();
    if (sub == u"validate")
        return bagValidate(global, arguments.mid(1));
    if (sub == u"export")
        return bagExport(global, arguments.mid(1));
    if (sub == u"--help" || sub == u"-h" || sub == u"help")
        return bagUsage(false);
    err() << "gatehouse-cli: " << tr("Unknown bag command \"%1\".").arg(sub) << '\n';
    return bagUsage(true);
}

} // namespace gh::cli
