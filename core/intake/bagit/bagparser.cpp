#include "bagparser.h"

#include <QDate>
#include <QHash>
#include <QJsonArray>
#include <QRegularExpression>
#include <QStringDecoder>
#include <QUrl>

namespace gh {

namespace {

using Code = BagIssue::Code;
using Level = BagIssue::Severity;

void add(QList<BagIssue> &issues, Level severity, Code code, const QString &file, int line,
         const QString &message)
{
    issues.append(BagIssue{severity, code, file, line, message});
}

void problem(QList<BagIssue> &issues, Code code, const QString &file, int line, const QString &message)
{
    add(issues, Level::Problem, code, file, line, message);
}

void warning(QList<BagIssue> &issues, Code code, const QString &file, int line, const QString &message)
{
    add(issues, Level::Warning, code, file, line, message);
}

bool isUtf8(const QString &encoding)
{
    return encoding.compare(u"UTF-8", Qt::CaseInsensitive) == 0 ||
           encoding.compare(u"UTF8", Qt::CaseInsensitive) == 0;
}

bool isLinearWhitespace(QChar c)
{
    return c == u' ' || c == u'\t';
}

bool isDigits(QStringView text)
{
    return !text.isEmpty() &&
           std::all_of(text.begin(), text.end(), [](QChar c) { return c >= u'0' && c <= u'9'; });
}

bool isHex(QStringView text)
{
    if (text.isEmpty())
        return false;
    for (QChar c : text) {
        if (!((c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F')))
            return false;
    }
    return true;
}

//! A line quoted in a message: long lines are cut, so one bad line cannot flood the report.
QString quoted(const QString &line)
{
    constexpr qsizetype limit = 120;
    return u'"' + (line.size() > limit ? line.left(limit) + u"…" : line) + u'"';
}

const QByteArray s_bom("\xEF\xBB\xBF");

//! True when \a written holds a '%' that does not start %25, %0A or %0D: a '%' that was not percent-encoded.
bool hasBarePercent(QStringView written)
{
    for (qsizetype at = written.indexOf(u'%'); at >= 0; at = written.indexOf(u'%', at + 1)) {
        const QStringView code = written.mid(at + 1, 2);
        if (code.size() < 2 || !(code == u"25" || code.compare(u"0A", Qt::CaseInsensitive) == 0 ||
                                 code.compare(u"0D", Qt::CaseInsensitive) == 0))
            return true;
    }
    return false;
}

//! The path a manifest or fetch.txt line names, decoded as its version says (§2.1.3: from 1.0 on, LF, CR and
//! '%' are percent-encoded). A '%' that was not written %25 is a problem, and is read literally.
QString decodedPath(const QString &written, const QString &fileName, int lineNo, BagVersion version,
                    QList<BagIssue> &issues)
{
    if (!version.atLeast(1, 0))
        return written;
    if (hasBarePercent(written)) {
        problem(
            issues, Code::PathEncoding, fileName, lineNo,
            BagParser::tr("Line %1 of %2 lists %3, which holds a '%' that is not percent-encoded (as %4), as "
                          "BagIt 1.0 requires; it was read literally.")
                .arg(lineNo)
                .arg(fileName, quoted(written), QStringLiteral("%25")));
    }
    return BagParser::decodePath(written);
}

//! RFC 8493 §2.3: the last line of a tag file SHOULD end with a line break too.
void checkFinalLineEnding(const QString &text, const QString &fileName, QList<BagIssue> &issues)
{
    if (text.isEmpty() || text.endsWith(u'\n') || text.endsWith(u'\r'))
        return;
    warning(issues, Code::MissingLineEnding, fileName, int(BagParser::splitLines(text).size()),
            BagParser::tr("The last line of %1 does not end with a line break; RFC 8493 recommends one.")
                .arg(fileName));
}

} // namespace

QString BagIssue::key(Code code)
{
    switch (code) {
    case Code::MissingDeclaration:
        return QStringLiteral("missing_declaration");
    case Code::BadDeclaration:
        return QStringLiteral("bad_declaration");
    case Code::UnsupportedVersion:
        return QStringLiteral("unsupported_version");
    case Code::UnsupportedEncoding:
        return QStringLiteral("unsupported_encoding");
    case Code::NonUtf8Encoding:
        return QStringLiteral("non_utf8_encoding");
    case Code::ByteOrderMark:
        return QStringLiteral("byte_order_mark");
    case Code::InvalidText:
        return QStringLiteral("invalid_text");
    case Code::MissingPayloadDirectory:
        return QStringLiteral("missing_payload_directory");
    case Code::NoPayloadManifest:
        return QStringLiteral("no_payload_manifest");
    case Code::UnreadableFile:
        return QStringLiteral("unreadable_file");
    case Code::MalformedLine:
        return QStringLiteral("malformed_line");
    case Code::UnsafePath:
        return QStringLiteral("unsafe_path");
    case Code::OutsidePayload:
        return QStringLiteral("outside_payload");
    case Code::PayloadInTagManifest:
        return QStringLiteral("payload_in_tag_manifest");
    case Code::TagManifestInTagManifest:
        return QStringLiteral("tag_manifest_in_tag_manifest");
    case Code::ManifestNotInTagManifest:
        return QStringLiteral("manifest_not_in_tag_manifest");
    case Code::DuplicateEntry:
        return QStringLiteral("duplicate_entry");
    case Code::MissingFile:
        return QStringLiteral("missing_file");
    case Code::UnlistedFile:
        return QStringLiteral("unlisted_file");
    case Code::NotInEveryManifest:
        return QStringLiteral("not_in_every_manifest");
    case Code::FetchPending:
        return QStringLiteral("fetch_pending");
    case Code::FetchNotInManifest:
        return QStringLiteral("fetch_not_in_manifest");
    case Code::BadFetchUrl:
        return QStringLiteral("bad_fetch_url");
    case Code::FetchSizeMismatch:
        return QStringLiteral("fetch_size_mismatch");
    case Code::ChecksumMismatch:
        return QStringLiteral("checksum_mismatch");
    case Code::BadPayloadOxum:
        return QStringLiteral("bad_payload_oxum");
    case Code::PayloadOxumMismatch:
        return QStringLiteral("payload_oxum_mismatch");
    case Code::RepeatedLabel:
        return QStringLiteral("repeated_label");
    case Code::BadReservedValue:
        return QStringLiteral("bad_reserved_value");
    case Code::MissingRecommendedLabel:
        return QStringLiteral("missing_recommended_label");
    case Code::UnknownAlgorithm:
        return QStringLiteral("unknown_algorithm");
    case Code::WeakAlgorithm:
        return QStringLiteral("weak_algorithm");
    case Code::NoVerifiableManifest:
        return QStringLiteral("no_verifiable_manifest");
    case Code::UntrackedTagFile:
        return QStringLiteral("untracked_tag_file");
    case Code::HiddenFile:
        return QStringLiteral("hidden_file");
    case Code::CaseCollision:
        return QStringLiteral("case_collision");
    case Code::NormalizationMismatch:
        return QStringLiteral("normalization_mismatch");
    case Code::NonCanonicalPath:
        return QStringLiteral("non_canonical_path");
    case Code::LegacyManifestFormat:
        return QStringLiteral("legacy_manifest_format");
    case Code::PackageWarning:
        return QStringLiteral("package_warning");
    case Code::AlgorithmName:
        return QStringLiteral("algorithm_name");
    case Code::UnregisteredAlgorithm:
        return QStringLiteral("unregistered_algorithm");
    case Code::PathEncoding:
        return QStringLiteral("path_encoding");
    case Code::MissingLineEnding:
        return QStringLiteral("missing_line_ending");
    case Code::LongLine:
        return QStringLiteral("long_line");
    case Code::ManifestListsDirectory:
        return QStringLiteral("manifest_lists_directory");
    case Code::OsFile:
        return QStringLiteral("os_file");
    case Code::TagManifestsDiffer:
        return QStringLiteral("tag_manifests_differ");
    case Code::TagAlgorithmMismatch:
        return QStringLiteral("tag_algorithm_mismatch");
    case Code::NormalizationCollision:
        return QStringLiteral("normalization_collision");
    case Code::NonPortableName:
        return QStringLiteral("non_portable_name");
    }
    Q_UNREACHABLE();
}

QJsonObject BagIssue::toJson() const
{
    QJsonObject o{{QStringLiteral("code"), key(code)},
                  {QStringLiteral("file"), file},
                  {QStringLiteral("message"), message}};
    if (line > 0)
        o.insert(QStringLiteral("line"), line);
    return o;
}

QString BagVersion::toString() const
{
    return QStringLiteral("%1.%2").arg(major).arg(minor);
}

bool BagVersion::isSupported(const BagVersion &version)
{
    return (version.major == 0 && version.minor >= 93 && version.minor <= 97) ||
           (version.major == 1 && version.minor == 0);
}

QStringList BagInfo::values(QStringView label) const
{
    QStringList result;
    for (const Element &e : m_elements) {
        if (QStringView(e.label).compare(label, Qt::CaseInsensitive) == 0)
            result.append(e.value);
    }
    return result;
}

bool BagInfo::contains(QStringView label) const
{
    return std::any_of(m_elements.cbegin(), m_elements.cend(), [&](const Element &e) {
        return QStringView(e.label).compare(label, Qt::CaseInsensitive) == 0;
    });
}

QJsonObject BagInfo::toJson() const
{
    QJsonObject object;
    QHash<QString, QString> spelling; // case-folded label → the first spelling, used as the key
    for (const Element &e : m_elements) {
        const QString folded = e.label.toCaseFolded();
        const auto first = spelling.constFind(folded);
        if (first == spelling.cend()) {
            spelling.insert(folded, e.label);
            object.insert(e.label, e.value);
            continue;
        }
        const QJsonValue existing = object.value(*first);
        QJsonArray array = existing.isArray() ? existing.toArray() : QJsonArray{existing};
        array.append(e.value);
        object.insert(*first, array);
    }
    return object;
}

QStringList BagParser::splitLines(const QString &text)
{
    QStringList lines;
    qsizetype start = 0;
    const qsizetype n = text.size();
    for (qsizetype i = 0; i < n; ++i) {
        const QChar c = text.at(i);
        if (c != u'\n' && c != u'\r')
            continue;
        lines.append(text.mid(start, i - start));
        if (c == u'\r' && i + 1 < n && text.at(i + 1) == u'\n')
            ++i;
        start = i + 1;
    }
    if (start < n)
        lines.append(text.mid(start));
    return lines;
}

Result<BagDeclaration> BagParser::parseDeclaration(const QByteArray &content, QList<BagIssue> &issues)
{
    const QString file = QStringLiteral("bagit.txt");
    BagDeclaration declaration;
    QByteArray bytes = content;
    // RFC 8493 §2.1.1: the declaration MUST be UTF-8 and MUST NOT hold a byte-order mark. The rest is read
    // anyway, so every other problem is reported too.
    if (bytes.startsWith(s_bom)) {
        declaration.hadByteOrderMark = true;
        bytes.remove(0, s_bom.size());
        problem(issues, Code::ByteOrderMark, file, 1,
                tr("bagit.txt starts with a UTF-8 byte-order mark; RFC 8493 forbids one in the bag "
                   "declaration."));
    }
    QStringDecoder decoder(QStringDecoder::Utf8);
    const QString text = decoder.decode(bytes);
    if (decoder.hasError())
        problem(issues, Code::InvalidText, file, 0, tr("bagit.txt is not valid UTF-8."));
    checkFinalLineEnding(text, file, issues);

    // Exactly two lines, each exactly "Label: value" with one space after the colon (§2.1.1 and the ABNF of
    // §7.1). Lines that deviate are read leniently, so the version is still known, and reported as problems.
    QString versionText;
    int versionLine = 0;
    int encodingLine = 0;
    const QStringList lines = splitLines(text);
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const int lineNo = int(i + 1);
        const QString &line = lines[i];
        if (line.trimmed().isEmpty()) {
            problem(issues, Code::BadDeclaration, file, lineNo,
                    tr("Line %1 of bagit.txt is empty; bagit.txt must consist of exactly two lines, "
                       "BagIt-Version and Tag-File-Character-Encoding.")
                        .arg(lineNo));
            continue;
        }
        const qsizetype colon = line.indexOf(u':');
        if (colon < 0) {
            problem(issues, Code::BadDeclaration, file, lineNo,
                    tr("Line %1 of bagit.txt is not of the form \"Label: value\": %2")
                        .arg(lineNo)
                        .arg(quoted(line)));
            continue;
        }
        const QString label = line.left(colon).trimmed();
        const QString value = line.mid(colon + 1).trimmed();
        const bool isVersion = label.compare(u"BagIt-Version", Qt::CaseInsensitive) == 0;
        const bool isEncoding = label.compare(u"Tag-File-Character-Encoding", Qt::CaseInsensitive) == 0;
        if (!isVersion && !isEncoding) {
            problem(issues, Code::BadDeclaration, file, lineNo,
                    tr("Line %1 of bagit.txt holds %2; bagit.txt must consist of exactly two lines, "
                       "BagIt-Version and Tag-File-Character-Encoding.")
                        .arg(lineNo)
                        .arg(quoted(line)));
            continue;
        }
        const QString canonical =
            isVersion ? QStringLiteral("BagIt-Version") : QStringLiteral("Tag-File-Character-Encoding");
        if (value.isEmpty() || line != canonical + u": " + value) {
            problem(issues, Code::BadDeclaration, file, lineNo,
                    tr("Line %1 of bagit.txt reads %2; it must be exactly \"%3: %4\" (the label as written "
                       "here, one space after the colon, no other whitespace).")
                        .arg(lineNo)
                        .arg(quoted(line), canonical, value.isEmpty() ? tr("…") : value));
        }
        int &seen = isVersion ? versionLine : encodingLine;
        if (seen > 0) {
            problem(
                issues, Code::BadDeclaration, file, lineNo,
                tr("bagit.txt declares %1 twice (lines %2 and %3).").arg(canonical).arg(seen).arg(lineNo));
            continue;
        }
        seen = lineNo;
        if (isVersion)
            versionText = value;
        else
            declaration.encoding = value;
    }

    if (versionLine == 0) {
        const QString message = tr("bagit.txt does not declare a BagIt-Version.");
        problem(issues, Code::BadDeclaration, file, 0, message);
        return Error{ErrorCode::Invalid, message};
    }
    static const QRegularExpression versionPattern(QStringLiteral("^(\\d{1,4})\\.(\\d{1,4})$"));
    const QRegularExpressionMatch m = versionPattern.match(versionText);
    if (!m.hasMatch()) {
        const QString message = tr("BagIt-Version %1 in bagit.txt (line %2) is not a version number of the "
                                   "form M.N.")
                                    .arg(quoted(versionText))
                                    .arg(versionLine);
        problem(issues, Code::BadDeclaration, file, versionLine, message);
        return Error{ErrorCode::Invalid, message};
    }
    declaration.version.major = m.captured(1).toInt();
    declaration.version.minor = m.captured(2).toInt();
    if (!BagVersion::isSupported(declaration.version)) {
        const QString message = tr("bagit.txt declares BagIt version %1; Gatehouse reads versions 0.93 to "
                                   "0.97 and 1.0.")
                                    .arg(versionText);
        problem(issues, Code::UnsupportedVersion, file, versionLine, message);
        return Error{ErrorCode::Invalid, message};
    }

    if (encodingLine == 0) {
        // 0.93 predates the encoding line; later versions require it.
        if (declaration.version.atLeast(0, 94)) {
            problem(issues, Code::BadDeclaration, file, 0,
                    tr("bagit.txt does not declare Tag-File-Character-Encoding; the tag files are read as "
                       "UTF-8."));
        }
        declaration.encoding = QStringLiteral("UTF-8");
    } else if (encodingLine < versionLine) {
        problem(issues, Code::BadDeclaration, file, encodingLine,
                tr("bagit.txt declares Tag-File-Character-Encoding before BagIt-Version; RFC 8493 requires "
                   "BagIt-Version on the first line and Tag-File-Character-Encoding on the second."));
    }
    if (encodingLine > 0 && !isUtf8(declaration.encoding)) {
        if (canDecode(declaration.encoding)) {
            warning(issues, Code::NonUtf8Encoding, file, encodingLine,
                    tr("bagit.txt declares the tag files to be in %1; UTF-8 is strongly recommended.")
                        .arg(declaration.encoding));
        } else {
            problem(issues, Code::UnsupportedEncoding, file, encodingLine,
                    tr("bagit.txt declares the tag file encoding %1, which Gatehouse cannot decode; the tag "
                       "files are read as UTF-8.")
                        .arg(quoted(declaration.encoding)));
        }
    }
    return declaration;
}

bool BagParser::canDecode(const QString &encoding)
{
    if (isUtf8(encoding))
        return true;
    if (encoding.isEmpty())
        return false;
    return QStringDecoder(encoding.toLatin1().constData()).isValid();
}

QString BagParser::decodeTagFile(const QByteArray &content, const QString &fileName, const QString &encoding,
                                 BagVersion version, QList<BagIssue> &issues)
{
    if (!isUtf8(encoding) && canDecode(encoding)) {
        QStringDecoder decoder(encoding.toLatin1().constData());
        const QString text = decoder.decode(content);
        if (decoder.hasError()) {
            problem(issues, Code::InvalidText, fileName, 0,
                    tr("%1 is not valid %2; undecodable bytes were replaced.").arg(fileName, encoding));
        }
        checkFinalLineEnding(text, fileName, issues);
        return text;
    }
    QByteArray bytes = content;
    if (bytes.startsWith(s_bom)) {
        bytes.remove(0, s_bom.size());
        // §2.3: UTF-8 tag files MUST NOT begin with a byte-order mark; versions before 1.0 did not say so.
        add(issues, version.atLeast(1, 0) ? Level::Problem : Level::Warning, Code::ByteOrderMark, fileName, 1,
            tr("%1 starts with a UTF-8 byte-order mark, which RFC 8493 forbids in UTF-8 tag files.")
                .arg(fileName));
    }
    QStringDecoder decoder(QStringDecoder::Utf8);
    const QString text = decoder.decode(bytes);
    if (decoder.hasError()) {
        problem(issues, Code::InvalidText, fileName, 0,
                tr("%1 is not valid UTF-8; undecodable bytes were replaced.").arg(fileName));
    }
    checkFinalLineEnding(text, fileName, issues);
    return text;
}

BagInfo BagParser::parseBagInfo(const QString &text, const QString &fileName, BagVersion version,
                                QList<BagIssue> &issues)
{
    QList<BagInfo::Element> elements;
    const QStringList lines = splitLines(text);
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const int lineNo = int(i + 1);
        const QString &line = lines[i];
        if (line.trimmed().isEmpty())
            continue;
        if (isLinearWhitespace(line.front())) {
            if (elements.isEmpty()) {
                problem(issues, Code::MalformedLine, fileName, lineNo,
                        tr("Line %1 of %2 is indented as a continuation, but no label precedes it.")
                            .arg(lineNo)
                            .arg(fileName));
                continue;
            }
            // RFC 8493 §2.2.2: the line break is part of the value, the indentation is not.
            elements.last().value += u'\n' + line.trimmed();
            continue;
        }
        const qsizetype colon = line.indexOf(u':');
        if (colon <= 0) {
            problem(issues, Code::MalformedLine, fileName, lineNo,
                    tr("Line %1 of %2 is not of the form \"Label: value\": %3")
                        .arg(lineNo)
                        .arg(fileName, quoted(line)));
            continue;
        }
        const QString label = line.left(colon);
        const QString trimmedLabel = label.trimmed();
        if (trimmedLabel.isEmpty()) {
            problem(issues, Code::MalformedLine, fileName, lineNo,
                    tr("Line %1 of %2 has no label before its colon.").arg(lineNo).arg(fileName));
            continue;
        }
        // Whitespace around the colon was allowed before 1.0 and is not part of the label. From 1.0 on the
        // label must not end with whitespace and one space or tab separates colon and value (§2.2.2); such
        // lines are still read, with a warning, since bag-info.txt is written by hand.
        const QString rest = line.mid(colon + 1);
        if (version.atLeast(1, 0)) {
            if (label != trimmedLabel) {
                warning(
                    issues, Code::MalformedLine, fileName, lineNo,
                    tr("Line %1 of %2: the label %3 ends with whitespace, which BagIt 1.0 does not allow.")
                        .arg(lineNo)
                        .arg(fileName, quoted(label)));
            } else if (rest.size() < 2 || !isLinearWhitespace(rest.front()) ||
                       isLinearWhitespace(rest.at(1))) {
                warning(issues, Code::MalformedLine, fileName, lineNo,
                        tr("Line %1 of %2: BagIt 1.0 puts exactly one space or tab between the colon and the "
                           "value: %3")
                            .arg(lineNo)
                            .arg(fileName, quoted(line)));
            }
        }
        elements.append(BagInfo::Element{trimmedLabel, rest.trimmed(), lineNo});
    }
    // §2.2.2: lines SHOULD NOT exceed 79 characters; one warning per file, naming the first.
    int longLines = 0;
    int firstLong = 0;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        if (lines[i].size() > 79) {
            firstLong = firstLong ? firstLong : int(i + 1);
            ++longLines;
        }
    }
    if (longLines > 0) {
        warning(
            issues, Code::LongLine, fileName, firstLong,
            tr("%n line(s) of %1 are longer than the 79 characters RFC 8493 recommends (the first is line "
               "%2); long values can be continued on indented lines.",
               nullptr, longLines)
                .arg(fileName)
                .arg(firstLong));
    }

    BagInfo info;
    for (BagInfo::Element &e : elements)
        info.append(std::move(e));

    auto linesOf = [&](QStringView label) {
        QList<int> result;
        for (const BagInfo::Element &e : info.elements()) {
            if (QStringView(e.label).compare(label, Qt::CaseInsensitive) == 0)
                result.append(e.line);
        }
        return result;
    };

    static const QRegularExpression oxumPattern(QStringLiteral("^\\d+\\.\\d+$"));
    const QList<int> oxumLines = linesOf(u"Payload-Oxum");
    if (oxumLines.size() > 1) {
        problem(issues, Code::BadPayloadOxum, fileName, oxumLines[1],
                tr("%1 gives Payload-Oxum %2 times; it must appear at most once.")
                    .arg(fileName)
                    .arg(oxumLines.size()));
    }
    for (const BagInfo::Element &e : info.elements()) {
        if (e.label.compare(u"Payload-Oxum", Qt::CaseInsensitive) == 0 &&
            !oxumPattern.match(e.value).hasMatch()) {
            problem(issues, Code::BadPayloadOxum, fileName, e.line,
                    tr("Payload-Oxum %1 in %2 (line %3) is not of the form OctetCount.StreamCount.")
                        .arg(quoted(e.value), fileName)
                        .arg(e.line));
        }
        if (e.label.compare(u"Bagging-Date", Qt::CaseInsensitive) == 0 &&
            !QDate::fromString(e.value, QStringLiteral("yyyy-MM-dd")).isValid()) {
            warning(issues, Code::BadReservedValue, fileName, e.line,
                    tr("Bagging-Date %1 in %2 (line %3) is not a date of the form YYYY-MM-DD.")
                        .arg(quoted(e.value), fileName)
                        .arg(e.line));
        }
        static const QRegularExpression countPattern(QStringLiteral("^\\d+\\s+of\\s+(\\d+|\\?)$"),
                                                     QRegularExpression::CaseInsensitiveOption);
        if (e.label.compare(u"Bag-Count", Qt::CaseInsensitive) == 0 &&
            !countPattern.match(e.value).hasMatch()) {
            warning(issues, Code::BadReservedValue, fileName, e.line,
                    tr("Bag-Count %1 in %2 (line %3) is not of the form \"N of T\".")
                        .arg(quoted(e.value), fileName)
                        .arg(e.line));
        }
    }
    if (const QList<int> count = linesOf(u"Bag-Count");
        !count.isEmpty() && linesOf(u"Bag-Group-Identifier").isEmpty()) {
        warning(issues, Code::MissingRecommendedLabel, fileName, count.constFirst(),
                tr("%1 gives a Bag-Count but no Bag-Group-Identifier; RFC 8493 recommends both together.")
                    .arg(fileName));
    }
    for (const char16_t *label : {u"Bagging-Date", u"Bag-Size", u"Bag-Group-Identifier", u"Bag-Count"}) {
        const QList<int> at = linesOf(label);
        if (at.size() > 1) {
            warning(issues, Code::RepeatedLabel, fileName, at[1],
                    tr("%1 gives %2 %3 times; it should appear only once.")
                        .arg(fileName, QString::fromUtf16(label))
                        .arg(at.size()));
        }
    }
    return info;
}

QString BagParser::payloadManifestAlgorithm(const QString &fileName)
{
    static const QRegularExpression pattern(QStringLiteral("^manifest-([^/]+)\\.txt$"));
    return pattern.match(fileName).captured(1);
}

QString BagParser::tagManifestAlgorithm(const QString &fileName)
{
    static const QRegularExpression pattern(QStringLiteral("^tagmanifest-([^/]+)\\.txt$"));
    return pattern.match(fileName).captured(1);
}

Manifest BagParser::parseManifest(const QString &text, const QString &fileName, BagVersion version,
                                  QList<BagIssue> &issues)
{
    Manifest manifest;
    manifest.fileName = fileName;
    manifest.tag = fileName.startsWith(u"tagmanifest-");
    manifest.algorithmName =
        manifest.tag ? tagManifestAlgorithm(fileName) : payloadManifestAlgorithm(fileName);
    manifest.algorithm = Fixity::anyAlgorithmFromName(manifest.algorithmName);
    static const QRegularExpression normalisedName(QStringLiteral("^[a-z0-9]+$"));
    if (!normalisedName.match(manifest.algorithmName).hasMatch()) {
        // §2.4: the name MUST be lower-cased with everything but letters and digits removed.
        QString normalised = manifest.algorithmName.toLower();
        normalised.remove(QRegularExpression(QStringLiteral("[^a-z0-9]")));
        problem(issues, Code::AlgorithmName, fileName, 0,
                tr("%1 names its algorithm %2; RFC 8493 requires the normalised name %3 (lower case, letters "
                   "and digits only).")
                    .arg(fileName, quoted(manifest.algorithmName), quoted(normalised)));
    }
    if (!manifest.algorithm) {
        warning(issues, Code::UnknownAlgorithm, fileName, 0,
                tr("%1 uses the algorithm %2, which Gatehouse cannot compute; its checksums are not "
                   "verified.")
                    .arg(fileName, quoted(manifest.algorithmName)));
    } else if (*manifest.algorithm == DigestAlgorithm::Sha224) {
        // §2.4: algorithms SHOULD be registered in IANA's Named Information Hash Algorithm Registry (md5 and
        // sha1 are allowed for backwards compatibility); sha-224 is not in it.
        warning(
            issues, Code::UnregisteredAlgorithm, fileName, 0,
            tr("%1 uses sha224, which is not in IANA's Named Information Hash Algorithm Registry that RFC "
               "8493 recommends; Gatehouse computes it all the same.")
                .arg(fileName));
    }
    const QString kind = manifest.algorithm ? Fixity::name(*manifest.algorithm) : manifest.algorithmName;

    bool legacy = false;
    bool nonCanonical = false;
    QHash<QString, qsizetype> seen;
    const QStringList lines = splitLines(text);
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const int lineNo = int(i + 1);
        const QString &line = lines[i];
        if (line.trimmed().isEmpty())
            continue;
        qsizetype gap = 0;
        while (gap < line.size() && !isLinearWhitespace(line.at(gap)))
            ++gap;
        qsizetype start = gap;
        while (start < line.size() && isLinearWhitespace(line.at(start)))
            ++start;
        if (gap == 0 || start >= line.size()) {
            problem(issues, Code::MalformedLine, fileName, lineNo,
                    tr("Line %1 of %2 is not of the form \"checksum path\": %3")
                        .arg(lineNo)
                        .arg(fileName, quoted(line)));
            continue;
        }
        const QString checksum = line.left(gap);
        if (manifest.algorithm ? !Fixity::isHexDigest(checksum, *manifest.algorithm) : !isHex(checksum)) {
            problem(issues, Code::MalformedLine, fileName, lineNo,
                    tr("Line %1 of %2: %3 is not a %4 checksum.")
                        .arg(lineNo)
                        .arg(fileName, quoted(checksum), kind));
            continue;
        }
        ManifestEntry entry;
        entry.written = line.mid(start);
        entry.digest = checksum.toLower();
        entry.line = lineNo;
        if (entry.written.startsWith(u'*') && entry.written.size() > 1) {
            legacy = true;
            entry.written.remove(0, 1);
        }
        const QString decoded = decodedPath(entry.written, fileName, lineNo, version, issues);
        QString reason;
        const QString normalized = normalizePath(decoded, &reason);
        if (normalized.isEmpty()) {
            entry.path = decoded;
            entry.problem = reason;
            problem(issues, Code::UnsafePath, fileName, lineNo,
                    tr("Line %1 of %2 lists %3, which %4; files outside the bag's scope are invalid.")
                        .arg(lineNo)
                        .arg(fileName, quoted(entry.written), reason));
        } else {
            nonCanonical = nonCanonical || normalized != decoded;
            entry.path = normalized;
            if (!manifest.tag && !normalized.startsWith(u"data/")) {
                entry.problem = tr("is outside the payload folder data/");
                problem(
                    issues, Code::OutsidePayload, fileName, lineNo,
                    tr("Line %1 of %2 lists %3, which is outside data/; a payload manifest must list only "
                       "payload files.")
                        .arg(lineNo)
                        .arg(fileName, quoted(entry.written)));
            } else if (manifest.tag && normalized.startsWith(u"data/")) {
                entry.problem = tr("is a payload file listed in a tag manifest");
                problem(issues, Code::PayloadInTagManifest, fileName, lineNo,
                        tr("Line %1 of %2 lists the payload file %3; a tag manifest must not list payload "
                           "files.")
                            .arg(lineNo)
                            .arg(fileName, quoted(entry.written)));
            }
        }
        if (const auto previous = seen.constFind(entry.path); previous != seen.cend()) {
            const ManifestEntry &first = manifest.entries[*previous];
            if (first.digest == entry.digest) {
                // 1.0 requires every file exactly once; earlier versions were silent on repeats.
                add(issues, version.atLeast(1, 0) ? Level::Problem : Level::Warning, Code::DuplicateEntry,
                    fileName, lineNo,
                    tr("%1 lists %2 twice (lines %3 and %4); every file must be listed exactly once.")
                        .arg(fileName, quoted(entry.path))
                        .arg(first.line)
                        .arg(lineNo));
            } else {
                problem(issues, Code::DuplicateEntry, fileName, lineNo,
                        tr("%1 lists %2 twice with different checksums (line %3: %4, line %5: %6).")
                            .arg(fileName, quoted(entry.path))
                            .arg(first.line)
                            .arg(first.digest)
                            .arg(lineNo)
                            .arg(entry.digest));
            }
            continue;
        }
        seen.insert(entry.path, manifest.entries.size());
        manifest.entries.append(std::move(entry));
    }
    if (legacy) {
        warning(issues, Code::LegacyManifestFormat, fileName, 0,
                tr("%1 marks paths with md5sum's \"*\" binary flag; Gatehouse ignored it, but strict BagIt "
                   "validators reject such manifests.")
                    .arg(fileName));
    }
    if (nonCanonical) {
        warning(issues, Code::NonCanonicalPath, fileName, 0,
                tr("%1 writes some paths in a non-canonical form (such as \"./data/…\" or \"data//…\"); they "
                   "were normalised.")
                    .arg(fileName));
    }
    return manifest;
}

QList<ManifestEntry> BagParser::parseFetch(const QString &text, const QString &fileName, BagVersion version,
                                           QList<BagIssue> &issues)
{
    QList<ManifestEntry> entries;
    QHash<QString, int> seen;
    const QStringList lines = splitLines(text);
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const int lineNo = int(i + 1);
        const QString &line = lines[i];
        if (line.trimmed().isEmpty())
            continue;
        // url, length and path are separated by runs of linear whitespace; the path is the rest of the line.
        QStringList fields;
        qsizetype pos = 0;
        while (pos < line.size() && isLinearWhitespace(line.at(pos)))
            ++pos;
        for (int field = 0; field < 2 && pos < line.size(); ++field) {
            const qsizetype begin = pos;
            while (pos < line.size() && !isLinearWhitespace(line.at(pos)))
                ++pos;
            fields.append(line.mid(begin, pos - begin));
            while (pos < line.size() && isLinearWhitespace(line.at(pos)))
                ++pos;
        }
        if (fields.size() < 2 || pos >= line.size()) {
            problem(issues, Code::MalformedLine, fileName, lineNo,
                    tr("Line %1 of %2 is not of the form \"url length path\": %3")
                        .arg(lineNo)
                        .arg(fileName, quoted(line)));
            continue;
        }
        ManifestEntry entry;
        entry.url = fields[0];
        entry.written = line.mid(pos);
        entry.line = lineNo;
        const QString &length = fields[1];
        if (length != u"-") {
            bool ok = false;
            entry.length = length.toLongLong(&ok);
            if (!ok || !isDigits(length)) {
                problem(issues, Code::MalformedLine, fileName, lineNo,
                        tr("Line %1 of %2: the length %3 is neither a number of bytes nor \"-\".")
                            .arg(lineNo)
                            .arg(fileName, quoted(length)));
                continue;
            }
        }
        const QUrl url(entry.url, QUrl::StrictMode);
        if (!url.isValid() || url.scheme().isEmpty() || (url.host().isEmpty() && url.scheme() != u"file")) {
            problem(
                issues, Code::BadFetchUrl, fileName, lineNo,
                tr("Line %1 of %2: %3 is not an absolute URL.").arg(lineNo).arg(fileName, quoted(entry.url)));
            continue;
        }
        const QString decoded = decodedPath(entry.written, fileName, lineNo, version, issues);
        QString reason;
        const QString normalized = normalizePath(decoded, &reason);
        if (normalized.isEmpty()) {
            entry.path = decoded;
            entry.problem = reason;
            problem(issues, Code::UnsafePath, fileName, lineNo,
                    tr("Line %1 of %2 lists %3, which %4; files outside the bag's scope are invalid.")
                        .arg(lineNo)
                        .arg(fileName, quoted(entry.written), reason));
        } else {
            entry.path = normalized;
            if (!normalized.startsWith(u"data/")) {
                entry.problem = tr("is outside the payload folder data/");
                problem(issues, Code::OutsidePayload, fileName, lineNo,
                        tr("Line %1 of %2 lists %3, which is outside data/; fetch.txt must list only payload "
                           "files.")
                            .arg(lineNo)
                            .arg(fileName, quoted(entry.written)));
            }
        }
        if (const auto previous = seen.constFind(entry.path); previous != seen.cend()) {
            problem(issues, Code::DuplicateEntry, fileName, lineNo,
                    tr("%1 lists %2 twice (lines %3 and %4).")
                        .arg(fileName, quoted(entry.path))
                        .arg(*previous)
                        .arg(lineNo));
            continue;
        }
        seen.insert(entry.path, lineNo);
        entries.append(std::move(entry));
    }
    return entries;
}

QString BagParser::decodePath(QStringView written)
{
    QString result;
    result.reserve(written.size());
    for (qsizetype i = 0; i < written.size(); ++i) {
        const QChar c = written.at(i);
        if (c == u'%' && i + 2 < written.size()) {
            const QStringView code = written.mid(i + 1, 2);
            if (code.compare(u"0A", Qt::CaseInsensitive) == 0) {
                result += u'\n';
                i += 2;
                continue;
            }
            if (code.compare(u"0D", Qt::CaseInsensitive) == 0) {
                result += u'\r';
                i += 2;
                continue;
            }
            if (code == u"25") {
                result += u'%';
                i += 2;
                continue;
            }
        }
        result += c;
    }
    return result;
}

QString BagParser::encodePath(QStringView path)
{
    QString result;
    result.reserve(path.size());
    for (QChar c : path) {
        if (c == u'%')
            result += u"%25";
        else if (c == u'\n')
            result += u"%0A";
        else if (c == u'\r')
            result += u"%0D";
        else
            result += c;
    }
    return result;
}

QString BagParser::normalizePath(const QString &path, QString *reason)
{
    auto fail = [&](const QString &why) {
        if (reason)
            *reason = why;
        return QString();
    };
    if (path.isEmpty())
        return fail(tr("is empty"));
    if (path.contains(QChar(u'\0')))
        return fail(tr("contains a NUL character"));
    if (path.startsWith(u'/'))
        return fail(tr("is an absolute path"));
    if (path.size() >= 2 && path.at(1) == u':' && path.at(0).isLetter())
        return fail(tr("names a drive"));
    if (path.contains(u'\\'))
        return fail(tr("uses a backslash, which BagIt does not allow as a path separator"));
    if (path.startsWith(u'~'))
        return fail(tr("refers to a home folder"));
    if (path.endsWith(u'/'))
        return fail(tr("names a folder, not a file"));
    QStringList kept;
    for (const QString &segment : path.split(u'/')) {
        if (segment.isEmpty() || segment == u".")
            continue;
        if (segment == u"..") {
            if (kept.isEmpty())
                return fail(tr("leaves the bag"));
            kept.removeLast();
            continue;
        }
        kept.append(segment);
    }
    if (kept.isEmpty())
        return fail(tr("names the bag itself"));
    return kept.join(u'/');
}

} // namespace gh
