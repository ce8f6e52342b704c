#include "detailspane.h"

#include <QJsonDocument>
#include <QLocale>

namespace gh {

namespace {

QString row(const QString &label, const QString &value)
{
    if (value.isEmpty())
        return {};
    return u"<tr><th align=left valign=top>" + label.toHtmlEscaped() + u"</th><td>" + value.toHtmlEscaped() +
           u"</td></tr>";
}

} // namespace

DetailsPane::DetailsPane(QWidget *parent)
    : QTextBrowser(parent)
{
    setAccessibleName(tr("File details"));
    setOpenLinks(false);
    clearDetails();
}

void DetailsPane::clearDetails()
{
    setHtml(u"<p>" + tr("Select a file to see its details.").toHtmlEscaped() + u"</p>");
}

void DetailsPane::showFile(const FileRecord &f, const ItemRecord &item, const QList<EventRecord> &events)
{
    const QLocale locale;
    QString html = u"<h3>" + f.name.toHtmlEscaped() + u"</h3><table cellspacing=4>";
    html += row(tr("Item"), item.label.isEmpty() ? f.item : item.label + u" (" + f.item + u')');
    html += row(tr("Status"), StatusInfo::displayName(f.status) + u" (" + StatusInfo::key(f.status) + u')');
    html += row(tr("Problem"), f.error);
    html += row(tr("Source"), f.sourcePath.isEmpty() ? f.sourceUrl : f.sourcePath);
    html += row(tr("Size"), f.size >= 0 ? locale.formattedDataSize(f.size) + u" (" + locale.toString(f.size) +
                                              u' ' + tr("bytes") + u')'
                                        : QString());
    html += row(tr("Type (sniffed)"), f.mimetype);
    html += row(tr("Type (declared)"), f.declaredMimetype);
    html += row(tr("MD5"), f.digests.md5);
    html += row(tr("SHA-1"), f.digests.sha1);
    html += row(tr("SHA-256"), f.digests.sha256);
    if (!f.declared.isEmpty()) {
        QStringList declared;
        if (!f.declared.md5.isEmpty())
            declared << u"md5 " + f.declared.md5;
        if (!f.declared.sha1.isEmpty())
            declared << u"sha1 " + f.declared.sha1;
        if (!f.declared.sha256.isEmpty())
            declared << u"sha256 " + f.declared.sha256;
        if (!f.declared.sha512.isEmpty())
            declared << u"sha512 " + f.declared.sha512;
        html += row(tr("Declared"), declared.join(QStringLiteral("; ")) + u" — " + f.declared.origin);
    }
    html += row(tr("Stored as"), f.storedKey);
    if (f.httpStatus > 0)
        html += row(tr("HTTP status"), QString::number(f.httpStatus));
    html += row(tr("Final URL"), f.terminalUrl);
    for (auto it = item.metadata.constBegin(); it != item.metadata.constEnd(); ++it) {
        const QString value =
            it.value().isString()
                ? it.value().toString()
                : QString::fromUtf8(
                      QJsonDocument::fromVariant(it.value().toVariant()).toJson(QJsonDocument::Compact));
        html += row(it.key(), value);
    }
    html += u"</table>";
    if (!events.isEmpty()) {
        html += u"<h4>" + tr("Events").toHtmlEscaped() + u"</h4><table cellspacing=4>";
        for (const EventRecord &e : events) {
            html += u"<tr><td valign=top>" +
                    locale.toString(e.at.toLocalTime(), QLocale::ShortFormat).toHtmlEscaped() +
                    u"</td><td valign=top>" + e.type.toHtmlEscaped() + u"</td><td valign=top>" +
                    e.outcome.toHtmlEscaped() + u"</td><td>" + e.detail.toHtmlEscaped() + u"</td></tr>";
        }
        html += u"</table>";
    }
    setHtml(html);
}

} // namespace gh
