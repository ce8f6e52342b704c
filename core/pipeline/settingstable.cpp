#include "settingstable.h"

#include <QJsonDocument>
#include <QLocale>
#include <QRegularExpression>
#include <QSettings>

namespace gh {

namespace {

using Type = SettingType;
constexpr qint64 s_noMaximum = std::numeric_limits<int>::max();

// The settings table. Keep sections together and in this order; docs/settings.md shows it (tst_settingstable
// fails until the documentation is pasted from SettingsTable::markdown()).
QList<SettingDefinition> makeTable()
{
    auto row = [](const char *key, Type type, const char *defaultValue, const char *meaning,
                  const char *example) {
        SettingDefinition d;
        d.key = QString::fromLatin1(key);
        d.type = type;
        d.defaultValue = QString::fromUtf8(defaultValue);
        d.meaning = meaning;
        d.example = QString::fromUtf8(example);
        return d;
    };
    auto integer = [&](const char *key, qint64 minimum, qint64 maximum, const char *defaultValue,
                       const char *meaning, const char *example) {
        SettingDefinition d = row(key, Type::Integer, defaultValue, meaning, example);
        d.minimum = minimum;
        d.maximum = maximum;
        return d;
    };
    auto choice = [&](const char *key, const QStringList &choices, const char *defaultValue,
                      const char *meaning, const char *example) {
        SettingDefinition d = row(key, Type::Choice, defaultValue, meaning, example);
        d.choices = choices;
        return d;
    };

    QList<SettingDefinition> t;
    // [fetch]
    SettingDefinition jobs = integer(
        "fetch/jobs", 1, 256, "8",
        QT_TRANSLATE_NOOP("gh::SettingsTable",
                          "Files copied or downloaded at once (local copies also at most one per core)."),
        "4");
    jobs.aliases = {QStringLiteral("transfer/jobs")}; // what the GUI wrote before the table existed
    t.append(jobs);
    t.append(
        row("fetch/key_template", Type::Text, "{batch}/{item}/{filename}",
            QT_TRANSLATE_NOOP("gh::SettingsTable",
                              "Where each file is stored. Variables: {batch} {batch_name} {item} {filename} "
                              "{path} {ext} {timestamp} {resource_id} {md5} {sha1} {sha256}, with "
                              "{sha1:0:2} for a slice."),
            "sha1/{sha1:0:2}/{sha1:2:2}/{sha1}"));
    // [transfer]
    t.append(integer("transfer/per_host", 1, 256, "4",
                     QT_TRANSLATE_NOOP("gh::SettingsTable", "Connections to one host at once."), "2"));
    t.append(
        row("transfer/user_agent", Type::Text, "",
            QT_TRANSLATE_NOOP("gh::SettingsTable",
                              "Sent with every request. Empty sends \"Gatehouse/<version> (archival ingest; "
                              "+<contact>)\"."),
            "ExampleArchiveBot/2.0 (+mailto:digital@library.example)"));
    t.append(
        row("transfer/contact", Type::Text, "https://gatehouse.invalid/contact",
            QT_TRANSLATE_NOOP("gh::SettingsTable",
                              "An e-mail or web address where server operators can reach you; part of the "
                              "default User-Agent."),
            "mailto:digital@library.example"));
    t.append(integer("transfer/connect_timeout_ms", 1, s_noMaximum, "30000",
                     QT_TRANSLATE_NOOP("gh::SettingsTable", "Milliseconds to wait for a connection."),
                     "10000"));
    t.append(integer(
        "transfer/low_speed_limit", 0, s_noMaximum, "1",
        QT_TRANSLATE_NOOP("gh::SettingsTable", "Bytes per second below which a transfer is stalling…"),
        "1024"));
    t.append(integer("transfer/low_speed_seconds", 1, s_noMaximum, "60",
                     QT_TRANSLATE_NOOP("gh::SettingsTable", "…for this many seconds: then it times out."),
                     "30"));
    t.append(integer("transfer/max_redirects", 0, s_noMaximum, "10",
                     QT_TRANSLATE_NOOP("gh::SettingsTable", "Redirects followed before too-many-redirects."),
                     "5"));
    t.append(
        integer("transfer/max_attempts", 1, s_noMaximum, "3",
                QT_TRANSLATE_NOOP("gh::SettingsTable",
                                  "Attempts in all for transient failures (timeouts, resets, 429, 5xx)."),
                "5"));
    t.append(integer(
        "transfer/backoff_base_ms", 0, s_noMaximum, "1000",
        QT_TRANSLATE_NOOP("gh::SettingsTable", "First retry after about this long, doubling, with jitter."),
        "500"));
    t.append(integer("transfer/backoff_max_ms", 0, s_noMaximum, "60000",
                     QT_TRANSLATE_NOOP("gh::SettingsTable", "Longest wait between retries."), "30000"));
    t.append(
        integer("transfer/retry_after_max_ms", 0, s_noMaximum, "120000",
                QT_TRANSLATE_NOOP("gh::SettingsTable",
                                  "Longest Retry-After honoured; a server asking for longer leaves the file "
                                  "for a later run."),
                "60000"));
    t.append(
        row("transfer/max_size", Type::Size, "0",
            QT_TRANSLATE_NOOP("gh::SettingsTable",
                              "Largest file accepted, checked on the header and while streaming (too-large). "
                              "Absent or 0: no limit."),
            "500M"));
    t.append(
        row("transfer/accept", Type::List, "",
            QT_TRANSLATE_NOOP("gh::SettingsTable",
                              "Mimetypes accepted, checked on the header and the content (wrong-mimetype). "
                              "Empty: every type."),
            "image/*, application/pdf"));
    t.append(
        row("transfer/honour_freshness", Type::Boolean, "false",
            QT_TRANSLATE_NOOP("gh::SettingsTable",
                              "Skip requests while the server's Cache-Control or Expires says the stored "
                              "copy is fresh."),
            "true"));
    t.append(
        row("transfer/ca_bundle", Type::Path, "",
            QT_TRANSLATE_NOOP("gh::SettingsTable",
                              "An extra CA bundle to verify TLS with; verification itself is never off."),
            "/etc/ssl/certs/extra-ca.pem"));
    // [store]
    t.append(
        choice("store/sync", {QStringLiteral("batched"), QStringLiteral("each-file"), QStringLiteral("none")},
               "batched",
               QT_TRANSLATE_NOOP("gh::SettingsTable",
                                 "When stored files are flushed to disk: once per batch of files, after each "
                                 "file, or never (throw-away data only)."),
               "each-file"));
    t.append(row(
        "store/verify_after_write", Type::Boolean, "false",
        QT_TRANSLATE_NOOP("gh::SettingsTable",
                          "Read every stored file back and compare its SHA-256 before it counts as stored."),
        "true"));
    // [team]
    t.append(integer(
        "team/lease_seconds", 2, 3600, "60",
        QT_TRANSLATE_NOOP("gh::SettingsTable",
                          "How long a claim on a file holds without a heartbeat when several Gatehouse "
                          "processes share a batch on one PostgreSQL catalog; then another process takes the "
                          "file over. Renewed every third of it while the work goes on."),
        "20"));
    t.append(integer(
        "team/refresh_ms", 100, 60000, "2000",
        QT_TRANSLATE_NOOP("gh::SettingsTable",
                          "How soon, in milliseconds, the main window shows what other workstations or "
                          "command-line runs changed in the catalog: decisions, verdicts, approvals, stages "
                          "and files. A burst of changes within this time is shown at once."),
        "1000"));
    t.append(integer("team/reconnect_seconds", 0, 86400, "300",
                     QT_TRANSLATE_NOOP(
                         "gh::SettingsTable",
                         "How long a run waits for a PostgreSQL catalog's server after losing the connection "
                         "(the server restarted, the network dropped) before it fails; it tries again with "
                         "growing pauses and goes on where it was."),
                     "600"));
    SettingDefinition curator = row(
        "team/curator", Type::Text, "",
        QT_TRANSLATE_NOOP("gh::SettingsTable",
                          "The name recorded with every decision a person makes (duplicate decisions, QA "
                          "verdicts, approval, rejection) and its events; another curator who decides the "
                          "same thing later is told it. gatehouse-cli --as NAME overrides it for one "
                          "command. Empty: the operating system's user name."),
        "Karen Blixen");
    curator.aliases = {QStringLiteral("review/curator")}; // where earlier versions kept it
    t.append(curator);
    // [intake]
    t.append(
        row("intake/banned_list", Type::Path, "",
            QT_TRANSLATE_NOOP("gh::SettingsTable",
                              "A file of record identifiers never to ingest, one per line (# comments)."),
            "/srv/gatehouse/banned.txt"));
    t.append(
        row("intake/hot_folder", Type::Path, "",
            QT_TRANSLATE_NOOP("gh::SettingsTable",
                              "A folder the GUI watches for deliveries (the CLI's watch command takes the "
                              "folder as its argument)."),
            "/srv/gatehouse/incoming"));
    t.append(
        row("intake/column_mapping", Type::Json, "{}",
            QT_TRANSLATE_NOOP("gh::SettingsTable",
                              "Spreadsheet columns whose meaning differs from the default: {\"column\": "
                              "\"role\"}, roles identifier, title, url, path, md5, sha1, sha256, sha512, "
                              "mimetype, size, metadata, ignore."),
            "{\"accession no\":\"identifier\",\"scan\":\"url\"}"));
    // [review]
    t.append(
        choice("review/aql",
               {QStringLiteral("0.10"), QStringLiteral("0.15"), QStringLiteral("0.25"),
                QStringLiteral("0.40"), QStringLiteral("0.65"), QStringLiteral("1.0"), QStringLiteral("1.5"),
                QStringLiteral("2.5"), QStringLiteral("4.0"), QStringLiteral("6.5")},
               "1.0",
               QT_TRANSLATE_NOOP("gh::SettingsTable",
                                 "Acceptance quality limit of the QA sample, in percent (ISO 2859-1)."),
               "2.5"));
    t.append(choice("review/level",
                    {QStringLiteral("S-1"), QStringLiteral("S-2"), QStringLiteral("S-3"),
                     QStringLiteral("S-4"), QStringLiteral("I"), QStringLiteral("II"), QStringLiteral("III")},
                    "II",
                    QT_TRANSLATE_NOOP("gh::SettingsTable", "Inspection level of the QA sample (ISO 2859-1)."),
                    "S-4"));
    t.append(row("review/defect_reasons", Type::List,
                 "unreadable, page missing, wrong page order, cropped or skewed, poor image quality, "
                 "metadata wrong",
                 QT_TRANSLATE_NOOP("gh::SettingsTable", "The reasons offered when an item fails review."),
                 "unreadable, cropped or skewed, wrong edition"));
    t.append(
        row("review/supplier", Type::Text, "",
            QT_TRANSLATE_NOOP("gh::SettingsTable",
                              "The supplier of batches that no prefix below matches and that name none."),
            "National Library Digitisation"));
    t.append(row(
        "review/suppliers", Type::List, "",
        QT_TRANSLATE_NOOP("gh::SettingsTable",
                          "Suppliers by batch name prefix, PREFIX=NAME; the longest matching prefix wins."),
        "B4000220=Example Scanning Ltd, B5000=Other Vendor"));
    // [mail] and [report]: read by ReportSettings (core/report), which checks them as a whole.
    t.append(
        row("mail/smtp_url", Type::Text, "",
            QT_TRANSLATE_NOOP("gh::SettingsTable",
                              "Where the end-of-run summary mail goes: smtp://host:port (STARTTLS required "
                              "unless the URL ends in ?starttls=try or ?starttls=no) or smtps://host:port. "
                              "Empty: no mail."),
            "smtp://mail.library.example:587"));
    t.append(row("mail/from", Type::Text, "",
                 QT_TRANSLATE_NOOP("gh::SettingsTable", "The sender of the summary mail."),
                 "gatehouse@library.example"));
    t.append(row("mail/to", Type::List, "",
                 QT_TRANSLATE_NOOP("gh::SettingsTable", "Who receives the summary mail."),
                 "curators@library.example, digitisation@library.example"));
    t.append(
        row("mail/user", Type::Text, "",
            QT_TRANSLATE_NOOP("gh::SettingsTable",
                              "The SMTP user, if the server wants one; the password comes from mail/password "
                              "or the desktop keyring (service \"Gatehouse SMTP\")."),
            "gatehouse"));
    t.append(
        row("mail/password", Type::Text, "",
            QT_TRANSLATE_NOOP("gh::SettingsTable", "The SMTP password; better kept in the desktop keyring."),
            "s3cret"));
    t.append(row("mail/ca_bundle", Type::Path, "",
                 QT_TRANSLATE_NOOP("gh::SettingsTable",
                                   "An extra CA bundle for the mail server; empty uses transfer/ca_bundle."),
                 "/etc/ssl/certs/mail-ca.pem"));
    t.append(integer("mail/timeout_seconds", 1, s_noMaximum, "60",
                     QT_TRANSLATE_NOOP("gh::SettingsTable", "Seconds the mail server may take."), "30"));
    t.append(row("report/log_target", Type::Text, "",
                 QT_TRANSLATE_NOOP("gh::SettingsTable",
                                   "Where each run's log, _SUMMARY and CSVs are copied: s3://bucket/prefix. "
                                   "Empty: kept only beside the catalog."),
                 "s3://archive-logs/gatehouse"));
    // [check]: the QA profile, read by QaProfile::fromSettings() (core/qa), which also checks the severities
    // and that minimums do not exceed maximums; CheckRunner checks the check names.
    t.append(
        row("check/checks", Type::List, "all",
            QT_TRANSLATE_NOOP("gh::SettingsTable",
                              "The QA checks that run: all, or a list of check names (fixity, empty, "
                              "mimetype-extension, decodable, jp2-structure, xml-wellformed, xml-schema, "
                              "page-sequence, batch-identifier, sidecars, dimensions, dark-page, "
                              "blank-page, black-border, ocr-confidence)."),
            "fixity, empty, xml-schema"));
    t.append(row("check/skip", Type::List, "",
                 QT_TRANSLATE_NOOP("gh::SettingsTable", "QA checks not to run."), "ocr-confidence"));
    t.append(
        row("check/schemas", Type::Path, "",
            QT_TRANSLATE_NOOP("gh::SettingsTable",
                              "A folder of XSD files, or an OASIS XML catalog (catalog.xml), for "
                              "xml-schema. Empty: the set \"schemas fetch\" saved in the data folder, if "
                              "any."),
            "/srv/schemas/catalog.xml"));
    t.append(integer("check/sample_size", 16, 8192, "512",
                     QT_TRANSLATE_NOOP("gh::SettingsTable",
                                       "Longer side in pixels of the reduced decode behind the image "
                                       "statistics."),
                     "1024"));
    t.append(integer("check/dark_peak", 0, 256, "128",
                     QT_TRANSLATE_NOOP("gh::SettingsTable",
                                       "dark-page: a page whose histogram peaks below this value (0–255) is "
                                       "dark."),
                     "100"));
    t.append(integer("check/blank_ink_level", 1, 256, "128",
                     QT_TRANSLATE_NOOP("gh::SettingsTable", "blank-page: pixels darker than this are ink…"),
                     "96"));
    t.append(
        row("check/blank_max_ink", Type::Fraction, "0.002",
            QT_TRANSLATE_NOOP("gh::SettingsTable", "…and a page with at most this fraction of ink is blank."),
            "0.001"));
    t.append(integer(
        "check/border_level", 0, 255, "32",
        QT_TRANSLATE_NOOP("gh::SettingsTable", "black-border: pixels at or below this value are near black…"),
        "40"));
    t.append(
        row("check/border_max_fraction", Type::Fraction, "0.082",
            QT_TRANSLATE_NOOP("gh::SettingsTable", "…and more than this fraction of them is a black border."),
            "0.1"));
    t.append(row("check/ocr_min_confidence", Type::Fraction, "0.35",
                 QT_TRANSLATE_NOOP("gh::SettingsTable",
                                   "ocr-confidence: the mean ALTO word confidence (WC) must reach this."),
                 "0.5"));
    for (const char *key : {"check/min_width", "check/max_width", "check/min_height", "check/max_height"}) {
        t.append(
            integer(key, 0, 1 << 30, "0",
                    QT_TRANSLATE_NOOP("gh::SettingsTable",
                                      "dimensions: a bound of the page size in pixels; 0 means no bound."),
                    "2000"));
    }
    t.append(row("check/sidecars", Type::List, ".jp2, .mix.xml, .mods.xml, .alto.xml",
                 QT_TRANSLATE_NOOP("gh::SettingsTable", "sidecars: the files every page has…"),
                 ".tif, .mix.xml"));
    t.append(row(
        "check/checksum_sidecar", Type::Text, ".md5",
        QT_TRANSLATE_NOOP("gh::SettingsTable", "…and the checksum file each of them has; empty for none."),
        ".sha1"));
    t.append(row("check/severities", Type::List, "",
                 QT_TRANSLATE_NOOP("gh::SettingsTable",
                                   "Severities other than the checks' own, CHECK=error|warning|flag."),
                 "blank-page=error, ocr-confidence=warning"));
    t.append(integer("check/jobs", 0, 256, "0",
                     QT_TRANSLATE_NOOP("gh::SettingsTable", "Files checked at once; 0 for one per core."),
                     "4"));
    // [mediawiki] and [targets]: read by TargetOptions (core/targets) for uploads.
    t.append(
        row("mediawiki/user", Type::Text, "",
            QT_TRANSLATE_NOOP("gh::SettingsTable", "A bot password's user (Name@appid) for wiki targets; or "
                                                   "GATEHOUSE_MEDIAWIKI_USER."),
            "Curator@gatehouse"));
    t.append(
        row("mediawiki/password", Type::Text, "",
            QT_TRANSLATE_NOOP("gh::SettingsTable",
                              "The bot password; better GATEHOUSE_MEDIAWIKI_PASSWORD or the desktop keyring "
                              "(service \"Gatehouse MediaWiki\"). Never logged."),
            "0123456789abcdefghijklmnopqrstuv"));
    t.append(row(
        "mediawiki/chunk_size", Type::Size, "5M",
        QT_TRANSLATE_NOOP("gh::SettingsTable", "Files larger than this go to a wiki in chunks of this size."),
        "2M"));
    t.append(row("mediawiki/single_upload_max", Type::Size, "0",
                 QT_TRANSLATE_NOOP("gh::SettingsTable",
                                   "Files up to this size go to a wiki in one request; 0: the chunk size."),
                 "1M"));
    t.append(row("mediawiki/async_threshold", Type::Size, "64M",
                 QT_TRANSLATE_NOOP("gh::SettingsTable",
                                   "Chunked files at least this large are published by the wiki's job queue, "
                                   "and polled."),
                 "128M"));
    t.append(integer("mediawiki/jobs", 1, 64, "1",
                     QT_TRANSLATE_NOOP("gh::SettingsTable",
                                       "Requests at once per wiki; raise only where the wiki allows it."),
                     "2"));
    t.append(
        integer("mediawiki/maxlag", 0, 3600, "5",
                QT_TRANSLATE_NOOP("gh::SettingsTable",
                                  "Sent as maxlag= on every request: seconds of database lag at which the "
                                  "wiki asks us to wait."),
                "10"));
    t.append(integer("mediawiki/max_attempts", 1, 100, "5",
                     QT_TRANSLATE_NOOP("gh::SettingsTable",
                                       "Attempts per wiki request for maxlag, Retry-After, server errors and "
                                       "network failures."),
                     "3"));
    t.append(row("mediawiki/title_template", Type::Text, "",
                 QT_TRANSLATE_NOOP("gh::SettingsTable",
                                   "File page titles on a wiki; empty: {title:181} - {identifier}{ext}, with "
                                   "the page number for items of several files."),
                 "{identifier} - {title:120}{ext}"));
    t.append(
        row("mediawiki/page_template", Type::Path, "",
            QT_TRANSLATE_NOOP("gh::SettingsTable",
                              "A wikitext file with {field} placeholders for the file description pages; "
                              "empty: an information template filled from the item's metadata."),
            "/etc/gatehouse/page.wikitext"));
    t.append(row("mediawiki/summary", Type::Text, "",
                 QT_TRANSLATE_NOOP("gh::SettingsTable", "The upload summary on a wiki."),
                 "Batch upload of {identifier}"));
    t.append(row("mediawiki/categories", Type::List, "",
                 QT_TRANSLATE_NOOP("gh::SettingsTable", "Categories every uploaded page gets on a wiki."),
                 "Uploaded with Gatehouse, Newspapers"));
    t.append(row("targets/default", Type::Text, "",
                 QT_TRANSLATE_NOOP("gh::SettingsTable",
                                   "Where a batch goes once approved, when none was given: local:DIR, "
                                   "s3://bucket/prefix or mediawiki:https://host/w/api.php. Empty: approval "
                                   "uploads nothing."),
                 "mediawiki:https://commons.wikimedia.org/w/api.php"));
    t.append(row("targets/filter", Type::Text, "",
                 QT_TRANSLATE_NOOP("gh::SettingsTable",
                                   "Which files go to the default target, in the filter bar's syntax; empty: "
                                   "all."),
                 "mime:image/jp2"));
    t.append(row("targets/derive", Type::Text, "",
                 QT_TRANSLATE_NOOP("gh::SettingsTable",
                                   "Conversion rules for uploads, FROM=TO[:qQUALITY][:LONGEST], several "
                                   "separated by commas."),
                 "image/jp2=image/jpeg:q90:4000"));
    t.append(row("targets/key_template", Type::Text, "",
                 QT_TRANSLATE_NOOP("gh::SettingsTable",
                                   "S3 keys and paths in local targets; empty: the file's store key."),
                 "{batch}/{item}/{filename}"));
    t.append(integer("targets/jobs", 1, 64, "4",
                     QT_TRANSLATE_NOOP("gh::SettingsTable", "Uploads at once to S3 and local targets."),
                     "2"));
    return t;
}

QString canonicalBoolean(const QString &text, bool *ok)
{
    const QString t = text.trimmed().toLower();
    *ok = true;
    if (t == u"true" || t == u"yes" || t == u"on" || t == u"1")
        return QStringLiteral("true");
    if (t == u"false" || t == u"no" || t == u"off" || t == u"0")
        return QStringLiteral("false");
    *ok = false;
    return {};
}

// QSettings hands back an unquoted "a, b" in an INI file as a list, and the GUI of earlier versions stored
// JSON objects as variants: both become the text a curator would have written.
QString rawText(const QVariant &value)
{
    if (value.metaType() == QMetaType::fromType<QStringList>())
        return value.toStringList().join(QStringLiteral(", "));
    if (value.metaType() == QMetaType::fromType<QJsonObject>())
        return QString::fromUtf8(QJsonDocument(value.toJsonObject()).toJson(QJsonDocument::Compact));
    return value.toString();
}

} // namespace

const QList<SettingDefinition> &SettingsTable::all()
{
    static const QList<SettingDefinition> table = makeTable();
    return table;
}

const SettingDefinition *SettingsTable::find(QStringView key)
{
    for (const SettingDefinition &d : all()) {
        if (d.key == key)
            return &d;
    }
    return nullptr;
}

QString SettingsTable::meaning(const SettingDefinition &definition)
{
    return tr(definition.meaning);
}

QString SettingsTable::typeName(SettingType type)
{
    switch (type) {
    case SettingType::Integer:
        return QStringLiteral("integer");
    case SettingType::Size:
        return QStringLiteral("size");
    case SettingType::Boolean:
        return QStringLiteral("boolean");
    case SettingType::Text:
        return QStringLiteral("text");
    case SettingType::Path:
        return QStringLiteral("path");
    case SettingType::List:
        return QStringLiteral("list");
    case SettingType::Choice:
        return QStringLiteral("choice");
    case SettingType::Json:
        return QStringLiteral("json");
    case SettingType::Fraction:
        return QStringLiteral("fraction");
    }
    Q_UNREACHABLE();
}

QString SettingsTable::formatSize(qint64 bytes)
{
    if (bytes <= 0)
        return QStringLiteral("0");
    for (const auto &[unit, factor] : {std::pair{u'T', qint64(1) << 40}, std::pair{u'G', qint64(1) << 30},
                                       std::pair{u'M', qint64(1) << 20}, std::pair{u'K', qint64(1) << 10}}) {
        if (bytes % factor == 0)
            return QString::number(bytes / factor) + QChar(unit);
    }
    return QString::number(bytes);
}

Result<qint64> SettingsTable::parseSize(const QString &text)
{
    // Bytes, or with a binary unit: 500M, 2G, 64KiB, "1 GB".
    static const QRegularExpression shape(QStringLiteral("^\\s*(\\d{1,15})\\s*([kmgt]?)(i?b)?\\s*$"),
                                          QRegularExpression::CaseInsensitiveOption);
    const auto m = shape.match(text);
    if (!m.hasMatch() || (m.captured(2).isEmpty() && !m.captured(3).isEmpty() &&
                          m.captured(3).compare(u"b", Qt::CaseInsensitive) != 0))
        return Error{
            ErrorCode::Usage,
            tr("\"%1\" is not a size; give bytes, or a number with K, M, G or T (500M, 2G).").arg(text)};
    qint64 value = m.captured(1).toLongLong();
    const QString unit = m.captured(2).toLower();
    int shift = 0;
    if (unit == u"k")
        shift = 10;
    else if (unit == u"m")
        shift = 20;
    else if (unit == u"g")
        shift = 30;
    else if (unit == u"t")
        shift = 40;
    if (shift > 0 && value > (std::numeric_limits<qint64>::max() >> shift))
        return Error{ErrorCode::Usage, tr("\"%1\" is too large a size.").arg(text)};
    return value << shift;
}

Result<QString> SettingsTable::normalise(const SettingDefinition &d, const QString &text)
{
    const QString t = text.trimmed();
    switch (d.type) {
    case SettingType::Integer: {
        bool ok = false;
        const qint64 value = t.toLongLong(&ok);
        if (!ok || value < d.minimum || value > d.maximum) {
            const QString range = d.maximum == s_noMaximum
                                      ? tr("a whole number of at least %1").arg(d.minimum)
                                      : tr("a whole number from %1 to %2").arg(d.minimum).arg(d.maximum);
            return Error{ErrorCode::Invalid, tr("%1 must be %2, not \"%3\".").arg(d.key, range, t)};
        }
        return QString::number(value);
    }
    case SettingType::Size: {
        if (t.isEmpty())
            return QStringLiteral("0");
        auto bytes = parseSize(t);
        if (!bytes)
            return Error{ErrorCode::Invalid, tr("%1: %2").arg(d.key, bytes.error().message)};
        return formatSize(*bytes);
    }
    case SettingType::Boolean: {
        bool ok = false;
        const QString value = canonicalBoolean(t, &ok);
        if (!ok)
            return Error{ErrorCode::Invalid, tr("%1 must be true or false, not \"%2\".").arg(d.key, t)};
        return value;
    }
    case SettingType::Text:
    case SettingType::Path:
        return t;
    case SettingType::List: {
        QStringList items;
        for (const QString &item : t.split(u',', Qt::SkipEmptyParts)) {
            if (!item.trimmed().isEmpty())
                items.append(item.trimmed());
        }
        return items.join(QStringLiteral(", "));
    }
    case SettingType::Choice: {
        bool numeric = false;
        const double number = t.toDouble(&numeric);
        for (const QString &c : d.choices) {
            bool choiceNumeric = false;
            const double choiceNumber = c.toDouble(&choiceNumeric);
            if (c.compare(t, Qt::CaseInsensitive) == 0 ||
                (numeric && choiceNumeric && number == choiceNumber))
                return c;
        }
        return Error{
            ErrorCode::Invalid,
            tr("%1 must be one of %2, not \"%3\".").arg(d.key, d.choices.join(QStringLiteral(", ")), t)};
    }
    case SettingType::Json: {
        if (t.isEmpty())
            return QStringLiteral("{}");
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(t.toUtf8(), &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject())
            return Error{
                ErrorCode::Invalid,
                tr("%1 must be a JSON object such as {\"column\": \"role\"}, not \"%2\".").arg(d.key, t)};
        return QString::fromUtf8(doc.toJson(QJsonDocument::Compact));
    }
    case SettingType::Fraction: {
        // Written with a point whatever the locale, in the shortest form that reads back the same.
        bool ok = false;
        const double value = t.toDouble(&ok);
        if (!ok || !(value >= 0 && value <= 1))
            return Error{ErrorCode::Invalid,
                         tr("%1 must be a number from 0 to 1, not \"%2\".").arg(d.key, t)};
        return QString::number(value, 'g', QLocale::FloatingPointShortest);
    }
    }
    Q_UNREACHABLE();
}

QString SettingsTable::markdown()
{
    auto cell = [](QString text) {
        text.replace(u'|', QStringLiteral("\\|"));
        return text;
    };
    QString md = QStringLiteral("| key | type | default | meaning |\n|---|---|---|---|\n");
    for (const SettingDefinition &d : all()) {
        QString type = typeName(d.type);
        if (d.type == SettingType::Integer)
            type += d.maximum == s_noMaximum ? QStringLiteral(" ≥ %1").arg(d.minimum)
                                             : QStringLiteral(" %1–%2").arg(d.minimum).arg(d.maximum);
        else if (d.type == SettingType::Choice)
            type += u": " + d.choices.join(QStringLiteral(", "));
        QString meaning = QString::fromUtf8(d.meaning);
        if (!d.aliases.isEmpty())
            meaning +=
                u' ' +
                QStringLiteral("(Read from %1 when absent.)").arg(d.aliases.join(QStringLiteral(", ")));
        md += QStringLiteral("| `%1` | %2 | %3 | %4 |\n")
                  .arg(d.key, cell(type),
                       d.defaultValue.isEmpty() ? QStringLiteral("—") : u'`' + cell(d.defaultValue) + u'`',
                       cell(meaning));
    }
    return md;
}

// Settings

Result<Settings> Settings::read(QSettings &source, const QString &where, const Settings &base, Mode mode,
                                QStringList *warnings)
{
    Settings result = base;
    QSet<QString> sections;
    QSet<QString> known;
    for (const SettingDefinition &d : SettingsTable::all()) {
        sections.insert(d.section());
        known.insert(d.key);
        for (const QString &alias : d.aliases)
            known.insert(alias);
        QString key = d.key;
        if (!source.contains(key)) {
            const auto alias = std::find_if(d.aliases.cbegin(), d.aliases.cend(),
                                            [&](const QString &a) { return source.contains(a); });
            if (alias == d.aliases.cend())
                continue;
            key = *alias;
        }
        const QString text = rawText(source.value(key));
        if (Status s = result.setText(d.key, text); !s) {
            const QString message = tr("%1: %2").arg(where, s.error().message);
            if (mode == Mode::Strict)
                return Error{ErrorCode::Invalid, message};
            if (warnings)
                warnings->append(message);
        }
    }
    if (warnings) {
        for (const QString &key : source.allKeys()) {
            if (sections.contains(key.section(u'/', 0, 0)) && !known.contains(key))
                warnings->append(
                    tr("%1: %2 is not a setting Gatehouse knows; it is ignored.").arg(where, key));
        }
    }
    return result;
}

void Settings::write(QSettings &target) const
{
    for (const SettingDefinition &d : SettingsTable::all()) {
        for (const QString &alias : d.aliases)
            target.remove(alias);
        if (isDefault(d.key))
            target.remove(d.key);
        else
            target.setValue(d.key, m_values.value(d.key));
    }
}

QString Settings::text(const QString &key) const
{
    const SettingDefinition *d = SettingsTable::find(key);
    Q_ASSERT_X(d, "Settings::text", qPrintable(key));
    return m_values.value(key, d ? d->defaultValue : QString());
}

Status Settings::setText(const QString &key, const QString &text)
{
    const SettingDefinition *d = SettingsTable::find(key);
    if (!d)
        return Error{ErrorCode::Usage, tr("%1 is not a setting Gatehouse knows.").arg(key)};
    auto canonical = SettingsTable::normalise(*d, text);
    if (!canonical)
        return canonical.error();
    if (*canonical == d->defaultValue)
        m_values.remove(key);
    else
        m_values.insert(key, *canonical);
    return {};
}

void Settings::reset(const QString &key)
{
    m_values.remove(key);
}

qint64 Settings::integer(const QString &key) const
{
    return text(key).toLongLong();
}

qint64 Settings::sizeLimit(const QString &key) const
{
    const auto bytes = SettingsTable::parseSize(text(key));
    return bytes && *bytes > 0 ? *bytes : -1;
}

bool Settings::boolean(const QString &key) const
{
    return text(key) == u"true";
}

QStringList Settings::list(const QString &key) const
{
    const QString t = text(key);
    return t.isEmpty() ? QStringList() : t.split(QStringLiteral(", "));
}

QJsonObject Settings::json(const QString &key) const
{
    return QJsonDocument::fromJson(text(key).toUtf8()).object();
}

} // namespace gh
