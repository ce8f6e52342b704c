#include "bagvalidator.h"

#include <array>
#include <deque>
#include <limits>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFuture>
#include <QJsonArray>
#include <QRegularExpression>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include "digest/multidigest.h"
#include "intake/folderpackage.h"

namespace gh {

namespace {

using Code = BagIssue::Code;
using Level = BagIssue::Severity;

const QString s_payloadPrefix = QStringLiteral("data/");

struct Expectation
{
    QString manifest;
    int line = 0;
    DigestAlgorithm algorithm;
    QString digest;
};

struct HashJob
{
    QString member;
    qint64 size = -1;
    bool sha512 = false;
    QList<Expectation> expected;
};

struct HashOutcome
{
    Digests digests;
    QString error;
    bool cancelled = false;
};

bool isCancelled(const std::atomic_bool *cancel)
{
    return cancel && cancel->load(std::memory_order_relaxed);
}

HashOutcome hashLocalFile(const QString &path, bool sha512, MultiDigest::Lanes lanes,
                          const std::atomic_bool *cancel)
{
    HashOutcome outcome;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Unbuffered)) {
        outcome.error = file.errorString();
        return outcome;
    }
    constexpr qsizetype chunk = 1 << 20;
    // Two buffers: in split mode the md5 lane still reads one while the next chunk is read into the other.
    std::array<QByteArray, 2> buffers{QByteArray(chunk, Qt::Uninitialized),
                                      QByteArray(chunk, Qt::Uninitialized)};
    MultiDigest digest(lanes, sha512);
    for (int turn = 0;; turn ^= 1) {
        if (isCancelled(cancel)) {
            outcome.cancelled = true;
            return outcome;
        }
        QByteArray &buffer = buffers[size_t(turn)];
        const qint64 n = file.read(buffer.data(), buffer.size());
        if (n < 0) {
            outcome.error = file.errorString();
            return outcome;
        }
        if (n == 0)
            break;
        digest.add(buffer.constData(), n);
    }
    outcome.digests = digest.finish();
    return outcome;
}

HashOutcome hashBytes(const QByteArray &data, bool sha512)
{
    MultiDigest digest(MultiDigest::Lanes::Single, sha512);
    digest.add(data);
    return HashOutcome{digest.finish(), {}, false};
}

QString digestOf(const Digests &digests, DigestAlgorithm algorithm)
{
    switch (algorithm) {
    case DigestAlgorithm::Md5:
        return digests.md5;
    case DigestAlgorithm::Sha1:
        return digests.sha1;
    case DigestAlgorithm::Sha256:
        return digests.sha256;
    case DigestAlgorithm::Sha512:
        return digests.sha512;
    }
    Q_UNREACHABLE();
}

bool isHidden(const QString &payloadPath)
{
    const QStringList segments = payloadPath.mid(s_payloadPrefix.size()).split(u'/');
    return std::any_of(segments.cbegin(), segments.cend(),
                       [](const QString &s) { return s.startsWith(u'.'); });
}

} // namespace

QJsonObject BagReport::toJson() const
{
    QJsonArray problemArray;
    for (const BagIssue &issue : problems)
        problemArray.append(issue.toJson());
    QJsonArray warningArray;
    for (const BagIssue &issue : warnings)
        warningArray.append(issue.toJson());
    return QJsonObject{{QStringLiteral("valid"), valid()},
                       {QStringLiteral("is_bag"), isBag},
                       {QStringLiteral("version"), version.toString()},
                       {QStringLiteral("payload_files"), payloadFiles},
                       {QStringLiteral("payload_bytes"), payloadBytes},
                       {QStringLiteral("files_verified"), filesVerified},
                       {QStringLiteral("problems"), problemArray},
                       {QStringLiteral("warnings"), warningArray}};
}

Result<BagReport> BagValidator::validate(const QString &path, const Options &options)
{
    const QFileInfo info(path);
    if (!info.exists())
        return Error{ErrorCode::NotFound, tr("%1 does not exist.").arg(QDir::toNativeSeparators(path))};
    if (!info.isDir()) {
        return Error{ErrorCode::Unsupported,
                     tr("%1 is not a folder; Gatehouse validates bags in folders (unpack an archived bag "
                        "first).")
                         .arg(QDir::toNativeSeparators(path))};
    }
    IntakeOptions listing;
    listing.cancel = options.cancel;
    auto package = FolderPackage::open(path, listing);
    if (!package)
        return package.error();
    const bool payloadFolder = QFileInfo(QDir(path).filePath(QStringLiteral("data"))).isDir();
    return validate(**package, payloadFolder, options);
}

Result<BagReport> BagValidator::validate(const Package &package, bool payloadFolderExists,
                                         const Options &options)
{
    const Bag bag = Bag::read(package);
    BagReport report;
    report.version = bag.declaration.version;
    QList<BagIssue> issues = bag.issues;
    auto problem = [&](Code code, const QString &file, const QString &message) {
        issues.append(BagIssue{Level::Problem, code, file, 0, message});
    };
    auto warning = [&](Code code, const QString &file, const QString &message) {
        issues.append(BagIssue{Level::Warning, code, file, 0, message});
    };
    auto finish = [&]() -> Result<BagReport> {
        for (BagIssue &issue : issues)
            (issue.isProblem() ? report.problems : report.warnings).append(std::move(issue));
        return report;
    };

    if (!bag.hasDeclaration && bag.payloadManifests.isEmpty() && bag.tagManifests.isEmpty()) {
        report.isBag = false;
        return finish();
    }
    const bool strict = bag.declaration.version.atLeast(1, 0);
    const Level strictness = strict ? Level::Problem : Level::Warning;

    const BagIndex index(package);
    QStringList payload;
    for (const QString &member : index.files()) {
        if (member.startsWith(s_payloadPrefix)) {
            payload.append(member);
            report.payloadBytes += std::max<qint64>(0, index.size(member));
        }
    }
    report.payloadFiles = payload.size();

    bool payloadFolder = payloadFolderExists || !payload.isEmpty();
    for (const PackageEntry &entry : package.entries())
        payloadFolder =
            payloadFolder || (entry.type == PackageEntry::Type::Directory && entry.path == u"data");
    for (const FileDraft &rejected : package.rejected()) {
        payloadFolder = payloadFolder || rejected.name.startsWith(s_payloadPrefix);
        if (rejected.status == FileStatus::UnsafePath) {
            problem(Code::UnsafePath, rejected.name,
                    tr("%1 Files outside the bag's scope are invalid.").arg(rejected.error));
        } else {
            problem(Code::UnreadableFile, rejected.name, rejected.error);
        }
    }
    if (!payloadFolder)
        problem(Code::MissingPayloadDirectory, s_payloadPrefix, tr("The bag has no payload folder data/."));
    for (const QString &message : package.warnings())
        warning(Code::PackageWarning, QString(), message);

    // Completeness: what the payload manifests list against what the bag holds.
    const Bag::PayloadIndex listed = bag.payloadIndex();
    QHash<QString, const ManifestEntry *> fetchByPath;
    for (const ManifestEntry &entry : bag.fetch) {
        if (entry.usable())
            fetchByPath.insert(entry.path, &entry);
    }
    QHash<QString, QString> listedMember; // bag member → the manifest path that names it
    bool fetchPending = false;
    for (const QString &path : listed.paths) {
        const Bag::Listing &listing = listed.listings[path];
        bool normalized = false;
        const QString member = index.resolve(path, &normalized);
        if (member.isEmpty()) {
            if (const ManifestEntry *fetch = fetchByPath.value(path)) {
                fetchPending = true;
                problem(
                    Code::FetchPending, path,
                    tr("%1 is listed in fetch.txt (line %2) but has not been fetched; the files listed in "
                       "fetch.txt must be fetched before the bag is complete.")
                        .arg(path)
                        .arg(fetch->line));
            } else {
                problem(Code::MissingFile, path,
                        tr("%1 is listed in %2 but is not in the bag.")
                            .arg(path, listing.manifests.join(QStringLiteral(", "))));
            }
            continue;
        }
        listedMember.insert(member, path);
        if (normalized) {
            warning(Code::NormalizationMismatch, member,
                    tr("%1 lists %2, which the bag holds as %3 (the same name in another Unicode "
                       "normalisation form).")
                        .arg(listing.manifests.constFirst(), path, member));
        }
    }
    QStringList manifestNames;
    for (const Manifest &manifest : bag.payloadManifests)
        manifestNames.append(manifest.fileName);
    for (const QString &member : std::as_const(payload)) {
        const QString path = listedMember.value(member);
        if (path.isEmpty()) {
            if (!manifestNames.isEmpty()) {
                problem(Code::UnlistedFile, member,
                        tr("%1 is in data/ but is not listed in %2.")
                            .arg(member, manifestNames.join(QStringLiteral(" or "))));
            }
            continue;
        }
        const Bag::Listing &listing = listed.listings[path];
        if (listing.manifests.size() < manifestNames.size()) {
            QStringList absentFrom;
            for (const QString &name : std::as_const(manifestNames)) {
                if (!listing.manifests.contains(name))
                    absentFrom.append(name);
            }
            // Before 1.0 a payload file had to be in at least one manifest, not in all of them.
            issues.append(BagIssue{strictness, Code::NotInEveryManifest, member, 0,
                                   tr("%1 is listed in %2 but not in %3; every payload manifest must list "
                                      "every payload file.")
                                       .arg(member, listing.manifests.join(QStringLiteral(", ")),
                                            absentFrom.join(QStringLiteral(", ")))});
        }
    }

    // Tag manifests: what they list must be present; they must list every payload manifest.
    QHash<QString, QStringList> untracked; // tag file → tag manifests that do not list it
    for (const Manifest &tagManifest : bag.tagManifests) {
        QSet<QString> covered;
        for (const ManifestEntry &entry : tagManifest.entries) {
            if (!entry.usable())
                continue;
            covered.insert(entry.path);
            if (index.resolve(entry.path).isEmpty()) {
                problem(Code::MissingFile, entry.path,
                        tr("%1 is listed in %2 (line %3) but is not in the bag.")
                            .arg(entry.path, tagManifest.fileName)
                            .arg(entry.line));
            }
            if (!BagParser::tagManifestAlgorithm(entry.path).isEmpty()) {
                issues.append(
                    BagIssue{strictness, Code::TagManifestInTagManifest, tagManifest.fileName, entry.line,
                             tr("%1 (line %2) lists the tag manifest %3; tag manifests must not list "
                                "other tag manifests.")
                                 .arg(tagManifest.fileName)
                                 .arg(entry.line)
                                 .arg(entry.path)});
            }
        }
        for (const QString &name : std::as_const(manifestNames)) {
            if (!covered.contains(name)) {
                issues.append(BagIssue{strictness, Code::ManifestNotInTagManifest, tagManifest.fileName, 0,
                                       tr("%1 does not list the payload manifest %2; every tag manifest must "
                                          "list every payload manifest.")
                                           .arg(tagManifest.fileName, name)});
            }
        }
        for (const QString &member : index.files()) {
            if (member.startsWith(s_payloadPrefix) || manifestNames.contains(member) ||
                !BagParser::tagManifestAlgorithm(member).isEmpty() || covered.contains(member))
                continue;
            untracked[member].append(tagManifest.fileName);
        }
    }
    for (const QString &member : index.files()) {
        if (const auto it = untracked.constFind(member); it != untracked.cend()) {
            warning(Code::UntrackedTagFile, member,
                    tr("The tag file %1 is not listed in %2, so its integrity is not protected.")
                        .arg(member, it->join(QStringLiteral(", "))));
        }
    }

    for (const ManifestEntry &entry : bag.fetch) {
        if (!entry.usable())
            continue;
        const auto listing = listed.listings.constFind(entry.path);
        if (listing == listed.listings.cend() || listing->manifests.size() < manifestNames.size()) {
            problem(Code::FetchNotInManifest, entry.path,
                    tr("fetch.txt (line %1) lists %2, which is not listed in every payload manifest.")
                        .arg(entry.line)
                        .arg(entry.path));
        }
        const QString member = index.resolve(entry.path);
        if (!member.isEmpty() && entry.length >= 0 && index.size(member) != entry.length) {
            warning(Code::FetchSizeMismatch, member,
                    tr("%1 is %2 bytes, but fetch.txt (line %3) gives %4 bytes.")
                        .arg(member)
                        .arg(index.size(member))
                        .arg(entry.line)
                        .arg(entry.length));
        }
    }

    // Payload-Oxum: a quick count that must agree. A bag with files still to fetch is incomplete anyway;
    // comparing its Oxum would only repeat that.
    static const QRegularExpression oxumPattern(QStringLiteral("^(\\d+)\\.(\\d+)$"));
    const QStringList oxums = bag.info.values(u"Payload-Oxum");
    if (!oxums.isEmpty() && !fetchPending) {
        const QRegularExpressionMatch m = oxumPattern.match(oxums.constFirst());
        bool bytesOk = false;
        bool countOk = false;
        const qint64 bytes = m.captured(1).toLongLong(&bytesOk);
        const qint64 count = m.captured(2).toLongLong(&countOk);
        if (m.hasMatch() && bytesOk && countOk &&
            (bytes != report.payloadBytes || count != report.payloadFiles)) {
            problem(
                Code::PayloadOxumMismatch, bag.infoFile,
                tr("Payload-Oxum in %1 is %2 (%3 bytes in %4 files), but data/ holds %5 bytes in %6 files.")
                    .arg(bag.infoFile, oxums.constFirst())
                    .arg(bytes)
                    .arg(count)
                    .arg(report.payloadBytes)
                    .arg(report.payloadFiles));
        }
    }
    if (bag.hasDeclaration && bag.infoFile.isEmpty()) {
        warning(Code::MissingRecommendedLabel, QStringLiteral("bag-info.txt"),
                tr("The bag has no bag-info.txt; its Payload-Oxum and Bagging-Date help receivers check "
                   "it."));
    } else if (!bag.infoFile.isEmpty()) {
        QStringList absent;
        for (const char16_t *label : {u"Payload-Oxum", u"Bagging-Date"}) {
            if (!bag.info.contains(label))
                absent.append(QString::fromUtf16(label));
        }
        if (!absent.isEmpty()) {
            warning(Code::MissingRecommendedLabel, bag.infoFile,
                    tr("%1 has no %2; these labels are recommended.")
                        .arg(bag.infoFile, absent.join(QStringLiteral(" or "))));
        }
    }

    QStringList weak;
    bool strong = false;
    for (const Manifest &manifest : bag.payloadManifests) {
        if (!manifest.algorithm)
            continue;
        if (*manifest.algorithm == DigestAlgorithm::Md5 || *manifest.algorithm == DigestAlgorithm::Sha1)
            weak.append(manifest.fileName);
        else
            strong = true;
    }
    if (!weak.isEmpty() && !strong) {
        warning(Code::WeakAlgorithm, weak.constFirst(),
                tr("The payload is protected only by %1; md5 and sha1 detect accidents but not tampering. "
                   "A sha256 or sha512 manifest is recommended.")
                    .arg(weak.join(QStringLiteral(", "))));
    }
    for (const QString &member : std::as_const(payload)) {
        if (isHidden(member))
            warning(Code::HiddenFile, member, tr("%1 is a hidden file in data/.").arg(member));
    }
    QHash<QString, QString> folded;
    for (const QString &member : index.files()) {
        const QString key = member.toCaseFolded();
        if (const auto other = folded.constFind(key); other != folded.cend()) {
            warning(Code::CaseCollision, member,
                    tr("%1 and %2 differ only in case; they collide on case-insensitive file systems.")
                        .arg(*other, member));
        } else {
            folded.insert(key, member);
        }
    }

    // Validity: every checksum of every manifest. Each file is read once for all of its algorithms.
    QList<HashJob> jobs;
    QHash<QString, qsizetype> jobIndex;
    for (const QList<Manifest> *list : {&bag.payloadManifests, &bag.tagManifests}) {
        for (const Manifest &manifest : *list) {
            if (!manifest.algorithm)
                continue;
            for (const ManifestEntry &entry : manifest.entries) {
                if (!entry.usable())
                    continue;
                const QString member = index.resolve(entry.path);
                if (member.isEmpty())
                    continue;
                auto found = jobIndex.constFind(member);
                if (found == jobIndex.cend()) {
                    found = jobIndex.insert(member, jobs.size());
                    jobs.append(HashJob{member, index.size(member), false, {}});
                }
                HashJob &job = jobs[*found];
                job.sha512 = job.sha512 || *manifest.algorithm == DigestAlgorithm::Sha512;
                job.expected.append(
                    Expectation{manifest.fileName, entry.line, *manifest.algorithm, entry.digest});
            }
        }
    }

    BagProgress progress;
    progress.filesTotal = jobs.size();
    for (const HashJob &job : std::as_const(jobs))
        progress.bytesTotal += std::max<qint64>(0, job.size);
    if (options.progress)
        options.progress(progress);

    QThreadPool pool;
    pool.setMaxThreadCount(options.threads > 0 ? options.threads : std::max(1, QThread::idealThreadCount()));
    // With one file, splitting md5 onto its own lane is the only way to use a second core.
    const bool single = jobs.size() == 1;
    const qsizetype window = qsizetype(pool.maxThreadCount()) * 4;
    std::deque<std::pair<qsizetype, QFuture<HashOutcome>>> running;
    bool cancelled = false;

    auto collect = [&] {
        auto [at, future] = std::move(running.front());
        running.pop_front();
        const HashOutcome outcome = future.result();
        const HashJob &job = jobs[at];
        if (outcome.cancelled) {
            cancelled = true;
            return;
        }
        if (!outcome.error.isEmpty()) {
            problem(Code::UnreadableFile, job.member,
                    tr("%1 cannot be read to verify its checksums: %2").arg(job.member, outcome.error));
        } else {
            ++report.filesVerified;
            for (const Expectation &e : job.expected) {
                const QString computed = digestOf(outcome.digests, e.algorithm);
                if (computed.compare(e.digest, Qt::CaseInsensitive) != 0) {
                    issues.append(
                        BagIssue{Level::Problem, Code::ChecksumMismatch, job.member, 0,
                                 tr("%1 does not match its %2 checksum in %3 (line %4): expected %5, "
                                    "computed %6.")
                                     .arg(job.member, Fixity::name(e.algorithm), e.manifest)
                                     .arg(e.line)
                                     .arg(e.digest, computed)});
                }
            }
        }
        ++progress.filesDone;
        progress.bytesDone += std::max<qint64>(0, job.size);
        if (options.progress)
            options.progress(progress);
    };

    for (qsizetype i = 0; i < jobs.size() && !cancelled; ++i) {
        if (isCancelled(options.cancel)) {
            cancelled = true;
            break;
        }
        while (qsizetype(running.size()) >= window && !cancelled)
            collect();
        const HashJob &job = jobs[i];
        FileDraft location;
        package.locate(job.member, location);
        if (location.sourceMember.isEmpty() && !location.sourcePath.isEmpty()) {
            const MultiDigest::Lanes lanes = single ? lanesForSize(job.size) : MultiDigest::Lanes::Single;
            running.emplace_back(i, QtConcurrent::run(&pool, hashLocalFile, location.sourcePath, job.sha512,
                                                      lanes, options.cancel));
            continue;
        }
        // A member without a file of its own (inside an archive): read through the package on this thread,
        // since packages need not be thread-safe, and hash on the pool.
        const Result<QByteArray> bytes = package.read(job.member, std::numeric_limits<qint64>::max());
        if (!bytes) {
            running.emplace_back(i, QtFuture::makeReadyFuture(HashOutcome{{}, bytes.error().message, false}));
            continue;
        }
        running.emplace_back(i, QtConcurrent::run(&pool, hashBytes, *bytes, job.sha512));
    }
    while (!running.empty()) {
        if (cancelled) {
            running.front().second.waitForFinished();
            running.pop_front();
            continue;
        }
        collect();
    }
    if (cancelled || isCancelled(options.cancel)) {
        return Error{ErrorCode::Cancelled, tr("Validating %1 was cancelled.").arg(package.displayName())};
    }
    return finish();
}

} // namespace gh
