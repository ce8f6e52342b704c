#include "manifestfiles.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QUrl>

#include "intake/archive/archiveformat.h"
#include "intake/archive/archivepackage.h"
#include "intake/listingingester.h"

namespace gh {

namespace {

//! "http:", "urn:" … but not a Windows drive letter ("C:"), which is a path.
QString schemeOf(const QString &href)
{
    static const QRegularExpression scheme(QStringLiteral("^([A-Za-z][A-Za-z0-9+.-]+):"));
    const QRegularExpressionMatch m = scheme.match(href);
    return m.hasMatch() ? m.captured(1).toLower() : QString();
}

QString lastSegment(const QString &path)
{
    QString p = path;
    while (p.endsWith(u'/'))
        p.chop(1);
    return p.section(u'/', -1);
}

} // namespace

ManifestFiles ManifestFiles::inPackage(const Package &package, const QString &manifestPath,
                                       const IntakeOptions &options)
{
    ManifestFiles files;
    files.m_package = &package;
    files.m_options = options;
    files.m_manifestPath = manifestPath;
    files.m_manifestName = manifestPath;
    const qsizetype slash = manifestPath.lastIndexOf(u'/');
    files.m_baseDir = slash >= 0 ? manifestPath.left(slash) : QString();
    return files;
}

ManifestFiles ManifestFiles::besideDocument(const Document &document, const IntakeOptions &options)
{
    ManifestFiles files;
    files.m_options = options;
    const QFileInfo info(document.path);
    files.m_manifestPath = info.absoluteFilePath();
    files.m_manifestName = QDir::toNativeSeparators(info.absoluteFilePath());
    files.m_baseDir = info.absolutePath();
    files.m_canonicalDir = QFileInfo(info.absolutePath()).canonicalFilePath();
    files.m_baseUrl = document.originalUrl;
    return files;
}

QString ManifestFiles::resolve(const QString &rawHref, int line, FileDraft &file) const
{
    const QString href = rawHref.trimmed();
    const QString where = tr("%1 (line %2)").arg(m_manifestName).arg(line);
    if (href.isEmpty()) {
        file.name = tr("(no location)");
        file.status = FileStatus::Missing;
        file.error = tr("%1 lists a file without a location.").arg(where);
        return {};
    }

    const QString scheme = schemeOf(href);
    if (scheme == u"http" || scheme == u"https") {
        const QUrl url(href);
        file.sourceUrl = url.toString(QUrl::FullyEncoded);
        file.name = lastSegment(url.path());
        if (file.name.isEmpty())
            file.name = url.host();
        return {};
    }
    if (!scheme.isEmpty() && scheme != u"file") {
        file.name = lastSegment(href);
        file.status = FileStatus::Unsupported;
        file.error = tr("%1 lists %2, whose scheme %3 Gatehouse cannot fetch.").arg(where, href, scheme);
        return {};
    }
    if (scheme.isEmpty() && !m_baseUrl.isEmpty()) {
        const QUrl url = QUrl(m_baseUrl).resolved(QUrl(href));
        file.sourceUrl = url.toString(QUrl::FullyEncoded);
        file.name = lastSegment(url.path());
        return {};
    }

    // A local reference: file: URLs and plain paths (percent-encoded, as URIs are; backslashes from tools
    // that wrote Windows paths).
    QString path = scheme == u"file" ? QUrl(href).toLocalFile()
                                     : QUrl::fromPercentEncoding(href.toUtf8()).replace(u'\\', u'/');
    file.name = lastSegment(path);
    const bool absolute = path.startsWith(u'/') || QDir::isAbsolutePath(path);

    if (m_package) {
        if (absolute) {
            file.status = FileStatus::UnsafePath;
            file.error =
                tr("%1 lists the absolute path %2; files must be inside the package.").arg(where, path);
            return {};
        }
        const QString relative = QDir::cleanPath(m_baseDir.isEmpty() ? path : m_baseDir + u'/' + path);
        if (relative == u".." || relative.startsWith(u"../")) {
            file.status = FileStatus::UnsafePath;
            file.error = tr("%1 lists %2, which is outside the package.").arg(where, path);
            return {};
        }
        if (m_package->contains(relative)) {
            m_package->locate(relative, file);
            return relative;
        }
        for (const FileDraft &rejected : m_package->rejected()) {
            if (rejected.name == relative) {
                const QString name = file.name;
                file = rejected;
                file.name = name;
                return relative;
            }
        }
        const auto [archive, member] =
            splitArchivePath(relative, [this](const QString &p) { return m_package->contains(p); });
        if (!archive.isEmpty()) {
            locateInArchive(archive, member, where, file);
            return archive;
        }
        file.status = FileStatus::Missing;
        file.error = tr("%1 lists %2, which is not in the package.").arg(where, relative);
        return relative;
    }

    const QString absolutePath = QDir::cleanPath(absolute ? path : m_baseDir + u'/' + path);
    const QFileInfo info(absolutePath);
    const QString canonical = info.canonicalFilePath();
    const QString checked = canonical.isEmpty() ? absolutePath : canonical;
    const QString dir = m_canonicalDir.isEmpty() ? m_baseDir : m_canonicalDir;
    if (!checked.startsWith(dir + u'/')) {
        file.status = FileStatus::UnsafePath;
        file.error =
            tr("%1 lists %2, which is outside the manifest's folder %3; it was not read.")
                .arg(where, QDir::toNativeSeparators(absolutePath), QDir::toNativeSeparators(m_baseDir));
        return {};
    }
    if (!info.exists()) {
        const auto [archive, member] =
            splitArchivePath(absolutePath, [](const QString &p) { return QFileInfo(p).isFile(); });
        if (!archive.isEmpty()) {
            locateInArchive(archive, member, where, file);
            return {};
        }
    }
    file.sourcePath = absolutePath;
    if (!info.isFile()) {
        file.status = FileStatus::Missing;
        file.error =
            tr("%1 lists %2, which does not exist.").arg(where, QDir::toNativeSeparators(absolutePath));
        return {};
    }
    file.declaredSize = info.size();
    return {};
}

std::pair<QString, QString>
ManifestFiles::splitArchivePath(const QString &path, const std::function<bool(const QString &)> &exists)
{
    const qsizetype hash = path.indexOf(u'#');
    if (hash > 0) {
        const QString archive = path.left(hash);
        const QString member = QDir::cleanPath(path.mid(hash + 1));
        if (!member.isEmpty() && member != u"." && ArchiveFormats::fromFileName(archive) && exists(archive))
            return {archive, member};
        return {};
    }
    // The first folder of the path that is an archive file: "scans/images.zip/page1.tif".
    for (qsizetype slash = path.indexOf(u'/', 1); slash > 0; slash = path.indexOf(u'/', slash + 1)) {
        const QString archive = path.left(slash);
        if (ArchiveFormats::fromFileName(archive) && exists(archive))
            return {archive, path.mid(slash + 1)};
    }
    return {};
}

void ManifestFiles::locateInArchive(const QString &archivePath, const QString &member, const QString &where,
                                    FileDraft &file) const
{
    const QString shownArchive = m_package ? archivePath : QDir::toNativeSeparators(archivePath);
    auto &opened = (*m_archives)[archivePath];
    if (!opened) {
        if (m_package) {
            opened = std::make_shared<Result<std::unique_ptr<Package>>>(
                m_package->openArchive(archivePath, m_options));
        } else {
            auto archive = ArchivePackage::open(archivePath, m_options);
            opened = std::make_shared<Result<std::unique_ptr<Package>>>(
                archive ? Result<std::unique_ptr<Package>>(std::unique_ptr<Package>(std::move(*archive)))
                        : Result<std::unique_ptr<Package>>(archive.error()));
        }
    }
    file.name = lastSegment(member);
    if (!*opened) {
        const Error &error = opened->error();
        file.status =
            error.code == ErrorCode::LimitExceeded ? FileStatus::LimitExceeded : FileStatus::Unsupported;
        file.error = tr("%1 lists %2 inside the archive %3, which cannot be opened: %4")
                         .arg(where, member, shownArchive, error.message);
        return;
    }
    const Package &archive = ***opened;
    if (archive.contains(member)) {
        archive.locate(member, file);
        return;
    }
    for (const FileDraft &rejected : archive.rejected()) {
        if (rejected.name == member) {
            const QString name = file.name;
            file = rejected;
            file.name = name;
            return;
        }
    }
    file.status = FileStatus::Missing;
    file.error =
        tr("%1 lists %2 inside the archive %3, which does not hold it.").arg(where, member, shownArchive);
}

QList<FileDraft> ManifestFiles::unlisted(const QSet<QString> &referenced) const
{
    QList<FileDraft> files;
    if (!m_package)
        return files;
    for (const PackageEntry &entry : m_package->entries()) {
        if (entry.type != PackageEntry::Type::File || entry.path == m_manifestPath ||
            referenced.contains(entry.path) || ListingIngester::isLitter(entry.path))
            continue;
        FileDraft file;
        m_package->locate(entry.path, file);
        file.name = entry.path;
        files.append(file);
    }
    for (const FileDraft &rejected : m_package->rejected()) {
        if (!referenced.contains(rejected.name))
            files.append(rejected);
    }
    return files;
}

FileDraft ManifestFiles::manifestFile() const
{
    FileDraft file;
    if (m_package) {
        m_package->locate(m_manifestPath, file);
    } else if (!m_baseUrl.isEmpty()) {
        // A downloaded manifest is archived from its URL; intake's temporary copy is gone by then.
        file.sourceUrl = m_baseUrl;
        file.declaredSize = QFileInfo(m_manifestPath).size();
    } else {
        file.sourcePath = m_manifestPath;
        file.declaredSize = QFileInfo(m_manifestPath).size();
    }
    file.name = manifestFileName();
    return file;
}

QString ManifestFiles::manifestFileName() const
{
    return lastSegment(QDir::fromNativeSeparators(m_manifestPath));
}

Result<XmlDocument> readXmlDocument(const QString &path)
{
    QFile file(path);
    const QString name = QDir::toNativeSeparators(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{ErrorCode::Unreadable,
                     ManifestFiles::tr("Cannot read %1: %2").arg(name, file.errorString())};
    const XmlDocument::Limits limits;
    if (file.size() > limits.maxBytes) {
        return Error{ErrorCode::LimitExceeded,
                     ManifestFiles::tr("%1 is %2 bytes, more than the %3 bytes allowed for an XML manifest.")
                         .arg(name)
                         .arg(file.size())
                         .arg(limits.maxBytes)};
    }
    return XmlDocument::parse(file.readAll(), name, limits);
}

QString singleTopLevelFolder(const Package &package)
{
    QString top;
    for (const PackageEntry &entry : package.entries()) {
        if (ListingIngester::isLitter(entry.path))
            continue;
        const qsizetype slash = entry.path.indexOf(u'/');
        if (slash <= 0)
            return {};
        const QString first = entry.path.left(slash);
        if (top.isEmpty())
            top = first;
        else if (top != first)
            return {};
    }
    return top;
}

QString sanitizeFileName(const QString &name, int maxLength)
{
    QString result;
    result.reserve(name.size());
    bool lastWasSpace = false;
    for (const QChar c : name) {
        QChar out = c;
        if (c.category() == QChar::Other_Control || c == u'/' || c == u'\\' || c == u':' || c == u'*' ||
            c == u'?' || c == u'"' || c == u'<' || c == u'>' || c == u'|')
            out = u'_';
        const bool space = out.isSpace();
        if (space && lastWasSpace)
            continue;
        result.append(space ? QChar(u' ') : out);
        lastWasSpace = space;
    }
    auto trim = [](QString &s) {
        while (!s.isEmpty() && (s.front() == u'.' || s.front() == u' '))
            s.remove(0, 1);
        while (!s.isEmpty() && (s.back() == u'.' || s.back() == u' '))
            s.chop(1);
    };
    trim(result);
    if (result.size() > maxLength) {
        result.truncate(maxLength);
        trim(result);
    }
    return result;
}

QString uniqueFileName(const QString &name, QSet<QString> &taken)
{
    QString candidate = name;
    if (taken.contains(candidate)) {
        const qsizetype dot = name.lastIndexOf(u'.');
        const QString stem = dot > 0 ? name.left(dot) : name;
        const QString suffix = dot > 0 ? name.mid(dot) : QString();
        for (int n = 2; taken.contains(candidate); ++n)
            candidate = stem + u'-' + QString::number(n) + suffix;
    }
    taken.insert(candidate);
    return candidate;
}

} // namespace gh
