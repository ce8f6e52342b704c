#include "bag.h"

#include <algorithm>

namespace gh {

namespace {

using Code = BagIssue::Code;

const QString s_declaration = QStringLiteral("bagit.txt");
const QString s_fetch = QStringLiteral("fetch.txt");

} // namespace

bool Bag::recognise(const Package &package)
{
    return package.contains(s_declaration);
}

Bag Bag::read(const Package &package)
{
    Bag bag;
    auto problem = [&](Code code, const QString &file, const QString &message) {
        bag.issues.append(BagIssue{BagIssue::Severity::Problem, code, file, 0, message});
    };
    auto warning = [&](Code code, const QString &file, const QString &message) {
        bag.issues.append(BagIssue{BagIssue::Severity::Warning, code, file, 0, message});
    };

    if (!package.contains(s_declaration)) {
        bag.unusableReason =
            tr("%1 has no bagit.txt at its root; every bag declares its BagIt version there.")
                .arg(package.displayName());
        problem(Code::MissingDeclaration, s_declaration, bag.unusableReason);
    } else {
        bag.hasDeclaration = true;
        const Result<QByteArray> content = package.read(s_declaration, 64 * 1024);
        if (!content) {
            bag.unusableReason = tr("bagit.txt cannot be read: %1").arg(content.error().message);
            problem(Code::UnreadableFile, s_declaration, bag.unusableReason);
        } else if (Result<BagDeclaration> declaration = BagParser::parseDeclaration(*content, bag.issues);
                   declaration) {
            bag.declaration = *declaration;
        } else {
            bag.unusableReason = declaration.error().message;
        }
    }

    const BagVersion version = bag.declaration.version;
    const QString encoding =
        BagParser::canDecode(bag.declaration.encoding) ? bag.declaration.encoding : QStringLiteral("UTF-8");
    auto readText = [&](const QString &name, QString &text) {
        const Result<QByteArray> content = package.read(name, maxTagFileSize);
        if (!content) {
            problem(Code::UnreadableFile, name,
                    tr("%1 cannot be read: %2").arg(name, content.error().message));
            return false;
        }
        text = BagParser::decodeTagFile(*content, name, encoding, version, bag.issues);
        return true;
    };

    // Versions 0.93 to 0.95 called the metadata file package-info.txt.
    const bool modern = version.atLeast(0, 96);
    QString infoName = modern ? QStringLiteral("bag-info.txt") : QStringLiteral("package-info.txt");
    const QString otherName = modern ? QStringLiteral("package-info.txt") : QStringLiteral("bag-info.txt");
    if (!package.contains(infoName) && package.contains(otherName)) {
        warning(Code::BadDeclaration, otherName,
                tr("The bag declares BagIt %1 but names its metadata file %2; it was read anyway.")
                    .arg(version.toString(), otherName));
        infoName = otherName;
    }
    if (package.contains(infoName)) {
        QString text;
        if (readText(infoName, text)) {
            bag.info = BagParser::parseBagInfo(text, infoName, version, bag.issues);
            bag.infoFile = infoName;
        }
    }

    QStringList payloadNames;
    QStringList tagNames;
    for (const PackageEntry &entry : package.entries()) {
        if (entry.type == PackageEntry::Type::Directory || entry.path.contains(u'/'))
            continue;
        if (!BagParser::payloadManifestAlgorithm(entry.path).isEmpty())
            payloadNames.append(entry.path);
        else if (!BagParser::tagManifestAlgorithm(entry.path).isEmpty())
            tagNames.append(entry.path);
    }
    std::sort(payloadNames.begin(), payloadNames.end());
    std::sort(tagNames.begin(), tagNames.end());
    for (const QString &name : std::as_const(payloadNames) + tagNames) {
        QString text;
        if (!readText(name, text)) {
            if (bag.unusableReason.isEmpty())
                bag.unusableReason = tr("The manifest %1 cannot be read.").arg(name);
            continue;
        }
        Manifest manifest = BagParser::parseManifest(text, name, version, bag.issues);
        (manifest.tag ? bag.tagManifests : bag.payloadManifests).append(std::move(manifest));
    }
    if (payloadNames.isEmpty()) {
        const QString message =
            tr("The bag has no payload manifest (manifest-<algorithm>.txt); every bag needs at least one.");
        problem(Code::NoPayloadManifest, QString(), message);
        if (bag.unusableReason.isEmpty())
            bag.unusableReason = message;
    } else if (std::none_of(bag.payloadManifests.cbegin(), bag.payloadManifests.cend(),
                            [](const Manifest &m) { return m.algorithm.has_value(); })) {
        problem(
            Code::NoVerifiableManifest, QString(),
            tr("None of the payload manifests (%1) uses an algorithm Gatehouse can compute, so no payload "
               "checksum can be verified.")
                .arg(payloadNames.join(QStringLiteral(", "))));
    }

    // Manifests whose names differ only in case would collide on case-insensitive file systems.
    QHash<QString, QString> folded;
    for (const QString &name : std::as_const(payloadNames) + tagNames) {
        const QString key = name.toCaseFolded();
        if (const auto other = folded.constFind(key); other != folded.cend()) {
            warning(Code::CaseCollision, name,
                    tr("The manifests %1 and %2 differ only in case.").arg(*other, name));
        } else {
            folded.insert(key, name);
        }
    }

    if (package.contains(s_fetch)) {
        bag.hasFetch = true;
        QString text;
        if (readText(s_fetch, text))
            bag.fetch = BagParser::parseFetch(text, s_fetch, version, bag.issues);
    }
    return bag;
}

Bag::PayloadIndex Bag::payloadIndex() const
{
    PayloadIndex index;
    for (const Manifest &manifest : payloadManifests) {
        for (const ManifestEntry &entry : manifest.entries) {
            if (!entry.usable())
                continue;
            auto it = index.listings.find(entry.path);
            if (it == index.listings.end()) {
                index.paths.append(entry.path);
                it = index.listings.insert(entry.path, Listing{});
            }
            it->manifests.append(manifest.fileName);
            if (manifest.algorithm && Fixity::isRecorded(*manifest.algorithm)) {
                Fixity::declare(it->declared, *manifest.algorithm, entry.digest);
                it->declared.origin = it->declared.origin.isEmpty()
                                          ? manifest.fileName
                                          : it->declared.origin + u", " + manifest.fileName;
            }
        }
    }
    return index;
}

BagIndex::BagIndex(const Package &package)
{
    for (const PackageEntry &entry : package.entries()) {
        if (entry.type != PackageEntry::Type::File)
            continue;
        m_files.append(entry.path);
        m_sizes.insert(entry.path, entry.size);
        const QString nfc = entry.path.normalized(QString::NormalizationForm_C);
        if (nfc != entry.path)
            m_nfc.insert(nfc, entry.path);
    }
}

QString BagIndex::resolve(const QString &path, bool *normalized) const
{
    if (normalized)
        *normalized = false;
    if (m_sizes.contains(path))
        return path;
    const QString nfc = path.normalized(QString::NormalizationForm_C);
    QString found;
    if (m_sizes.contains(nfc))
        found = nfc;
    else
        found = m_nfc.value(nfc);
    if (!found.isEmpty() && normalized)
        *normalized = true;
    return found;
}

} // namespace gh
