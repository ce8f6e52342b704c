#include "xmlcatalog.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSet>
#include <QUrl>

#include "intake/xml/safexml.h"

namespace gh {

namespace {

const QString s_catalogNs = QStringLiteral("urn:oasis:names:tc:entity:xmlns:xml:catalog");
constexpr int s_maxDepth = 8;
constexpr qint64 s_maxCatalogBytes = 16 * 1024 * 1024;

// http://host/x and https://host/x name the same schema.
QString canonical(const QString &location)
{
    if (location.startsWith(u"https://", Qt::CaseInsensitive))
        return u"http://" + location.mid(8);
    return location;
}

bool isNetwork(const QUrl &url)
{
    const QString scheme = url.scheme().toLower();
    return !scheme.isEmpty() && scheme != u"file";
}

} // namespace

struct XmlCatalog::Data
{
    struct Entry
    {
        QString key;    //!< canonical() of the name or prefix.
        QString target; //!< An absolute local path, or for rewrites an absolute local prefix.
    };
    QString path;
    QList<Entry> exact;
    QList<Entry> rewrites;
    QList<Entry> suffixes;
    QStringList targets;
    QStringList warnings;

    Status read(const QString &file, int depth, QSet<QString> &seen);
    void readEntries(const XmlElement &parent, const QUrl &base, int depth, QSet<QString> &seen);
    //! \a reference resolved against \a base as a local path; empty (with a warning) when it is not local.
    QString localTarget(const QUrl &base, const QString &reference, bool prefix);
};

QString XmlCatalog::Data::localTarget(const QUrl &base, const QString &reference, bool prefix)
{
    const QUrl resolved = base.resolved(QUrl(reference));
    if (isNetwork(resolved) || !resolved.isLocalFile()) {
        warnings.append(tr("%1: the entry for %2 points at the network; it is ignored, schemas are only read "
                           "from this machine.")
                            .arg(QDir::toNativeSeparators(path), reference));
        return {};
    }
    QString local = QDir::cleanPath(resolved.toLocalFile());
    if (prefix && reference.endsWith(u'/') && !local.endsWith(u'/'))
        local += u'/';
    return local;
}

void XmlCatalog::Data::readEntries(const XmlElement &parent, const QUrl &parentBase, int depth,
                                   QSet<QString> &seen)
{
    for (const XmlElement &e : parent.children(s_catalogNs)) {
        QUrl base = parentBase;
        if (const QString b = e.attribute(xmlns::xml, QStringLiteral("base")); !b.isEmpty())
            base = parentBase.resolved(QUrl(b));
        const QString name = e.localName();
        auto add = [&](QList<Entry> &list, const QString &key, const QString &reference, bool prefix) {
            if (key.isEmpty() || reference.isEmpty())
                return;
            const QString target = localTarget(base, reference, prefix);
            if (target.isEmpty())
                return;
            list.append({canonical(key), target});
            if (!prefix && !targets.contains(target))
                targets.append(target);
        };
        if (name == u"uri")
            add(exact, e.attribute(QStringLiteral("name")), e.attribute(QStringLiteral("uri")), false);
        else if (name == u"system")
            add(exact, e.attribute(QStringLiteral("systemId")), e.attribute(QStringLiteral("uri")), false);
        else if (name == u"rewriteURI")
            add(rewrites, e.attribute(QStringLiteral("uriStartString")),
                e.attribute(QStringLiteral("rewritePrefix")), true);
        else if (name == u"rewriteSystem")
            add(rewrites, e.attribute(QStringLiteral("systemIdStartString")),
                e.attribute(QStringLiteral("rewritePrefix")), true);
        else if (name == u"uriSuffix")
            add(suffixes, e.attribute(QStringLiteral("uriSuffix")), e.attribute(QStringLiteral("uri")),
                false);
        else if (name == u"systemSuffix")
            add(suffixes, e.attribute(QStringLiteral("systemIdSuffix")), e.attribute(QStringLiteral("uri")),
                false);
        else if (name == u"group")
            readEntries(e, base, depth, seen);
        else if (name == u"nextCatalog") {
            const QString next = localTarget(base, e.attribute(QStringLiteral("catalog")), false);
            if (next.isEmpty())
                continue;
            if (Status s = read(next, depth + 1, seen); !s)
                warnings.append(s.error().message);
        }
    }
}

Status XmlCatalog::Data::read(const QString &file, int depth, QSet<QString> &seen)
{
    const QString absolute = QFileInfo(file).absoluteFilePath();
    if (seen.contains(absolute))
        return {};
    seen.insert(absolute);
    if (depth > s_maxDepth)
        return Error{ErrorCode::LimitExceeded,
                     tr("%1: catalogs chained more than %2 deep; the rest is ignored.")
                         .arg(QDir::toNativeSeparators(absolute))
                         .arg(s_maxDepth)};
    QFile f(absolute);
    if (!f.open(QIODevice::ReadOnly))
        return Error{f.exists() ? ErrorCode::Unreadable : ErrorCode::NotFound,
                     tr("Cannot read the XML catalog %1: %2")
                         .arg(QDir::toNativeSeparators(absolute), f.errorString())};
    QByteArray content = f.read(s_maxCatalogBytes + 1);
    if (content.size() > s_maxCatalogBytes)
        return Error{ErrorCode::LimitExceeded,
                     tr("The XML catalog %1 is larger than 16 MiB.").arg(QDir::toNativeSeparators(absolute))};
    // Catalogs commonly name the OASIS DTD in their DOCTYPE. The safe reader refuses any external DTD, and
    // nothing in it matters here, so a DOCTYPE without an internal subset is blanked out (keeping the lines,
    // so errors point at the right one).
    static const QRegularExpression doctype(QStringLiteral("<!DOCTYPE[^\\[>]*>"));
    QString text = QString::fromUtf8(content);
    if (const QRegularExpressionMatch m = doctype.match(text); m.hasMatch()) {
        QString blank = m.captured(0);
        for (QChar &c : blank) {
            if (c != u'\n')
                c = u' ';
        }
        text.replace(m.capturedStart(), m.capturedLength(), blank);
        content = text.toUtf8();
    }
    auto document = XmlDocument::parse(content, QDir::toNativeSeparators(absolute));
    if (!document)
        return document.error();
    const XmlElement root = document->root();
    if (!root.is(s_catalogNs, QStringLiteral("catalog")))
        return Error{ErrorCode::Invalid,
                     tr("%1 is not an OASIS XML catalog: its root element is not catalog in %2.")
                         .arg(QDir::toNativeSeparators(absolute), s_catalogNs)};
    QUrl base = QUrl::fromLocalFile(absolute);
    if (const QString b = root.attribute(xmlns::xml, QStringLiteral("base")); !b.isEmpty())
        base = base.resolved(QUrl(b));
    readEntries(root, base, depth, seen);
    return {};
}

XmlCatalog::XmlCatalog()
    : d(std::make_unique<Data>())
{}
XmlCatalog::~XmlCatalog() = default;
XmlCatalog::XmlCatalog(XmlCatalog &&) noexcept = default;
XmlCatalog &XmlCatalog::operator=(XmlCatalog &&) noexcept = default;

Result<XmlCatalog> XmlCatalog::load(const QString &path)
{
    XmlCatalog catalog;
    catalog.d->path = QFileInfo(path).absoluteFilePath();
    QSet<QString> seen;
    if (Status s = catalog.d->read(path, 0, seen); !s)
        return s.error();
    return catalog;
}

QString XmlCatalog::path() const
{
    return d->path;
}

QString XmlCatalog::resolve(const QString &location) const
{
    const QString key = canonical(location);
    for (const Data::Entry &e : d->exact) {
        if (e.key == key)
            return e.target;
    }
    const Data::Entry *best = nullptr;
    for (const Data::Entry &e : d->rewrites) {
        if (key.startsWith(e.key) && (!best || e.key.size() > best->key.size()))
            best = &e;
    }
    if (best)
        return QDir::cleanPath(best->target + key.mid(best->key.size()));
    for (const Data::Entry &e : d->suffixes) {
        if (key.endsWith(e.key) && (!best || e.key.size() > best->key.size()))
            best = &e;
    }
    return best ? best->target : QString();
}

QStringList XmlCatalog::targets() const
{
    return d->targets;
}

QStringList XmlCatalog::warnings() const
{
    return d->warnings;
}

} // namespace gh
