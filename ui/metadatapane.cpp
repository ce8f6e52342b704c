#include "metadatapane.h"

#include <algorithm>
#include <cmath>

#include <QDesktopServices>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QJsonDocument>
#include <QLabel>
#include <QLocale>
#include <QPainter>
#include <QRegularExpression>
#include <QScrollBar>
#include <QSet>
#include <QSplitter>
#include <QStackedWidget>
#include <QTextBrowser>
#include <QTextDocument>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include "enginecontroller.h"
#include "imaging/imageanalysis.h"

namespace gh {

namespace {

// Semantic colours, legible on light and dark palettes alike; each mark also carries words.
constexpr QStringView s_good = u"#27ae60";
constexpr QStringView s_bad = u"#c0392b";
constexpr QStringView s_warn = u"#d68910";
constexpr QStringView s_muted = u"#8a8a8a";
constexpr int s_indentPx = 14;

QString esc(const QString &text)
{
    return text.toHtmlEscaped();
}

//! \a text escaped, with every http(s)/ftp URL in it made a link.
QString linkified(const QString &text)
{
    static const QRegularExpression url(QStringLiteral(R"((?:https?|ftp)://[^\s<>"']+)"),
                                        QRegularExpression::CaseInsensitiveOption);
    QString html;
    qsizetype at = 0;
    for (auto it = url.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        QString link = m.captured();
        // Sentence punctuation after a URL is not part of it.
        while (!link.isEmpty() && QStringView(u".,;:!?)]}").contains(link.back()))
            link.chop(1);
        html += esc(text.mid(at, m.capturedStart() - at));
        html += u"<a href=\"" + esc(link) + u"\">" + esc(link) + u"</a>";
        at = m.capturedStart() + link.size();
    }
    html += esc(text.mid(at));
    // Line breaks in long values (abstracts, notes) are the author's; keep them.
    return html.replace(u'\n', QStringLiteral("<br>"));
}

QString mark(QStringView colour, const QString &symbol, const QString &words)
{
    return u"<span style=\"color:" + colour.toString() + u"; font-weight:bold\">" + symbol + u' ' +
           esc(words) + u"</span>";
}

QString row(const QString &label, const QString &valueHtml, int depth = 0)
{
    QString html = u"<tr><td valign=top style=\"padding-left:" + QString::number(depth * s_indentPx) +
                   u"px; padding-right:8px\"><b>" + esc(label) + u"</b></td><td valign=top>" + valueHtml +
                   u"</td></tr>";
    return html;
}

QString textRow(const QString &label, const QString &value, int depth = 0)
{
    return value.isEmpty() ? QString() : row(label, linkified(value), depth);
}

QString tableStart()
{
    return QStringLiteral("<table cellspacing=2 cellpadding=1 width=\"100%\">");
}

// --- descriptive ---

//! A IIIF language tag (BCP 47) or IIIF's "none".
bool isLanguageTag(const QString &key)
{
    static const QRegularExpression tag(QStringLiteral(R"(^(?:[a-z]{2,3}(?:-[A-Za-z0-9]{1,8})*|@?none)$)"));
    return tag.match(key).hasMatch();
}

/*!
    A raw IIIF language map: {"en": ["…"], "fr": ["…"]}. Its values are always arrays of strings, which tells
    it apart from a small object whose keys merely look like language tags ({"url": "…"}).
*/
bool isLanguageMap(const QJsonObject &object)
{
    if (object.isEmpty())
        return false;
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        if (!isLanguageTag(it.key()) || !it.value().isArray())
            return false;
        for (const QJsonValue &v : it.value().toArray()) {
            if (!v.isString())
                return false;
        }
    }
    return true;
}

QString languageName(const QString &tag)
{
    if (tag == u"none" || tag == u"@none")
        return MetadataPane::tr("no language");
    return tag;
}

QString scalarText(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::String:
        return value.toString();
    case QJsonValue::Double: {
        const double d = value.toDouble();
        return d == double(qint64(d)) ? QLocale::c().toString(qint64(d)) : QLocale::c().toString(d);
    }
    case QJsonValue::Bool:
        return value.toBool() ? MetadataPane::tr("yes") : MetadataPane::tr("no");
    case QJsonValue::Null:
        return MetadataPane::tr("(none)");
    default:
        return {};
    }
}

//! Each variant on its own line with its language, the way a reader of several languages wants them.
QString languageVariants(const QJsonObject &map)
{
    QString html;
    for (auto it = map.constBegin(); it != map.constEnd(); ++it) {
        QStringList texts;
        if (it.value().isArray()) {
            for (const QJsonValue &v : it.value().toArray())
                texts.append(v.toString());
        } else {
            texts.append(it.value().toString());
        }
        for (const QString &text : std::as_const(texts)) {
            if (!html.isEmpty())
                html += QStringLiteral("<br>");
            html += linkified(text) + u" <span style=\"color:" + s_muted.toString() + u"\">[" +
                    esc(languageName(it.key())) + u"]</span>";
        }
    }
    return html;
}

//! Value HTML with the language variants, if any, under the main text.
QString withVariants(const QString &mainText, const QJsonObject &variants)
{
    if (variants.isEmpty())
        return linkified(mainText);
    QString html = linkified(mainText);
    html += u"<br><small>" + MetadataPane::tr("In other languages:").toHtmlEscaped() + u"</small><br>" +
            languageVariants(variants);
    return html;
}

QString keyLabel(const QString &key)
{
    static const QHash<QString, const char *> known{
        {QStringLiteral("iiif_version"), QT_TRANSLATE_NOOP("gh::MetadataPane", "IIIF version")},
        {QStringLiteral("manifest"), QT_TRANSLATE_NOOP("gh::MetadataPane", "IIIF manifest")},
        {QStringLiteral("metadata_format"), QT_TRANSLATE_NOOP("gh::MetadataPane", "Metadata format")},
        {QStringLiteral("required_statement"), QT_TRANSLATE_NOOP("gh::MetadataPane", "Required statement")},
        {QStringLiteral("nav_date"), QT_TRANSLATE_NOOP("gh::MetadataPane", "Navigation date")},
        {QStringLiteral("bag-info"), QT_TRANSLATE_NOOP("gh::MetadataPane", "Bag info")},
        {QStringLiteral("request"), QT_TRANSLATE_NOOP("gh::MetadataPane", "Ingest request")},
        {QStringLiteral("url"), QT_TRANSLATE_NOOP("gh::MetadataPane", "URL")},
        {QStringLiteral("metadata"), QT_TRANSLATE_NOOP("gh::MetadataPane", "Metadata")},
        {QStringLiteral("mets_structure"), QT_TRANSLATE_NOOP("gh::MetadataPane", "METS structure")},
        {QStringLiteral("batch_id"), QT_TRANSLATE_NOOP("gh::MetadataPane", "Batch")},
        {QStringLiteral("film_id"), QT_TRANSLATE_NOOP("gh::MetadataPane", "Film")},
        {QStringLiteral("newspaper_id"), QT_TRANSLATE_NOOP("gh::MetadataPane", "Newspaper")},
        {QStringLiteral("line"), QT_TRANSLATE_NOOP("gh::MetadataPane", "Line in the source")},
    };
    if (const auto found = known.constFind(key); found != known.cend())
        return MetadataPane::tr(*found);
    // Gatehouse's own keys are snake_case; spreadsheet columns and bag-info labels are shown as written.
    static const QRegularExpression snake(QStringLiteral("^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$"));
    if (!snake.match(key).hasMatch())
        return key;
    QString label = key;
    label.replace(u'_', u' ');
    label[0] = label[0].toUpper();
    return label;
}

void renderValue(QString &html, const QString &label, const QJsonValue &value, const QJsonObject &variants,
                 int depth);

//! The members of \a object in a reading order: the usual descriptive fields first, then the rest.
QStringList orderedKeys(const QJsonObject &object)
{
    static const QStringList first{
        QStringLiteral("title"),     QStringLiteral("subtitle"),           QStringLiteral("label"),
        QStringLiteral("summary"),   QStringLiteral("description"),        QStringLiteral("creators"),
        QStringLiteral("date"),      QStringLiteral("date_issued"),        QStringLiteral("date_created"),
        QStringLiteral("publisher"), QStringLiteral("identifier"),         QStringLiteral("identifiers"),
        QStringLiteral("rights"),    QStringLiteral("required_statement"), QStringLiteral("metadata")};
    static const QStringList last{QStringLiteral("metadata_format"), QStringLiteral("iiif_version"),
                                  QStringLiteral("line")};
    QStringList keys;
    for (const QString &k : first) {
        if (object.contains(k))
            keys.append(k);
    }
    for (const QString &k : object.keys()) {
        if (!first.contains(k) && !last.contains(k))
            keys.append(k);
    }
    for (const QString &k : last) {
        if (object.contains(k))
            keys.append(k);
    }
    return keys;
}

void renderObject(QString &html, const QJsonObject &object, int depth, const QSet<QString> &skip = {})
{
    for (const QString &key : orderedKeys(object)) {
        if (skip.contains(key))
            continue;
        // "label_languages" holds the language variants of "label": shown with it, or alone without it.
        if (key.endsWith(u"_languages") && object.value(key).isObject()) {
            const QString base = key.chopped(QStringView(u"_languages").size());
            if (!object.contains(base))
                html += row(keyLabel(base), languageVariants(object.value(key).toObject()), depth);
            continue;
        }
        const QJsonObject variants = object.value(key + u"_languages").toObject();
        renderValue(html, keyLabel(key), object.value(key), variants, depth);
    }
}

//! IIIF "metadata": [{label, value, value_languages}] pairs read as label: value.
bool isLabelValueList(const QJsonArray &array)
{
    if (array.isEmpty())
        return false;
    for (const QJsonValue &v : array) {
        const QJsonObject o = v.toObject();
        if (!v.isObject() || !o.contains(u"label") || !o.contains(u"value"))
            return false;
    }
    return true;
}

void renderValue(QString &html, const QString &label, const QJsonValue &value, const QJsonObject &variants,
                 int depth)
{
    switch (value.type()) {
    case QJsonValue::Object: {
        const QJsonObject object = value.toObject();
        if (isLanguageMap(object)) {
            html += row(label, languageVariants(object), depth);
            return;
        }
        // {label, value} on its own (a IIIF required statement) reads as one line.
        if (object.size() <= 3 && object.value(u"label").isString() && object.contains(u"value") &&
            !object.value(u"value").isObject() && !object.value(u"value").isArray()) {
            html += row(label,
                        u"<i>" + esc(object.value(u"label").toString()) + u":</i> " +
                            withVariants(scalarText(object.value(u"value")),
                                         object.value(u"value_languages").toObject()),
                        depth);
            return;
        }
        html += row(label, QString(), depth);
        renderObject(html, object, depth + 1);
        return;
    }
    case QJsonValue::Array: {
        const QJsonArray array = value.toArray();
        if (array.isEmpty())
            return;
        if (isLabelValueList(array)) {
            html += row(label, QString(), depth);
            for (const QJsonValue &v : array) {
                const QJsonObject pair = v.toObject();
                const QString pairLabel = scalarText(pair.value(u"label"));
                const QJsonValue pairValue = pair.value(u"value");
                renderValue(html, pairLabel.isEmpty() ? MetadataPane::tr("(no label)") : pairLabel, pairValue,
                            pair.value(u"value_languages").toObject(), depth + 1);
            }
            return;
        }
        bool scalars = true;
        for (const QJsonValue &v : array)
            scalars = scalars && !v.isObject() && !v.isArray();
        if (scalars) {
            QString list;
            for (const QJsonValue &v : array) {
                if (!list.isEmpty())
                    list += QStringLiteral("<br>");
                list += linkified(scalarText(v));
            }
            html += row(label, list, depth);
            return;
        }
        html += row(label, QString(), depth);
        int n = 0;
        for (const QJsonValue &v : array)
            renderValue(html, QString::number(++n), v, {}, depth + 1);
        return;
    }
    case QJsonValue::Undefined:
        return;
    default: {
        const QString text = scalarText(value);
        if (!text.isEmpty())
            html += row(label, withVariants(text, variants), depth);
    }
    }
}

QString descriptiveHtml(const FileRecord &file, const ItemRecord &item)
{
    const QJsonObject &metadata = item.metadata;
    const QString label = item.label.isEmpty() ? metadata.value(u"title").toString() : item.label;
    QString html;
    if (!label.isEmpty())
        html += u"<h3>" + esc(label) + u"</h3>";
    html += tableStart();
    const QString identifier = item.identifier.isEmpty() ? file.item : item.identifier;
    html += textRow(MetadataPane::tr("Identifier"), identifier);
    // The item's label, with the language variants a IIIF manifest gave for it.
    QSet<QString> shown;
    if (!item.label.isEmpty()) {
        html += row(MetadataPane::tr("Label"),
                    withVariants(item.label, metadata.value(u"label_languages").toObject()));
        if (metadata.value(u"label").toString() == item.label)
            shown << QStringLiteral("label") << QStringLiteral("label_languages");
    }
    if (metadata.value(u"identifier").toString() == identifier)
        shown << QStringLiteral("identifier");
    renderObject(html, metadata, 0, shown);
    html += u"</table>";
    if (metadata.isEmpty())
        html += u"<p><i>" + esc(MetadataPane::tr("The source gave no descriptive metadata for this item.")) +
                u"</i></p>";
    return html;
}

// --- technical ---

QString sizeText(qint64 bytes)
{
    const QLocale locale;
    return MetadataPane::tr("%1 (%2 bytes)").arg(locale.formattedDataSize(bytes), locale.toString(bytes));
}

QString monospace(const QString &text)
{
    return u"<code>" + esc(text) + u"</code>";
}

QString checksumRow(const QString &algorithm, const QString &declared, const QString &computed)
{
    if (declared.isEmpty())
        return {};
    QString verdict;
    if (computed.isEmpty())
        verdict = u"<i>" + esc(MetadataPane::tr("not computed yet")) + u"</i>";
    else if (declared.compare(computed, Qt::CaseInsensitive) == 0)
        verdict = mark(s_good, QStringLiteral("✓"), MetadataPane::tr("matches"));
    else
        verdict = mark(s_bad, QStringLiteral("✗"),
                       MetadataPane::tr("differs from the computed %1: %2").arg(algorithm, computed));
    return row(algorithm, monospace(declared) + u"<br>" + verdict, 1);
}

QString hopsHtml(const QJsonArray &hops)
{
    QString html;
    int n = 0;
    for (const QJsonValue &value : hops) {
        const QJsonObject hop = value.toObject();
        const int status = hop.value(u"status").toInt();
        const QString url = hop.value(u"url").toString();
        const QString location = hop.value(u"location").toString();
        const QString at = hop.value(u"at").toString();
        if (!html.isEmpty())
            html += QStringLiteral("<br>");
        html += QString::number(++n) + u". ";
        if (status > 0)
            html += u"<b>" + QString::number(status) + u"</b> ";
        html += linkified(url);
        if (!location.isEmpty())
            html += u" → " + linkified(location);
        if (!at.isEmpty()) {
            const QDateTime when = QDateTime::fromString(at, Qt::ISODateWithMs);
            html += u" <span style=\"color:" + s_muted.toString() + u"\">(" +
                    esc(when.isValid() ? QLocale().toString(when.toLocalTime(), QLocale::ShortFormat) : at) +
                    u")</span>";
        }
    }
    return html;
}

//! Local time with seconds: events of one run are seconds apart.
QString timeText(const QDateTime &at)
{
    if (!at.isValid())
        return MetadataPane::tr("unknown time");
    const QLocale locale;
    const QDateTime local = at.toLocalTime();
    QString timeFormat = locale.timeFormat(QLocale::ShortFormat);
    if (!timeFormat.contains(u's'))
        timeFormat.replace(QStringLiteral("mm"), QStringLiteral("mm:ss"));
    return locale.toString(local.date(), QLocale::ShortFormat) + u' ' +
           locale.toString(local.time(), timeFormat);
}

QString technicalHtml(const FileRecord &f, const QString &dimensionsHtml)
{
    const QLocale locale;
    QString html = u"<h3>" + esc(f.name) + u"</h3>" + tableStart();

    const Severity severity = StatusInfo::severity(f.status);
    // The status once, in words; its key ("status:…" in the filter) is in the filter bar.
    QString status = esc(StatusInfo::displayName(f.status));
    if (severity == Severity::Error)
        status =
            u"<span style=\"color:" + s_bad.toString() + u"; font-weight:bold\">✗ " + status + u"</span>";
    else if (severity == Severity::Ok)
        status = u"<span style=\"color:" + s_good.toString() + u"\">✓</span> " + status;
    html += row(MetadataPane::tr("Status"), status);
    if (!f.error.isEmpty())
        html += row(MetadataPane::tr("Problem"),
                    u"<span style=\"color:" + s_bad.toString() + u"\">" + linkified(f.error) + u"</span>");
    if (f.attempts > 1)
        html += textRow(MetadataPane::tr("Attempts"), locale.toString(f.attempts));
    if (f.processedAt.isValid())
        html += textRow(MetadataPane::tr("Processed"), timeText(f.processedAt));

    // What it is.
    if (f.size >= 0) {
        QString size = esc(sizeText(f.size));
        if (f.declaredSize >= 0 && f.declaredSize != f.size)
            size += u"<br>" + mark(s_bad, QStringLiteral("✗"),
                                   MetadataPane::tr("the source declared %1").arg(sizeText(f.declaredSize)));
        html += row(MetadataPane::tr("Size"), size);
    } else if (f.declaredSize >= 0) {
        html += row(MetadataPane::tr("Size (declared)"), esc(sizeText(f.declaredSize)));
    }
    if (!f.mimetype.isEmpty() || !f.declaredMimetype.isEmpty()) {
        QString type;
        if (!f.mimetype.isEmpty())
            type += monospace(f.mimetype) + u' ' + esc(MetadataPane::tr("(sniffed from the content)"));
        if (!f.declaredMimetype.isEmpty()) {
            if (!type.isEmpty())
                type += QStringLiteral("<br>");
            type += monospace(f.declaredMimetype) + u' ' + esc(MetadataPane::tr("(declared by the source)"));
        }
        if (!f.mimetype.isEmpty() && !f.declaredMimetype.isEmpty() &&
            f.mimetype.compare(f.declaredMimetype, Qt::CaseInsensitive) != 0)
            type += u"<br>" + mark(s_warn, QStringLiteral("⚠"),
                                   MetadataPane::tr("The declared type disagrees with the content."));
        html += row(MetadataPane::tr("Type"), type);
    }
    if (!dimensionsHtml.isEmpty())
        html += row(MetadataPane::tr("Dimensions"), dimensionsHtml);

    // Digests and what the source declared.
    const Digests &d = f.digests;
    if (!d.isEmpty() || !d.sha512.isEmpty()) {
        html += row(MetadataPane::tr("Digests"), QString());
        if (!d.md5.isEmpty())
            html += row(QStringLiteral("MD5"), monospace(d.md5), 1);
        if (!d.sha1.isEmpty())
            html += row(QStringLiteral("SHA-1"), monospace(d.sha1), 1);
        if (!d.sha256.isEmpty())
            html += row(QStringLiteral("SHA-256"), monospace(d.sha256), 1);
        if (!d.sha512.isEmpty())
            html += row(QStringLiteral("SHA-512"), monospace(d.sha512), 1);
    }
    if (!f.declared.isEmpty()) {
        const QString origin =
            f.declared.origin.isEmpty() ? MetadataPane::tr("the source") : f.declared.origin;
        html +=
            row(MetadataPane::tr("Declared checksums"), linkified(MetadataPane::tr("from %1").arg(origin)));
        html += checksumRow(QStringLiteral("MD5"), f.declared.md5, d.md5);
        html += checksumRow(QStringLiteral("SHA-1"), f.declared.sha1, d.sha1);
        html += checksumRow(QStringLiteral("SHA-256"), f.declared.sha256, d.sha256);
        html += checksumRow(QStringLiteral("SHA-512"), f.declared.sha512, d.sha512);
    }

    // Where it came from and went.
    html += textRow(MetadataPane::tr("Stored as"), f.storedKey);
    if (!f.sourcePath.isEmpty() || !f.sourceMember.isEmpty() || !f.sourceUrl.isEmpty()) {
        html += row(MetadataPane::tr("Source"), QString());
        html += textRow(MetadataPane::tr("Path"), f.sourcePath, 1);
        html += textRow(MetadataPane::tr("Archive member"), f.sourceMember, 1);
        html += textRow(MetadataPane::tr("URL"), f.sourceUrl, 1);
    }
    if (f.httpStatus > 0 || !f.etag.isEmpty() || !f.lastModified.isEmpty() || !f.terminalUrl.isEmpty() ||
        !f.hops.isEmpty()) {
        html += row(MetadataPane::tr("HTTP"), QString());
        if (f.httpStatus > 0)
            html += row(MetadataPane::tr("Status"), QString::number(f.httpStatus), 1);
        html += textRow(MetadataPane::tr("ETag"), f.etag, 1);
        html += textRow(MetadataPane::tr("Last-Modified"), f.lastModified, 1);
        html += textRow(MetadataPane::tr("Final URL"), f.terminalUrl, 1);
        if (!f.hops.isEmpty())
            html += row(MetadataPane::tr("Redirects (%1)").arg(f.hops.size()), hopsHtml(f.hops), 1);
    }
    html += u"</table>";
    return html;
}

// --- provenance ---

QString provenanceHtml(QList<EventRecord> events)
{
    if (events.isEmpty())
        return u"<p><i>" + esc(MetadataPane::tr("Nothing has happened to this file yet.")) + u"</i></p>";
    // Time order; events without a time last; the catalog's order breaks ties.
    std::stable_sort(events.begin(), events.end(), [](const EventRecord &a, const EventRecord &b) {
        if (a.at.isValid() != b.at.isValid())
            return a.at.isValid();
        if (a.at != b.at)
            return a.at < b.at;
        return a.id < b.id;
    });
    QString html = tableStart();
    for (const EventRecord &e : std::as_const(events)) {
        QString outcome;
        const bool failed = e.outcome.compare(u"failure", Qt::CaseInsensitive) == 0;
        if (failed)
            outcome = mark(s_bad, QStringLiteral("✗"), e.outcome);
        else if (e.outcome.compare(u"warning", Qt::CaseInsensitive) == 0)
            outcome = mark(s_warn, QStringLiteral("⚠"), e.outcome);
        else if (e.outcome.compare(u"success", Qt::CaseInsensitive) == 0)
            outcome = mark(s_good, QStringLiteral("✓"), e.outcome);
        else
            outcome = esc(e.outcome);
        const QString concerns = e.fileId > 0   ? MetadataPane::tr("file")
                                 : e.itemId > 0 ? MetadataPane::tr("item")
                                                : MetadataPane::tr("batch");
        QString type = u"<b>" + esc(e.type) + u"</b>";
        if (failed)
            type = u"<span style=\"color:" + s_bad.toString() + u"\">" + type + u"</span>";
        html += u"<tr><td valign=top style=\"padding-bottom:6px\">" + type + u" — " + outcome + u"<br>" +
                u"<span style=\"color:" + s_muted.toString() + u"\">" + esc(timeText(e.at)) + u" · " +
                esc(e.agent.isEmpty() ? MetadataPane::tr("unknown agent") : e.agent) + u" · " +
                esc(concerns) + u"</span>";
        if (!e.detail.isEmpty()) {
            html += u"<br>" + (failed ? u"<span style=\"color:" + s_bad.toString() + u"\">" +
                                            linkified(e.detail) + u"</span>"
                                      : linkified(e.detail));
        }
        html += u"</td></tr>";
    }
    html += u"</table>";
    return html;
}

} // namespace

MetadataPane::MetadataPane(QWidget *parent)
    : QWidget(parent)
    , m_stack(new QStackedWidget(this))
    , m_placeholder(new QLabel(this))
    , m_splitter(new QSplitter(Qt::Horizontal, this))
    , m_descriptive(new QTextBrowser(this))
    , m_technical(new QTextBrowser(this))
    , m_provenance(new QTextBrowser(this))
{
    setAccessibleName(tr("File metadata"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_stack);

    m_placeholder->setText(tr("Select a file to see its metadata."));
    m_placeholder->setAccessibleName(tr("No file selected"));
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setWordWrap(true);
    m_stack->addWidget(m_placeholder);

    m_descriptive->setObjectName(QStringLiteral("descriptiveMetadata"));
    m_descriptive->setAccessibleName(tr("Descriptive metadata"));
    m_technical->setObjectName(QStringLiteral("technicalMetadata"));
    m_technical->setAccessibleName(tr("Technical metadata"));
    m_provenance->setObjectName(QStringLiteral("provenance"));
    m_provenance->setAccessibleName(tr("Provenance"));
    m_splitter->addWidget(column(tr("&Descriptive"), m_descriptive));
    m_splitter->addWidget(column(tr("&Technical"), m_technical));
    m_splitter->addWidget(column(tr("Pro&venance"), m_provenance));
    m_splitter->setChildrenCollapsible(false);
    m_stack->addWidget(m_splitter);

    // A thread-safe default: a file copied from a plain local path can be read there.
    m_resolver = [](const FileRecord &f) {
        return f.sourceMember.isEmpty() && f.sourceUrl.isEmpty() ? f.sourcePath : QString();
    };
    clearDetails();
}

MetadataPane::MetadataPane(EngineController *controller, QWidget *parent)
    : MetadataPane(parent)
{
    m_controller = controller;
    connect(
        controller->engine(), &Engine::fileDetails, this,
        [this](const FileRecord &file, const ItemRecord &item, const QList<EventRecord> &events) {
            // Answers for other panes' or earlier requests are not ours to show.
            if (m_requested != 0 && file.id == m_requested)
                showFile(file, item, events);
        },
        Qt::QueuedConnection);
    connect(controller->engine(), &Engine::fileQa, this, &MetadataPane::showQa, Qt::QueuedConnection);
}

MetadataPane::~MetadataPane() = default;

namespace {

const QUrl s_histogramUrl(QStringLiteral("gatehouse-qa:histogram.png"));

//! The histogram of \a s as a small bar chart: darkest values left, bars scaled to the fullest bin.
QImage drawHistogram(const ImageStatistics &s, const QColor &ink, const QColor &paper)
{
    QImage image(256, 72, QImage::Format_RGB32);
    image.fill(paper);
    const quint32 most = *std::max_element(s.histogram.cbegin(), s.histogram.cend());
    if (most == 0)
        return image;
    QPainter painter(&image);
    for (int v = 0; v < 256; ++v) {
        // Square-root scale, so a small spike (a black border) still shows beside the paper's peak.
        const double share = std::sqrt(double(s.histogram[size_t(v)]) / double(most));
        const int bar = int(share * image.height() + 0.5);
        if (bar > 0)
            painter.fillRect(QRect(v, image.height() - bar, 1, bar), ink);
    }
    return image;
}

QString qaHtml(const QList<FindingRecord> &findings, const ImageStatistics &s, bool histogram)
{
    if (findings.isEmpty() && s.fileId == 0)
        return {};
    QString html = u"<h4>" + esc(MetadataPane::tr("Quality")) + u"</h4>" + tableStart();
    for (const FindingRecord &f : findings) {
        const QStringView colour = f.severity == FindingSeverity::Error     ? s_bad
                                   : f.severity == FindingSeverity::Warning ? s_warn
                                                                            : s_muted;
        const QString symbol =
            f.severity == FindingSeverity::Error ? QStringLiteral("✗") : QStringLiteral("⚑");
        html += row(f.check, mark(colour, symbol, severityText(f.severity)) + u"<br>" + linkified(f.message));
    }
    if (findings.isEmpty())
        html +=
            row(MetadataPane::tr("Findings"), mark(s_good, QStringLiteral("✓"), MetadataPane::tr("none")));
    if (s.fileId != 0) {
        const QLocale locale;
        if (!s.decoded()) {
            html += row(MetadataPane::tr("Image"), mark(s_bad, QStringLiteral("✗"), s.error));
        } else {
            if (histogram)
                html +=
                    row(MetadataPane::tr("Histogram"), u"<img src=\"" + s_histogramUrl.toString() + u"\">");
            html += textRow(
                MetadataPane::tr("Peak / mean"),
                MetadataPane::tr("%1 / %2 of 255").arg(s.peak()).arg(locale.toString(s.mean(), 'f', 0)));
            html += textRow(MetadataPane::tr("Sampled at"),
                            MetadataPane::tr("%1 × %2 pixels (%3 levels reduced)")
                                .arg(locale.toString(s.sampleWidth), locale.toString(s.sampleHeight))
                                .arg(s.reduction));
        }
    }
    return html + u"</table>";
}

} // namespace

void MetadataPane::showQa(qint64 fileId, const QList<FindingRecord> &findings,
                          const ImageStatistics &statistics)
{
    if (!m_hasFile || fileId != m_file.id)
        return;
    m_findings = findings;
    m_statistics = statistics;
    m_histogram =
        statistics.fileId != 0 && statistics.decoded()
            ? drawHistogram(statistics, palette().color(QPalette::Text), palette().color(QPalette::Base))
            : QImage();
    renderTechnical();
}

void MetadataPane::showFile(qint64 fileId)
{
    m_requested = fileId;
    if (fileId <= 0) {
        clearDetails();
        return;
    }
    if (m_controller)
        m_controller->loadFileDetails(fileId);
}

QWidget *MetadataPane::column(const QString &heading, QTextBrowser *view)
{
    auto *box = new QWidget(this);
    box->setAccessibleName(view->accessibleName());
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(2, 2, 2, 2);
    auto *title = new QLabel(heading, box);
    QFont bold = title->font();
    bold.setBold(true);
    title->setFont(bold);
    title->setBuddy(view);
    layout->addWidget(title);
    // Links open only when clicked, in the desktop's browser; the pane itself never navigates.
    view->setOpenLinks(false);
    view->setOpenExternalLinks(false);
    view->setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    view->setTextInteractionFlags(Qt::TextBrowserInteraction | Qt::TextSelectableByKeyboard);
    connect(view, &QTextBrowser::anchorClicked, this, &MetadataPane::openLink);
    layout->addWidget(view, 1);
    return box;
}

void MetadataPane::openLink(const QUrl &url)
{
    static const QStringList schemes{QStringLiteral("http"), QStringLiteral("https"), QStringLiteral("ftp")};
    if (schemes.contains(url.scheme(), Qt::CaseInsensitive))
        QDesktopServices::openUrl(url);
}

void MetadataPane::setLocalPathResolver(LocalPathResolver resolver)
{
    m_resolver = std::move(resolver);
}

void MetadataPane::clearDetails()
{
    ++m_generation;
    m_hasFile = false;
    m_file = {};
    m_findings.clear();
    m_statistics = {};
    m_histogram = {};
    m_sizeState = SizeState::None;
    m_imageSize = {};
    m_descriptive->clear();
    m_technical->clear();
    m_provenance->clear();
    m_stack->setCurrentWidget(m_placeholder);
}

void MetadataPane::showFile(const FileRecord &file, const ItemRecord &item, const QList<EventRecord> &events)
{
    ++m_generation;
    m_hasFile = true;
    m_file = file;
    m_imageSize = {};
    m_sizeError.clear();
    m_findings.clear();
    m_statistics = {};
    m_histogram = {};
    m_sizeState = looksLikeImage(file) ? SizeState::Reading : SizeState::None;
    m_descriptive->setHtml(descriptiveHtml(file, item));
    m_provenance->setHtml(provenanceHtml(events));
    renderTechnical();
    m_stack->setCurrentWidget(m_splitter);
    if (m_sizeState == SizeState::Reading)
        requestImageSize();
}

bool MetadataPane::looksLikeImage(const FileRecord &file)
{
    if (!file.mimetype.isEmpty())
        return file.mimetype.startsWith(u"image/");
    if (file.declaredMimetype.startsWith(u"image/"))
        return true;
    static const QStringList suffixes{QStringLiteral("png"), QStringLiteral("jpg"),  QStringLiteral("jpeg"),
                                      QStringLiteral("tif"), QStringLiteral("tiff"), QStringLiteral("jp2"),
                                      QStringLiteral("j2k"), QStringLiteral("gif"),  QStringLiteral("webp"),
                                      QStringLiteral("bmp")};
    return suffixes.contains(QFileInfo(file.name).suffix(), Qt::CaseInsensitive);
}

MetadataPane::ImageHeader MetadataPane::readImageHeader(const QString &path)
{
    if (path.isEmpty())
        return {{}, tr("no copy of the file on this machine")};
    // Headers only: a JPEG 2000 page's size comes from its codestream, nothing is decoded.
    auto size = ImageProbe::pixelSize(path);
    if (!size)
        return {{}, size.error().message};
    return {*size, {}};
}

void MetadataPane::requestImageSize()
{
    const quint64 generation = m_generation;
    const qint64 fileId = m_file.id;
    auto *watcher = new QFutureWatcher<ImageHeader>(this);
    connect(watcher, &QFutureWatcher<ImageHeader>::finished, this, [this, watcher, generation, fileId] {
        watcher->deleteLater();
        // The curator has moved on: this answer is for a file no longer shown.
        if (generation != m_generation)
            return;
        const ImageHeader header = watcher->result();
        m_imageSize = header.size;
        m_sizeError = header.error;
        m_sizeState = header.size.isValid() ? SizeState::Known : SizeState::Failed;
        renderTechnical();
        emit imageSizeRead(fileId, header.size);
    });
    // The resolver and the header read both run on the pool: neither may block the GUI thread.
    watcher->setFuture(QtConcurrent::run([resolver = m_resolver, file = m_file] {
        return readImageHeader(resolver ? resolver(file) : QString());
    }));
}

void MetadataPane::renderTechnical()
{
    QString dimensions;
    switch (m_sizeState) {
    case SizeState::None:
        break;
    case SizeState::Reading:
        dimensions = u"<i>" + esc(tr("reading…")) + u"</i>";
        break;
    case SizeState::Known:
        dimensions =
            esc(tr("%1 × %2 pixels")
                    .arg(QLocale().toString(m_imageSize.width()), QLocale().toString(m_imageSize.height())));
        break;
    case SizeState::Failed:
        dimensions = u"<i>" + esc(tr("unknown (%1)").arg(m_sizeError)) + u"</i>";
        break;
    }
    // Re-rendering when the size arrives must not move what the curator is reading.
    const int scroll = m_technical->verticalScrollBar()->value();
    // The histogram is a resource of the document; setHtml() starts a new one, so it is added after.
    const bool histogram = !m_histogram.isNull();
    m_technical->setHtml(technicalHtml(m_file, dimensions) + qaHtml(m_findings, m_statistics, histogram));
    if (histogram) {
        m_technical->document()->addResource(QTextDocument::ImageResource, s_histogramUrl, m_histogram);
        m_technical->document()->markContentsDirty(0, m_technical->document()->characterCount());
    }
    m_technical->verticalScrollBar()->setValue(scroll);
}

} // namespace gh
