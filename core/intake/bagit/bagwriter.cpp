#include "bagwriter.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <memory>
#include <unistd.h>
#include <vector>

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
    TagFile(const QString &path, DigestSet algorithms)
        : m_file(path)
        , m_digest(MultiDigest::Lanes::Single, algorithms)
    {}

    bool open() { return m_file.open(QIODevice::WriteOnly | QIODevice::NewOnly); }
    bool write(const QByteArray &bytes)
    {
        m_digest.add(bytes);
        return m_file.write(bytes) == bytes.size();
    }
    //! Flushes to disk and closes; digest() then gives the checksums of what was written.
    Status finish()
    {
        if (!m_file.flush() || ::fdatasync(m_file.handle()) != 0) {
            return Error{ErrorCode::Io, QCoreApplication::translate("gh::BagWriter", "Cannot write %1: %2")
                                            .arg(m_file.fileName(), m_file.errorString())};
        }
        m_file.close();
        m_digest.finish();
        return {};
    }
    QString digest(DigestAlgorithm algorithm) const { return m_digest.result(algorithm); }
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

    if (options.algorithms.isEmpty())
        return Error{ErrorCode::Usage, tr("A bag needs at least one manifest algorithm.")};
    for (qsizetype i = 0; i < options.algorithms.size(); ++i) {
        if (options.algorithms.indexOf(options.algorithms[i]) != i) {
            return Error{ErrorCode::Usage,
                         tr("The algorithm %1 is given twice.").arg(Fixity::name(options.algorithms[i]))};
        }
    }
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
        Planned p{f.id, f.item, f.name, f.storedKey, f.size, f.digests.sha256, payloadPath(f.item, f.name)};
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

    // One payload and one tag manifest per algorithm; every file is hashed once for all of them, and for
    // sha256, which is checked against the catalog.
    DigestSet manifestSet;
    for (DigestAlgorithm algorithm : options.algorithms)
        manifestSet.insert(algorithm);
    const DigestSet copySet = manifestSet | DigestSet{DigestAlgorithm::Sha256};
    std::vector<std::unique_ptr<TagFile>> manifests;
    for (DigestAlgorithm algorithm : options.algorithms) {
        manifests.push_back(std::make_unique<TagFile>(
            root.filePath(QStringLiteral("manifest-%1.txt").arg(Fixity::name(algorithm))), manifestSet));
        if (!manifests.back()->open()) {
            return Error{
                ErrorCode::Io,
                tr("Cannot write %1: %2").arg(manifests.back()->fileName(), manifests.back()->errorString())};
        }
    }

    constexpr qsizetype chunk = 1 << 20;
    std::array<QByteArray, 2> buffers{QByteArray(chunk, Qt::Uninitialized),
                                      QByteArray(chunk, Qt::Uninitialized)};
    qint64 oxumBytes = 0;
    for (const Planned &p : std::as_const(planned)) {
        const QString label = p.item + u'/' + p.name;
        if (p.sha256.isEmpty()) {
            return Error{
                ErrorCode::Corrupt,
                tr("The catalog has no sha256 for %1, so its copy cannot be verified; the export was "
                   "abandoned.")
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

        MultiDigest digest(lanesForSize(p.size), copySet);
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
        digest.finish();
        if (!output.flush() || ::fdatasync(output.handle()) != 0)
            return Error{ErrorCode::Io, tr("Cannot write %1: %2").arg(file, output.errorString())};
        output.close();
        const QString computed = digest.result(DigestAlgorithm::Sha256);
        if (total != p.size || computed.compare(p.sha256, Qt::CaseInsensitive) != 0) {
            return Error{ErrorCode::Corrupt,
                         tr("The stored copy of %1 does not match the catalog (catalog: %2 bytes, sha256 %3; "
                            "store: %4 bytes, sha256 %5); the export was abandoned.")
                             .arg(label)
                             .arg(p.size)
                             .arg(p.sha256)
                             .arg(total)
                             .arg(computed)};
        }

        const QByteArray path = (u"  data/" + BagParser::encodePath(p.path) + u'\n').toUtf8();
        for (size_t i = 0; i < manifests.size(); ++i) {
            if (!manifests[i]->write(digest.result(options.algorithms[qsizetype(i)]).toLatin1() + path)) {
                return Error{
                    ErrorCode::Io,
                    tr("Cannot write %1: %2").arg(manifests[i]->fileName(), manifests[i]->errorString())};
            }
        }
        oxumBytes += total;
        ++result.files;
        ++progress.filesDone;
        progress.bytesDone += total;
        if (options.progress)
            options.progress(progress);
    }
    result.bytes = oxumBytes;
    for (const auto &manifest : manifests) {
        if (Status s = manifest->finish(); !s)
            return s.error();
    }

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

    auto writeTagFile = [&](const QString &name,
                            const QByteArray &bytes) -> Result<std::unique_ptr<TagFile>> {
        auto file = std::make_unique<TagFile>(root.filePath(name), manifestSet);
        if (!file->open() || !file->write(bytes))
            return Error{ErrorCode::Io, tr("Cannot write %1: %2").arg(file->fileName(), file->errorString())};
        if (Status s = file->finish(); !s)
            return s.error();
        return file;
    };
    auto info = writeTagFile(QStringLiteral("bag-info.txt"), bagInfo);
    if (!info)
        return info.error();
    MultiDigest declarationDigest(MultiDigest::Lanes::Single, manifestSet);
    declarationDigest.add(declaration);
    declarationDigest.finish();
    // Every tag file but the tag manifests, sorted by name: bag-info.txt, bagit.txt, the payload manifests.
    QList<std::pair<QString, std::function<QString(DigestAlgorithm)>>> tagFiles{
        {QStringLiteral("bag-info.txt"), [&](DigestAlgorithm a) { return (*info)->digest(a); }},
        {QStringLiteral("bagit.txt"), [&](DigestAlgorithm a) { return declarationDigest.result(a); }},
    };
    for (const auto &manifest : manifests) {
        tagFiles.append({QFileInfo(manifest->fileName()).fileName(),
                         [m = manifest.get()](DigestAlgorithm a) { return m->digest(a); }});
    }
    std::sort(tagFiles.begin(), tagFiles.end(),
              [](const auto &a, const auto &b) { return a.first < b.first; });
    for (DigestAlgorithm algorithm : options.algorithms) {
        QByteArray lines;
        for (const auto &[name, digestOf] : tagFiles)
            lines += (digestOf(algorithm) + u"  " + name + u'\n').toUtf8();
        if (auto written =
                writeTagFile(QStringLiteral("tagmanifest-%1.txt").arg(Fixity::name(algorithm)), lines);
            !written)
            return written.error();
    }
    // Last: until bagit.txt exists the folder is not a bag at all.
    if (auto written = writeTagFile(QStringLiteral("bagit.txt"), declaration); !written)
        return written.error();
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
