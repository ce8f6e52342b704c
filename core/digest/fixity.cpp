#include "fixity.h"

#include <QFile>
#include <QRegularExpression>

namespace gh {

QString hexDigest(const unsigned char *bytes, qsizetype length)
{
    return QString::fromLatin1(QByteArray(reinterpret_cast<const char *>(bytes), length).toHex());
}

std::optional<DigestAlgorithm> Fixity::anyAlgorithmFromName(QStringView name)
{
    const QString lower = name.toString().toLower().remove(u'-');
    for (DigestAlgorithm algorithm : s_digestAlgorithms) {
        if (lower == Fixity::name(algorithm))
            return algorithm;
    }
    return std::nullopt;
}

std::optional<DigestAlgorithm> Fixity::algorithmFromName(QStringView name)
{
    const auto algorithm = anyAlgorithmFromName(name);
    if (algorithm && isRecorded(*algorithm))
        return algorithm;
    return std::nullopt;
}

bool Fixity::isRecorded(DigestAlgorithm algorithm)
{
    return algorithm != DigestAlgorithm::Sha224 && algorithm != DigestAlgorithm::Sha384;
}

QString Fixity::name(DigestAlgorithm algorithm)
{
    switch (algorithm) {
    case DigestAlgorithm::Md5:
        return QStringLiteral("md5");
    case DigestAlgorithm::Sha1:
        return QStringLiteral("sha1");
    case DigestAlgorithm::Sha224:
        return QStringLiteral("sha224");
    case DigestAlgorithm::Sha256:
        return QStringLiteral("sha256");
    case DigestAlgorithm::Sha384:
        return QStringLiteral("sha384");
    case DigestAlgorithm::Sha512:
        return QStringLiteral("sha512");
    }
    Q_UNREACHABLE();
}

int Fixity::hexLength(DigestAlgorithm algorithm)
{
    switch (algorithm) {
    case DigestAlgorithm::Md5:
        return 32;
    case DigestAlgorithm::Sha1:
        return 40;
    case DigestAlgorithm::Sha224:
        return 56;
    case DigestAlgorithm::Sha256:
        return 64;
    case DigestAlgorithm::Sha384:
        return 96;
    case DigestAlgorithm::Sha512:
        return 128;
    }
    Q_UNREACHABLE();
}

bool Fixity::isHexDigest(QStringView text, DigestAlgorithm algorithm)
{
    if (text.size() != hexLength(algorithm))
        return false;
    for (QChar c : text) {
        if (!((c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F')))
            return false;
    }
    return true;
}

Result<QString> Fixity::readSidecar(const QString &path, DigestAlgorithm algorithm)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return Error{ErrorCode::Unreadable,
                     tr("Cannot read the checksum file %1: %2").arg(path, file.errorString())};
    }
    // A sidecar holds one line; anything much larger is not a sidecar.
    return parseSidecar(file.read(64 * 1024), path, algorithm);
}

Result<QString> Fixity::parseSidecar(const QByteArray &content, const QString &name,
                                     DigestAlgorithm algorithm)
{
    static const QRegularExpression bsd(
        QStringLiteral("^\\s*[A-Za-z0-9-]+\\s*\\(.*\\)\\s*=\\s*([0-9A-Fa-f]+)\\s*$"));
    const QStringList lines = QString::fromUtf8(content).split(u'\n');
    for (QString line : lines) {
        line = line.trimmed();
        if (line.startsWith(u'\uFEFF'))
            line.remove(0, 1);
        if (line.isEmpty() || line.startsWith(u'#'))
            continue;
        QString candidate;
        if (const auto m = bsd.match(line); m.hasMatch())
            candidate = m.captured(1);
        else
            candidate = line.section(u' ', 0, 0, QString::SectionSkipEmpty).section(u'\t', 0, 0);
        if (isHexDigest(candidate, algorithm))
            return candidate.toLower();
        break;
    }
    return Error{ErrorCode::Invalid,
                 tr("The checksum file %1 does not hold a %2 digest.").arg(name, Fixity::name(algorithm))};
}

void Fixity::declare(DeclaredChecksums &declared, DigestAlgorithm algorithm, const QString &digest)
{
    const QString lower = digest.toLower();
    switch (algorithm) {
    case DigestAlgorithm::Md5:
        declared.md5 = lower;
        break;
    case DigestAlgorithm::Sha1:
        declared.sha1 = lower;
        break;
    case DigestAlgorithm::Sha256:
        declared.sha256 = lower;
        break;
    case DigestAlgorithm::Sha512:
        declared.sha512 = lower;
        break;
    case DigestAlgorithm::Sha224:
    case DigestAlgorithm::Sha384:
        break;
    }
}

Fixity::Verdict Fixity::compare(const DeclaredChecksums &declared, const Digests &computed)
{
    Verdict verdict;
    QStringList verified;
    QStringList mismatches;
    auto check = [&](DigestAlgorithm algorithm, const QString &expected, const QString &actual) {
        if (expected.isEmpty() || actual.isEmpty())
            return;
        verdict.checked = true;
        if (expected.compare(actual, Qt::CaseInsensitive) == 0) {
            verified.append(name(algorithm));
        } else {
            verdict.matches = false;
            mismatches.append(tr("%1 declared %2, computed %3").arg(name(algorithm), expected, actual));
        }
    };
    check(DigestAlgorithm::Md5, declared.md5, computed.md5);
    check(DigestAlgorithm::Sha1, declared.sha1, computed.sha1);
    check(DigestAlgorithm::Sha256, declared.sha256, computed.sha256);
    check(DigestAlgorithm::Sha512, declared.sha512, computed.sha512);
    if (!verdict.matches)
        verdict.detail = mismatches.join(QStringLiteral("; "));
    else if (verdict.checked)
        verdict.detail =
            tr("%1 verified against %2").arg(verified.join(QStringLiteral(", ")), declared.origin);
    return verdict;
}

} // namespace gh
