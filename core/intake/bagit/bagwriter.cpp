#include "bagwriter.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

#include "catalog/catalog.h"
#include "digest/multidigest.h"
#include "store/bitstore.h"
#include "util/version.h"

namespace gh {

namespace {

struct Planned
{
    qint64 id = 0;
    QString item;
    QString name;
    QString key;
    qint64 size = -1;
    QString md5;
    QString sha256;
    QString path; //!< Below data/.
};

bool isExportable(const FileRecord &file)
{
    return (file.status == FileStatus::Success || file.status == FileStatus::Unchanged) &&
           !file.storedKey.isEmpty();
}

QString sanitizeSegment(QString segment)
{
    segment.replace(u'\\', u'_');
    segment.replace(QChar(u'\0'), u'_');
    if (segment.isEmpty() || segment == u"." || segment == u"..")
        return QStringLiteral("_");
    return segment;
}

//! A bag-info value on one line: BagIt would read a line break as the start of another element.
QString oneLine(QString value)
{
    // CRLF becomes two spaces, which simplified() folds with any other run of whitespace.
    value.replace(u'\n', u' ');
    value.replace(u'\r', u' ');
    return value.simplified();
}

/*!
    A tag file being written: its bytes go to disk and into a digest, so the tag manifests need not read
    anything back.
*/
class TagFile
{
public:
    explicit TagFile(const QString &path)
        : m_file(path)
    {}

    bool open() { return m_file.open(QIODevice::WriteOnly | QIODevice::NewOnly); }
    bool write(const QByteArray &bytes)
    {
        m_digest.add(bytes);
        return m_file.write(bytes) == bytes.size();
    }
    //! Flushes to disk and closes; returns the digests of what was written.
    Result<Digests> finish()
    {
        if (!m_file.flush() || ::fdatasync(m_file.handle()) != 0) {
            return Error{ErrorCode::Io, QCoreApplication::translate("gh::BagWriter", "Cannot write %1: %2")
                                            .arg(m_file.fileName(), m_file.errorString())};
        }
        m_file.close();
        return m_digest.finish();
    }
    QString errorString() const { return m_file.errorString(); }
    QString fileName() const { return m_file.fileName(); }

private:
    QFile m_file;
    MultiDigest m_digest;
};

void syncFolder(const QString &path)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

} // namespace

QString BagWriter::payloadPath(const QString &item, const QString &name)
{
    QStringList segments;
    if (!item.isEmpty()) {
        for (const QString &segment : item.split(u'/'))
            segments.append(sanitizeSegment(segment));
    }
    for (const QString &segment : name.split(u'/'))
        segments.append(sanitizeSegment(segment));
    return segments.join(u'/');
}

Result<BagExport> BagWriter::write(Catalog &catalog, BitStore &store, qint64 batchId,
                                   const QString &directory, const Options &options)
{
    auto cancelled = [&] {
        return Error{ErrorCode::Cancelled, tr("Exporting batch %1 was cancelled; nothing was written to %2.")
                                               .arg(batchId)
                                               .arg(QDir::toNativeSeparators(directory))};
    };
    auto isCancelled = [&] { return options.cancel && options.cancel->load(std::memory_order_relaxed); };

    const Result<BatchRecord> batch = catalog.batch(batchId);
    if (!batch)
        return batch.error();

    const QFileInfo destination(directory);
    const QString target = destination.absoluteFilePath();
    if (destination.exists()) {
        if (!destination.isDir() || destination.isSymLink()) {
            return Error{ErrorCode::Usage,
                         tr("%1 exists and is not a folder; export a bag into a new or empty "
                            "folder.")
                             .arg(QDir::toNativeSeparators(directory))};
        }
        if (!QDir(target).isEmpty(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot)) {
            return Error{ErrorCode::Usage, tr("%1 is not empty; export a bag into a new or empty folder.")
                                               .arg(QDir::toNativeSeparators(directory))};
        }
    }
    const QString parent = destination.absolutePath();
    if (!QDir().mkpath(parent))
        return Error{ErrorCode::Io, tr("Cannot create the folder %1.").arg(QDir::toNativeSeparators(parent))};
    QTemporaryDir partial(QDir(parent).filePath(u'.' + destination.fileName() + u".partial-XXXXXX"));
    if (!partial.isValid()) {
        return Error{ErrorCode::Io, tr("Cannot create a working folder next to %1: %2")
                                        .arg(QDir::toNativeSeparators(directory), partial.errorString())};
    }
    const QDir root(partial.path());
    if (!root.mkpath(QStringLiteral("data")))
        return Error{ErrorCode::Io, tr("Cannot create %1.").arg(root.filePath(QStringLiteral("data")))};

    // Plan every path first, so collisions are resolved before anything is copied.
    BagExport result;
    result.directory = target;
    QList<Planned> planned;
    QSet<QString> takenFiles;   // case-folded payload paths
    QSet<QString> takenFolders; // case-folded folders that hold payload files
    auto conflicts = [&](const QString &path) {
        const QString folded = path.toCaseFolded();
        if (takenFiles.contains(folded) || takenFolders.contains(folded))
            return true;
        for (qsizetype slash = folded.indexOf(u'/'); slash > 0; slash = folded.indexOf(u'/', slash + 1)) {
            if (takenFiles.contains(folded.left(slash)))
                return true;
        }
        return false;
    };
    auto claim = [&](const QString &path) {
        const QString folded = path.toCaseFolded();
        takenFiles.insert(folded);
        for (qsizetype slash = folded.indexOf(u'/'); slash > 0; slash = folded.indexOf(u'/', slash + 1))
            takenFolders.insert(folded.left(slash));
    };
    QString collision;
    Status listed = catalog.forEachFile(batchId, [&](const FileRecord &f) {
        if (!isExportable(f)) {
            result.skipped.append(BagExport::Skipped{f.item, f.name, f.status});
            return true;
        }
        Planned p{f.id,   f.item,        f.name,           f.storedKey,
                  f.size, f.digests.md5, f.digests.sha256, payloadPath(f.item, f.name)};
        if (conflicts(p.path)) {
            // The file's id in front of its name; if a file stands where a folder of the path should be,
            // in front of the path's first folder instead.
            const QString id = QString::number(f.id) + u'-';
            const qsizetype slash = p.path.lastIndexOf(u'/');
            QString renamed = p.path.left(slash + 1) + id + p.path.mid(slash + 1);
            if (conflicts(renamed))
                renamed = id + p.path;
            if (conflicts(renamed)) {
                collision =
                    tr("Two files of batch %1 map to the bag path data/%2.").arg(batchId).arg(renamed);
                return false;
            }
            result.renamed.append(QStringLiteral("%1/%2 → data/%3").arg(f.item, f.name, renamed));
            p.path = renamed;
        }
        claim(p.path);
        planned.append(std::move(p));
        return !isCancelled();
    });
    if (!listed)
        return listed.error();
    if (!collision.isEmpty())
        return Error{ErrorCode::Usage, collision};
    if (isCancelled())
        return cancelled();

    BagProgress progress;
    progress.filesTotal = planned.size();
    for (const Planned &p : std::as_const(planned))
        progress.bytesTotal += std::max<qint64>(0, p.size);
    if (options.progress)
        options.progress(progress);

    TagFile sha256Manifest(root.filePath(QStringLiteral("manifest-sha256.txt")));
    TagFile md5Manifest(root.filePath(QStringLiteral("manifest-md5.txt")));
    if (!sha256Manifest.open() || !md5Manifest.open())
        return Error{ErrorCode::Io, tr("Cannot write the manifests in %1.").arg(partial.path())};

    constexpr qsizetype chunk = 1 << 20;
    std::array<QByteArray, 2> buffers{QByteArray(chunk, Qt::Uninitialized),
                                      QByteArray(chunk, Qt::Uninitialized)};
    qint64 oxumBytes = 0;
    for (const Planned &p : std::as_const(planned)) {
        const QString label = p.item + u'/' + p.name;
        if (p.md5.isEmpty() || p.sha256.isEmpty()) {
            return Error{
                ErrorCode::Corrupt,
                tr("The catalog has no md5 or sha256 for %1, so its copy cannot be verified; the export "
                   "was abandoned.")
                    .arg(label)};
        }
        auto input = store.read(p.key);
        if (!input) {
            return Error{input.error().code,
                         tr("Cannot read %1 from the store: %2; the export was abandoned.")
                             .arg(label, input.error().message)};
        }
        const QString file = root.filePath(u"data/" + p.path);
        if (!QDir().mkpath(QFileInfo(file).absolutePath()))
            return Error{ErrorCode::Io, tr("Cannot create the folder for %1.").arg(file)};
        QFile output(file);
        if (!output.open(QIODevice::WriteOnly | QIODevice::NewOnly))
            return Error{ErrorCode::Io, tr("Cannot write %1: %2").arg(file, output.errorString())};

        MultiDigest digest(lanesForSize(p.size));
        qint64 total = 0;
        for (int turn = 0;; turn ^= 1) {
            if (isCancelled())
                return cancelled();
            QByteArray &buffer = buffers[size_t(turn)];
            const qint64 n = (*input)->read(buffer.data(), buffer.size());
            if (n < 0) {
                return Error{ErrorCode::Unreadable,
                             tr("Reading %1 from the store failed: %2").arg(label, (*input)->errorString())};
            }
            if (n == 0)
                break;
            digest.add(buffer.constData(), n);
            if (output.write(buffer.constData(), n) != n)
                return Error{ErrorCode::Io, tr("Cannot write %1: %2").arg(file, output.errorString())};
            total += n;
        }
        const Digests computed = digest.finish();
        if (!output.flush() || ::fdatasync(output.handle()) != 0)
            return Error{ErrorCode::Io, tr("Cannot write %1: %2").arg(file, output.errorString())};
        output.close();
        if (total != p.size || computed.md5.compare(p.md5, Qt::CaseInsensitive) != 0 ||
            computed.sha256.compare(p.sha256, Qt::CaseInsensitive) != 0) {
            return Error{ErrorCode::Corrupt,
                         tr("The stored copy of %1 does not match the catalog (catalog: %2 bytes, sha256 %3; "
                            "store: %4 bytes, sha256 %5); the export was abandoned.")
                             .arg(label)
                             .arg(p.size)
                             .arg(p.sha256)
                             .arg(total)
                             .arg(computed.sha256)};
        }

        const QByteArray path = (u"  data/" + BagParser::encodePath(p.path) + u'\n').toUtf8();
        if (!sha256Manifest.write(p.sha256.toLower().toLatin1() + path) ||
            !md5Manifest.write(p.md5.toLower().toLatin1() + path)) {
            return Error{ErrorCode::Io,
                         tr("Cannot write the manifests: %1").arg(sha256Manifest.errorString())};
        }
        oxumBytes += total;
        ++result.files;
        ++progress.filesDone;
        progress.bytesDone += total;
        if (options.progress)
            options.progress(progress);
    }
    result.bytes = oxumBytes;

    const Result<Digests> sha256Digests = sha256Manifest.finish();
    if (!sha256Digests)
        return sha256Digests.error();
    const Result<Digests> md5Digests = md5Manifest.finish();
    if (!md5Digests)
        return md5Digests.error();

    const QDate date = options.baggingDate.isValid() ? options.baggingDate : QDate::currentDate();
    QList<std::pair<QString, QString>> elements{
        {QStringLiteral("Bag-Software-Agent"), QStringLiteral("Gatehouse %1").arg(versionString())},
        {QStringLiteral("Bagging-Date"), date.toString(Qt::ISODate)},
        {QStringLiteral("External-Description"), oneLine(batch->name)},
        {QStringLiteral("Internal-Sender-Identifier"), QStringLiteral("gatehouse-batch-%1").arg(batchId)},
    };
    elements += options.bagInfo;
    elements.append(
        {QStringLiteral("Payload-Oxum"), QStringLiteral("%1.%2").arg(oxumBytes).arg(result.files)});
    QByteArray bagInfo;
    for (const auto &[label, value] : std::as_const(elements)) {
        if (!value.isEmpty())
            bagInfo += (oneLine(label) + u": " + oneLine(value) + u'\n').toUtf8();
    }
    const QByteArray declaration("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n");

    auto writeTagFile = [&](const QString &name, const QByteArray &bytes) -> Result<Digests> {
        TagFile file(root.filePath(name));
        if (!file.open() || !file.write(bytes))
            return Error{ErrorCode::Io, tr("Cannot write %1: %2").arg(file.fileName(), file.errorString())};
        return file.finish();
    };
    const Result<Digests> infoDigests = writeTagFile(QStringLiteral("bag-info.txt"), bagInfo);
    if (!infoDigests)
        return infoDigests.error();
    const Digests declarationDigests = MultiDigest::of(declaration);
    const QList<std::pair<QString, Digests>> tagFiles{
        {QStringLiteral("bag-info.txt"), *infoDigests},
        {QStringLiteral("bagit.txt"), declarationDigests},
        {QStringLiteral("manifest-md5.txt"), *md5Digests},
        {QStringLiteral("manifest-sha256.txt"), *sha256Digests},
    };
    QByteArray tagSha256;
    QByteArray tagMd5;
    for (const auto &[name, digests] : tagFiles) {
        tagSha256 += (digests.sha256 + u"  " + name + u'\n').toUtf8();
        tagMd5 += (digests.md5 + u"  " + name + u'\n').toUtf8();
    }
    for (const auto &[name, bytes] : {std::pair{QStringLiteral("tagmanifest-sha256.txt"), tagSha256},
                                      std::pair{QStringLiteral("tagmanifest-md5.txt"), tagMd5},
                                      // Last: until bagit.txt exists the folder is not a bag at all.
                                      std::pair{QStringLiteral("bagit.txt"), declaration}}) {
        if (const Result<Digests> written = writeTagFile(name, bytes); !written)
            return written.error();
    }
    if (isCancelled())
        return cancelled();

    syncFolder(partial.path());
    partial.setAutoRemove(false);
    // rename(2) is atomic and replaces an empty destination folder; a non-empty one makes it fail.
    if (::rename(QFile::encodeName(partial.path()).constData(), QFile::encodeName(target).constData()) != 0) {
        const int error = errno;
        partial.setAutoRemove(true);
        return Error{ErrorCode::Io, tr("Cannot move the finished bag to %1: %2")
                                        .arg(QDir::toNativeSeparators(directory),
                                             QString::fromLocal8Bit(std::strerror(error)))};
    }
    syncFolder(parent);
    return result;
}

} // namespace gh
