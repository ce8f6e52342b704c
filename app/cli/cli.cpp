#include "cli.h"

#include "commands.h"
#include "util/version.h"

namespace gh::cli {

namespace {

struct Command
{
    QString name;
    const char *summary;
    int (*run)(Global, const QStringList &);
};

const QList<Command> &commands()
{
    static const QList<Command> list{
        {QStringLiteral("load"), QT_TRANSLATE_NOOP("gh::cli", "create a batch from a source; print its id"),
         cmdLoad},
        {QStringLiteral("fetch"), QT_TRANSLATE_NOOP("gh::cli", "copy/download and hash every pending file, then QA and duplicates"),
         cmdFetch},
        {QStringLiteral("run"), QT_TRANSLATE_NOOP("gh::cli", "load + every automatic stage"), cmdRun},
        {QStringLiteral("check"),
         QT_TRANSLATE_NOOP("gh::cli", "automatic QA of a fetched batch (findings per check)"), cmdCheck},
        {QStringLiteral("schemas"),
         QT_TRANSLATE_NOOP("gh::cli", "schemas fetch | schemas list: the XML schemas QA validates with"),
         cmdSchemas},
        {QStringLiteral("status"), QT_TRANSLATE_NOOP("gh::cli", "stages and counts per batch"), cmdStatus},
        {QStringLiteral("files"), QT_TRANSLATE_NOOP("gh::cli", "one record per file"), cmdFiles},
        {QStringLiteral("dedup"),
         QT_TRANSLATE_NOOP("gh::cli", "classify duplicates against a target, the catalog and the batch"),
         cmdDedup},
        {QStringLiteral("decide"), QT_TRANSLATE_NOOP("gh::cli", "record a curator's duplicate decision"),
         cmdDecide},
        {QStringLiteral("sample"),
         QT_TRANSLATE_NOOP("gh::cli", "an ISO 2859-1 plan, or draw a batch's QA sample (seeded, recorded)"),
         cmdSample},
        {QStringLiteral("verdict"),
         QT_TRANSLATE_NOOP("gh::cli", "record a manual-QA verdict on a sampled item"), cmdVerdict},
        {QStringLiteral("approve"), QT_TRANSLATE_NOOP("gh::cli", "approve a batch as a whole"), cmdApprove},
        {QStringLiteral("reject"),
         QT_TRANSLATE_NOOP("gh::cli", "reject a batch: delete its stored copies, keep its records"),
         cmdReject},
        {QStringLiteral("thumbnails"),
         QT_TRANSLATE_NOOP("gh::cli", "fill the thumbnail cache for a batch's stored files"), cmdThumbnails},
        {QStringLiteral("report"),
         QT_TRANSLATE_NOOP("gh::cli", "write a report (summary, csv, errors-csv, premis, mets, jsonl, qa-csv, …)"),
         cmdReport},
        {QStringLiteral("upload"),
         QT_TRANSLATE_NOOP("gh::cli", "send a batch's files to a target: never twice, verified after"),
         cmdUpload},
        {QStringLiteral("watch"),
         QT_TRANSLATE_NOOP("gh::cli", "watch a hot folder: run each delivery once it has settled"), cmdWatch},
        {QStringLiteral("bag"),
         QT_TRANSLATE_NOOP("gh::cli", "bag validate PATH | bag export BATCH -o DIR (BagIt, RFC 8493)"),
         cmdBag},
        {QStringLiteral("recheck"),
         QT_TRANSLATE_NOOP("gh::cli",
                           "check a batch again after a fix: re-read sidecars, verify stored copies"),
         cmdRecheck},
        {QStringLiteral("batch"),
         QT_TRANSLATE_NOOP("gh::cli",
                           "batch rename BATCH NAME | archive BATCH | unarchive BATCH | delete BATCH"),
         cmdBatch},
    };
    return list;
}

} // namespace

int run(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(tr("Gatehouse: take batches of digital objects into an archive."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions(globalOptions());
    parser.addPositionalArgument(QStringLiteral("command"), tr("One of the commands below."));
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsPositionalArguments);

    auto usage = [&] {
        QString text = usageText(parser, QStringLiteral("gatehouse-cli")) + u'\n' + tr("Commands:") + u'\n';
        // The longest name and two spaces, so no name runs into its summary.
        qsizetype width = 0;
        for (const Command &c : commands())
            width = std::max(width, c.name.size());
        for (const Command &c : commands())
            text += u"  " + c.name.leftJustified(width + 2) + tr(c.summary) + u'\n';
        text += u'\n' + tr("Run \"gatehouse-cli COMMAND --help\" for a command's options.") + u'\n';
        return text;
    };

    if (!parser.parse(arguments))
        return fatal(parser.errorText());
    if (parser.isSet(QStringLiteral("version"))) {
        out() << "gatehouse-cli " << versionString() << Qt::endl;
        return ExitOk;
    }
    const QStringList positional = parser.positionalArguments();
    if (parser.isSet(QStringLiteral("help")) && positional.isEmpty()) {
        out() << usage() << Qt::flush;
        return ExitOk;
    }
    if (positional.isEmpty()) {
        err() << usage() << Qt::flush;
        return ExitFatal;
    }
    const QString name = positional.constFirst();
    const auto command = std::find_if(commands().cbegin(), commands().cend(),
                                      [&](const Command &c) { return c.name == name; });
    if (command == commands().cend())
        return fatal(tr("Unknown command \"%1\". Run \"gatehouse-cli --help\" for the list.").arg(name));

    Global global;
    readGlobals(parser, global);

    return command->run(global, positional.mid(1));
}

} // namespace gh::cli
