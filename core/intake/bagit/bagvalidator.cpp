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
#include "intake/listingingester.h"

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
    DigestSet algorithms;
    QList<Expectation> expected;
};

struct HashOutcome
{
    std::array<QString, std::size(s_digestAlgorithms)> digests; //!< By DigestAlgorithm.
    QString error;
    bool cancelled = false;
};

void collectDigests(const MultiDigest &digest, HashOutcome &outcome)
{
    for (DigestAlgorithm algorithm : s_digestAlgorithms)
        outcome.digests[size_t(algorithm)] = digest.result(algorithm);
}

bool isCancelled(const std::atomic_bool *cancel)
{
    return cancel && cancel->load(std::memory_order_relaxed);
}

HashOutcome hashLocalFile(const QString &path, DigestSet algorithms, MultiDigest::Lanes lanes,
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
    MultiDigest digest(lanes, algorithms);
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
    digest.finish();
    collectDigests(digest, outcome);
    return outcome;
}

HashOutcome hashBytes(const QByteArray &data, DigestSet algorithms)
{
    MultiDigest digest(MultiDigest::Lanes::Single, algorithms);
    digest.add(data);
    digest.finish();
    HashOutcome outcome;
    collectDigests(digest, outcome);
    return outcome;
}

bool isHidden(const QString &payloadPath)
{
    const QStringList segments = payloadPath.mid(s_payloadPrefix.size()).split(u'/');
    return std::any_of(segments.cbegin(), segments.cend(),
                       [](const QString &s) { return s.startsWith(u'.'); });
}

//! Files an operating system leaves behind (bagit-java's OS_SPECIFIC_FILES, and what the listing skips).
bool isOsClutter(const QString &payloadPath)
{
    if (ListingIngester::isLitter(payloadPath))
        return true;
    const QStringList segments = payloadPath.split(u'/');
    return std::any_of(segments.cbegin(), segments.cend(), [](const QString &segment) {
        return segment.compare(u".Spotlight-V100", Qt::CaseInsensitive) == 0 ||
               segment.compare(u".Trashes", Qt::CaseInsensitive) == 0 ||
               segment.compare(u".fseventsd", Qt::CaseInsensitive) == 0;
    });
}

//! Why Windows cannot store \a payloadPath (RFC 8493 §6.1.2), as a sentence fragment; empty if it can.
QString nonPortableReason(const QString &payloadPath)
{
    static const QRegularExpression reserved(QStringLiteral("^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\\..*)?$"),
                                             QRegularExpression::CaseInsensitiveOption);
    static const QString forbidden = QStringLiteral("<>:\"|?*");
    for (const QString &segment : payloadPath.split(u'/')) {
        for (QChar c : segment) {
            if (c.unicode() < 0x20)
                return BagValidator::tr("holds a control character");
            if (forbidden.contains(c))
                return BagValidator::tr("holds the character %1").arg(c);
        }
        if (reserved.match(segment).hasMatch())
            return BagValidator::tr("uses the reserved name %1").arg(segment);
        if (segment.endsWith(u'.') || segment.endsWith(u' '))
            return BagValidator::tr("has a name ending in a dot or a space");
    }
    return {};
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

    // Folders of the bag, so a manifest line naming one is reported as that (§2.1.3: manifests MUST NOT
    // reference directories) rather than as a missing file.
    QSet<QString> folders;
    for (const PackageEntry &entry : package.entries()) {
        if (entry.type == PackageEntry::Type::Directory)
            folders.insert(entry.path);
    }
    for (const QString &member : index.files()) {
        for (qsizetype slash = member.indexOf(u'/'); slash > 0; slash = member.indexOf(u'/', slash + 1))
            folders.insert(member.left(slash));
    }
    auto reportAbsent = [&](const QString &path, const QString &manifests, int line) {
        if (folders.contains(path)) {
            issues.append(BagIssue{
                Level::Problem, Code::ManifestListsDirectory, path, line,
                tr("%1 lists %2, which is a folder; manifests must list files only.").arg(manifests, path)});
        } else if (line > 0) {
            problem(Code::MissingFile, path,
                    tr("%1 is listed in %2 (line %3) but is not in the bag.").arg(path, manifests).arg(line));
        } else {
            problem(Code::MissingFile, path,
                    tr("%1 is listed in %2 but is not in the bag.").arg(path, manifests));
        }
    };

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
                reportAbsent(path, listing.manifests.join(QStringLiteral(", ")), 0);
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
    QHash<QString, QStringList> untracked;             // tag file → tag manifests that do not list it
    QList<std::pair<QString, QSet<QString>>> coverage; // tag manifest → the files it lists
    for (const Manifest &tagManifest : bag.tagManifests) {
        QSet<QString> &covered = coverage.emplace_back(tagManifest.fileName, QSet<QString>()).second;
        for (const ManifestEntry &entry : tagManifest.entries) {
            if (!entry.usable())
                continue;
            covered.insert(entry.path);
            if (index.resolve(entry.path).isEmpty())
                reportAbsent(entry.path, tagManifest.fileName, entry.line);
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
    // §2.2.1: every tag manifest SHOULD list the same tag files …
    for (qsizetype i = 1; i < coverage.size(); ++i) {
        if (coverage[i].second == coverage[0].second)
            continue;
        QStringList differing = QStringList((coverage[i].second - coverage[0].second).values()) +
                                QStringList((coverage[0].second - coverage[i].second).values());
        differing.sort();
        warning(Code::TagManifestsDiffer, coverage[i].first,
                tr("%1 and %2 list different tag files (%3 only in one of them); every tag manifest should "
                   "list the same ones.")
                    .arg(coverage[0].first, coverage[i].first, differing.join(QStringLiteral(", "))));
    }
    // … and SHOULD use the algorithms of the payload manifests.
    auto normalisedName = [](const Manifest &manifest) {
        return manifest.algorithm ? Fixity::name(*manifest.algorithm) : manifest.algorithmName;
    };
    QSet<QString> payloadAlgorithms;
    for (const Manifest &manifest : bag.payloadManifests)
        payloadAlgorithms.insert(normalisedName(manifest));
    for (const Manifest &manifest : bag.tagManifests) {
        if (!payloadAlgorithms.isEmpty() && !payloadAlgorithms.contains(normalisedName(manifest))) {
            QStringList known = payloadAlgorithms.values();
            known.sort();
            warning(
                Code::TagAlgorithmMismatch, manifest.fileName,
                tr("%1 uses %2, which no payload manifest uses (%3); tag manifests should use the payload "
                   "manifests' algorithms.")
                    .arg(manifest.fileName, normalisedName(manifest), known.join(QStringLiteral(", "))));
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
        if (isOsClutter(member)) {
            warning(Code::OsFile, member,
                    tr("%1 is a file an operating system leaves behind, not content; it should not be in a "
                       "bag's payload.")
                        .arg(member));
        } else if (isHidden(member)) {
            warning(Code::HiddenFile, member, tr("%1 is a hidden file in data/.").arg(member));
        }
        if (const QString reason = nonPortableReason(member); !reason.isEmpty()) {
            warning(Code::NonPortableName, member,
                    tr("%1 %2, so the bag cannot be unpacked on Windows.").arg(member, reason));
        }
    }
    // §6.1.1.3: names that differ only in normalisation form are as troublesome as case collisions.
    QHash<QString, QString> byNfc;
    for (const QString &member : index.files()) {
        const QString key = member.normalized(QString::NormalizationForm_C);
        if (const auto other = byNfc.constFind(key); other != byNfc.cend()) {
            warning(Code::NormalizationCollision, member,
                    tr("%1 and %2 differ only in Unicode normalisation; they look the same and collide on "
                       "file systems that normalise names.")
                        .arg(*other, member));
        } else {
            byNfc.insert(key, member);
        }
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
                    jobs.append(HashJob{member, index.size(member), {}, {}});
                }
                HashJob &job = jobs[*found];
                job.algorithms.insert(*manifest.algorithm);
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
                const QString &computed = outcome.digests[size_t(e.algorithm)];
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
            running.emplace_back(i, QtConcurrent::run(&pool, hashLocalFile, location.sourcePath,
                                                      job.algorithms, lanes, options.cancel));
            continue;
        }
        // A member without a file of its own (inside an archive): read through the package on this thread,
        // since packages need not be thread-safe, and hash on the pool.
        const Result<QByteArray> bytes = package.read(job.member, std::numeric_limits<qint64>::max());
        if (!bytes) {
            HashOutcome failed;
            failed.error = bytes.error().message;
            running.emplace_back(i, QtFuture::makeReadyFuture(failed));
            continue;
        }
        running.emplace_back(i, QtConcurrent::run(&pool, hashBytes, *bytes, job.algorithms));
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
