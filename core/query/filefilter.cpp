#include "filefilter.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <vector>

#include "util/naturalorder.h"

namespace gh {

namespace {

const QString &statusKeyword()
{
    static const QString s = QStringLiteral("status");
    return s;
}

// The groups a curator thinks in, besides the individual statuses.
std::optional<Severity> severityGroup(QStringView value)
{
    if (value == u"failed")
        return Severity::Error;
    if (value == u"ok")
        return Severity::Ok;
    if (value == u"skipped")
        return Severity::Skipped;
    if (value == u"open")
        return Severity::Open;
    return std::nullopt;
}

bool hasWildcard(QStringView text)
{
    return text.contains(u'*') || text.contains(u'?');
}

// Quotes a value for toQuery() when it would otherwise split or read as a criterion.
QString quoted(const QString &value)
{
    if (!value.contains(u' ') && !value.contains(u'"') && !value.contains(u':') && !value.isEmpty())
        return value;
    QString copy = value;
    copy.replace(QStringLiteral("\""), QStringLiteral("\\\""));
    return u'"' + copy + u'"';
}

QString sizeText(qint64 bytes)
{
    static const char16_t units[] = {u'T', u'G', u'M', u'k'};
    for (int i = 0; i < 4; ++i) {
        const qint64 unit = qint64(1) << (10 * (4 - i));
        if (bytes >= unit && bytes % unit == 0)
            return QString::number(bytes / unit) + QChar(units[i]);
    }
    return QString::number(bytes);
}

bool containsFolded(const QString &haystack, const QString &needle)
{
    return haystack.contains(needle, Qt::CaseInsensitive);
}

} // namespace

std::optional<qint64> FileFilter::parseSize(QStringView text)
{
    QStringView t = text.trimmed();
    if (t.endsWith(u"iB"))
        t.chop(2);
    else if (t.endsWith(u'B'))
        t.chop(1);
    if (t.isEmpty())
        return std::nullopt;
    int shift = 0;
    switch (t.back().unicode()) {
    case u'k':
    case u'K':
        shift = 10;
        break;
    case u'm':
    case u'M':
        shift = 20;
        break;
    case u'g':
    case u'G':
        shift = 30;
        break;
    case u't':
    case u'T':
        shift = 40;
        break;
    default:
        break;
    }
    if (shift)
        t.chop(1);
    if (t.isEmpty())
        return std::nullopt;
    // Fractions ("1.5M") are common enough in how people write sizes to accept.
    bool ok = false;
    if (t.contains(u'.')) {
        const double value = t.toDouble(&ok);
        if (!ok || value < 0 || value * double(qint64(1) << shift) > 9.0e18)
            return std::nullopt;
        return qint64(value * double(qint64(1) << shift));
    }
    const qint64 value = t.toLongLong(&ok);
    if (!ok || value < 0 || (shift && value > (std::numeric_limits<qint64>::max() >> shift)))
        return std::nullopt;
    return value << shift;
}

std::optional<QSet<FileStatus>> FileFilter::statusesFor(QStringView value)
{
    QSet<FileStatus> result;
    if (const auto group = severityGroup(value)) {
        for (FileStatus s : StatusInfo::all()) {
            if (StatusInfo::severity(s) == *group)
                result.insert(s);
        }
        return result;
    }
    if (const auto status = StatusInfo::fromKey(value)) {
        result.insert(*status);
        return result;
    }
    return std::nullopt;
}

QStringList FileFilter::splitTerms(QStringView query)
{
    QStringList terms;
    QString current;
    bool inQuotes = false;
    bool started = false;
    for (qsizetype i = 0; i < query.size(); ++i) {
        const QChar c = query[i];
        if (inQuotes) {
            current += c;
            if (c == u'\\' && i + 1 < query.size()) {
                current += query[++i];
            } else if (c == u'"') {
                inQuotes = false;
            }
            continue;
        }
        if (c.isSpace()) {
            if (started)
                terms.append(current);
            current.clear();
            started = false;
            continue;
        }
        started = true;
        current += c;
        if (c == u'"')
            inQuotes = true;
    }
    if (started)
        terms.append(current);
    return terms;
}

Result<FileFilter> FileFilter::parse(QStringView query)
{
    FileFilter filter;
    bool haveSize = false;
    bool haveName = false;
    bool haveQa = false;
    for (const QString &term : splitTerms(query)) {
        // Removes the quotes and unescapes; a term with an unclosed quote is an error, not a guess.
        auto unquote = [&](QStringView text) -> std::optional<QString> {
            QString value;
            bool inQuotes = false;
            for (qsizetype i = 0; i < text.size(); ++i) {
                const QChar c = text[i];
                if (c == u'"') {
                    inQuotes = !inQuotes;
                } else if (inQuotes && c == u'\\' && i + 1 < text.size()) {
                    value += text[++i];
                } else {
                    value += c;
                }
            }
            if (inQuotes)
                return std::nullopt;
            return value;
        };
        auto bad = [&](const QString &reason) {
            return Error{ErrorCode::Usage, tr("The filter term \"%1\" is not valid: %2").arg(term, reason)};
        };

        const qsizetype colon = term.indexOf(u':');
        const qsizetype quote = term.indexOf(u'"');
        const bool isCriterion = colon > 0 && (quote < 0 || colon < quote);
        if (!isCriterion) {
            const auto text = unquote(term);
            if (!text)
                return bad(tr("the closing quote is missing."));
            if (!text->isEmpty())
                filter.m_text.append(text->toCaseFolded());
            continue;
        }
        const QString key = term.left(colon).toLower();
        const auto unquoted = unquote(QStringView(term).mid(colon + 1));
        if (!unquoted)
            return bad(tr("the closing quote is missing."));
        const QString value = unquoted->trimmed();
        if (value.isEmpty())
            return bad(tr("it has no value after the colon."));

        if (key == statusKeyword()) {
            for (const QString &part : value.split(u',', Qt::SkipEmptyParts)) {
                const QString lower = part.trimmed().toLower();
                const auto statuses = statusesFor(lower);
                if (!statuses)
                    return bad(tr("\"%1\" is not a status; use a status key such as \"fixity-mismatch\" "
                                  "or one of failed, ok, skipped, open.")
                                   .arg(part));
                filter.m_statuses.unite(*statuses);
                if (!filter.m_statusTerms.contains(lower))
                    filter.m_statusTerms.append(lower);
            }
        } else if (key == u"mime" || key == u"type") {
            for (const QString &part : value.split(u',', Qt::SkipEmptyParts)) {
                const QString pattern = part.trimmed().toLower();
                const qsizetype slash = pattern.indexOf(u'/');
                const bool wellFormed =
                    pattern == u"*" ||
                    (slash > 0 && slash < pattern.size() - 1 && pattern.indexOf(u'/', slash + 1) < 0 &&
                     (!pattern.contains(u'*') || pattern.endsWith(u"/*")));
                if (!wellFormed)
                    return bad(tr("\"%1\" is not a mimetype pattern; write \"image/png\" or \"image/*\".")
                                   .arg(part));
                if (pattern != u"*" && !filter.m_mimePatterns.contains(pattern))
                    filter.m_mimePatterns.append(pattern);
            }
        } else if (key == u"size") {
            if (haveSize)
                return bad(tr("only one size term may be given."));
            haveSize = true;
            qint64 min = -1;
            qint64 max = -1;
            const qsizetype range = value.indexOf(u"..");
            if (range >= 0) {
                const QStringView lowText = QStringView(value).left(range);
                const QStringView highText = QStringView(value).mid(range + 2);
                const auto low = lowText.isEmpty() ? std::optional<qint64>(-1) : parseSize(lowText);
                const auto high = highText.isEmpty() ? std::optional<qint64>(-1) : parseSize(highText);
                if (!low || !high || (lowText.isEmpty() && highText.isEmpty()))
                    return bad(tr("write a size range as \"10k..2M\"."));
                min = *low;
                max = *high;
            } else {
                QStringView number = value;
                int op = 0; // 0 '=', 1 '>', 2 '>=', 3 '<', 4 '<='
                if (number.startsWith(u">=")) {
                    op = 2;
                    number = number.mid(2);
                } else if (number.startsWith(u"<=")) {
                    op = 4;
                    number = number.mid(2);
                } else if (number.startsWith(u'>')) {
                    op = 1;
                    number = number.mid(1);
                } else if (number.startsWith(u'<')) {
                    op = 3;
                    number = number.mid(1);
                } else if (number.startsWith(u'=')) {
                    number = number.mid(1);
                }
                const auto bytes = parseSize(number);
                if (!bytes)
                    return bad(tr("\"%1\" is not a size; write a number of bytes, optionally with k, M, G "
                                  "or T, after >, >=, <, <= or =.")
                                   .arg(number.toString()));
                switch (op) {
                case 0:
                    min = max = *bytes;
                    break;
                case 1:
                    if (*bytes == std::numeric_limits<qint64>::max())
                        return bad(tr("no file is larger than that."));
                    min = *bytes + 1;
                    break;
                case 2:
                    min = *bytes;
                    break;
                case 3:
                    if (*bytes == 0)
                        return bad(tr("no file is smaller than 0 bytes."));
                    max = *bytes - 1;
                    break;
                default:
                    max = *bytes;
                    break;
                }
            }
            if (min >= 0 && max >= 0 && min > max)
                return bad(tr("the smallest size is larger than the largest."));
            filter.setSizeRange(min, max);
        } else if (key == u"name") {
            if (haveName)
                return bad(tr("only one name term may be given."));
            haveName = true;
            filter.setNamePattern(value);
        } else if (key == u"qa") {
            if (haveQa)
                return bad(tr("only one qa term may be given."));
            haveQa = true;
            const QString lower = value.toLower();
            if (lower == u"flagged")
                filter.m_qa = Qa::Flagged;
            else if (lower == u"unflagged")
                filter.m_qa = Qa::Unflagged;
            else if (lower == u"any")
                filter.m_qa = Qa::Any;
            else
                return bad(tr("write \"qa:flagged\" or \"qa:unflagged\"."));
        } else if (key == u"check") {
            for (const QString &name : value.split(u',', Qt::SkipEmptyParts)) {
                const QString lower = name.trimmed().toLower();
                if (!lower.isEmpty() && !filter.m_checks.contains(lower))
                    filter.m_checks.append(lower);
            }
            if (filter.m_checks.isEmpty())
                return bad(tr("name a QA check, such as \"check:xml-schema\"."));
        } else {
            return bad(
                tr("\"%1\" is not a filter; use status, mime, size, name, qa or check, or put the text "
                   "in double quotes to search for it.")
                    .arg(term.left(colon)));
        }
    }
    return filter;
}

QString FileFilter::toQuery() const
{
    QStringList terms;
    if (!m_statusTerms.isEmpty()) {
        terms.append(statusKeyword() + u':' + m_statusTerms.join(u','));
    } else if (!m_statuses.isEmpty()) {
        QStringList keys;
        for (FileStatus s : StatusInfo::all()) {
            if (m_statuses.contains(s))
                keys.append(StatusInfo::key(s));
        }
        terms.append(statusKeyword() + u':' + keys.join(u','));
    }
    if (!m_mimePatterns.isEmpty())
        terms.append(QStringLiteral("mime:") + m_mimePatterns.join(u','));
    if (m_minSize >= 0 && m_maxSize >= 0)
        terms.append(m_minSize == m_maxSize ? QString(QStringLiteral("size:") + sizeText(m_minSize))
                                            : QString(QStringLiteral("size:") + sizeText(m_minSize) + u".." +
                                                      sizeText(m_maxSize)));
    else if (m_minSize >= 0)
        terms.append(QStringLiteral("size:>=") + sizeText(m_minSize));
    else if (m_maxSize >= 0)
        terms.append(QStringLiteral("size:<=") + sizeText(m_maxSize));
    if (!m_name.isEmpty())
        terms.append(QStringLiteral("name:") + quoted(m_name));
    if (m_qa == Qa::Flagged)
        terms.append(QStringLiteral("qa:flagged"));
    else if (m_qa == Qa::Unflagged)
        terms.append(QStringLiteral("qa:unflagged"));
    if (!m_checks.isEmpty())
        terms.append(QStringLiteral("check:") + m_checks.join(u','));
    for (const QString &t : m_text)
        terms.append(t.contains(u':') || t.contains(u' ') || t.contains(u'"') ? quoted(t) : t);
    return terms.join(u' ');
}

bool FileFilter::isEmpty() const
{
    return m_statuses.isEmpty() && m_mimePatterns.isEmpty() && m_minSize < 0 && m_maxSize < 0 &&
           m_name.isEmpty() && m_qa == Qa::Any && m_checks.isEmpty() && m_text.isEmpty();
}

void FileFilter::setStatuses(const QSet<FileStatus> &statuses)
{
    m_statuses = statuses;
    m_statusTerms.clear();
}

void FileFilter::setMimePatterns(const QStringList &patterns)
{
    m_mimePatterns.clear();
    for (const QString &p : patterns)
        m_mimePatterns.append(p.toLower());
}

void FileFilter::setSizeRange(qint64 minSize, qint64 maxSize)
{
    m_minSize = minSize < 0 ? -1 : minSize;
    m_maxSize = maxSize < 0 ? -1 : maxSize;
}

void FileFilter::setNamePattern(const QString &pattern)
{
    m_name = pattern;
    m_nameIsGlob = hasWildcard(pattern);
    m_nameGlob = QRegularExpression();
    if (!m_nameIsGlob)
        return;
    // Built by hand: Qt 6.4's wildcard conversion keeps "*" from matching "/", and a name within its item
    // may contain folders.
    QString expression;
    for (const QChar c : pattern) {
        if (c == u'*')
            expression += QStringLiteral(".*");
        else if (c == u'?')
            expression += u'.';
        else
            expression += QRegularExpression::escape(QString(c));
    }
    m_nameGlob = QRegularExpression(QRegularExpression::anchoredPattern(expression),
                                    QRegularExpression::CaseInsensitiveOption |
                                        QRegularExpression::DotMatchesEverythingOption);
    m_nameGlob.optimize();
}

void FileFilter::setTextTerms(const QStringList &terms)
{
    m_text.clear();
    for (const QString &t : terms) {
        if (!t.isEmpty())
            m_text.append(t.toCaseFolded());
    }
}

bool FileFilter::mimeMatches(const QString &pattern, const QString &mimetype)
{
    if (pattern.endsWith(u"/*"))
        return mimetype.size() > pattern.size() - 1 &&
               QStringView(mimetype)
                       .left(pattern.size() - 1)
                       .compare(QStringView(pattern).chopped(1), Qt::CaseInsensitive) == 0;
    return mimetype.compare(pattern, Qt::CaseInsensitive) == 0;
}

bool FileFilter::matches(const FileRecord &file, const QList<FindingRecord> &findings) const
{
    if (!m_statuses.isEmpty() && !m_statuses.contains(file.status))
        return false;
    if (m_qa == Qa::Flagged && findings.isEmpty())
        return false;
    if (m_qa == Qa::Unflagged && !findings.isEmpty())
        return false;
    if (!m_checks.isEmpty() &&
        std::none_of(findings.cbegin(), findings.cend(),
                     [this](const FindingRecord &f) { return m_checks.contains(f.check); }))
        return false;
    if (m_minSize >= 0 || m_maxSize >= 0) {
        const qint64 size = file.size >= 0 ? file.size : file.declaredSize;
        if (size < 0 || (m_minSize >= 0 && size < m_minSize) || (m_maxSize >= 0 && size > m_maxSize))
            return false;
    }
    if (!m_mimePatterns.isEmpty()) {
        const QString &mimetype = file.mimetype.isEmpty() ? file.declaredMimetype : file.mimetype;
        if (!std::any_of(m_mimePatterns.cbegin(), m_mimePatterns.cend(),
                         [&](const QString &p) { return mimeMatches(p, mimetype); }))
            return false;
    }
    if (!m_name.isEmpty()) {
        if (m_nameIsGlob ? !m_nameGlob.match(file.name).hasMatch() : !containsFolded(file.name, m_name))
            return false;
    }
    for (const QString &term : m_text) {
        const bool found = containsFolded(file.name, term) || containsFolded(file.item, term) ||
                           containsFolded(file.mimetype, term) || containsFolded(file.sourcePath, term) ||
                           containsFolded(file.sourceMember, term) || containsFolded(file.sourceUrl, term) ||
                           containsFolded(file.storedKey, term) || file.digests.sha256.startsWith(term) ||
                           containsFolded(file.error, term);
        if (!found)
            return false;
    }
    return true;
}

bool operator==(const FileFilter &a, const FileFilter &b)
{
    return a.m_statuses == b.m_statuses && a.m_mimePatterns == b.m_mimePatterns &&
           a.m_minSize == b.m_minSize && a.m_maxSize == b.m_maxSize && a.m_name == b.m_name &&
           a.m_qa == b.m_qa && a.m_checks == b.m_checks && a.m_text == b.m_text;
}

// --- FileOrder ---------------------------------------------------------------------------------------------

QString FileOrder::naturalKey(QStringView text)
{
    QString key;
    key.reserve(text.size() + 8);
    qsizetype i = 0;
    while (i < text.size()) {
        const QChar c = text[i];
        if (c.unicode() >= u'0' && c.unicode() <= u'9') {
            // A digit run: a marker inside the digit range (so it orders against other characters as a
            // digit does in naturalCompare), the count of significant digits, then the digits.
            qsizetype start = i;
            while (start < text.size() && text[start] == u'0')
                ++start;
            qsizetype end = start;
            while (end < text.size() && text[end].unicode() >= u'0' && text[end].unicode() <= u'9')
                ++end;
            i = end;
            key += QChar(u'0');
            key += QChar(char16_t(std::min<qsizetype>(end - start + 1, 0xfffe)));
            key += text.mid(start, end - start);
            continue;
        }
        key += c.toCaseFolded();
        ++i;
    }
    return key;
}

FileOrder::Key FileOrder::key(const FileRecord &file, Field field)
{
    Key k;
    k.id = file.id;
    switch (field) {
    case Field::Item:
        k.raw = file.item;
        k.nextRaw = file.name;
        break;
    case Field::Name:
        k.raw = file.name;
        k.nextRaw = file.item;
        break;
    case Field::Status:
        k.number = int(file.status);
        k.raw = file.item;
        k.nextRaw = file.name;
        break;
    case Field::Size:
        k.number = file.size >= 0 ? file.size : file.declaredSize;
        k.raw = file.item;
        k.nextRaw = file.name;
        break;
    case Field::Mimetype:
        k.raw = file.mimetype.isEmpty() ? file.declaredMimetype : file.mimetype;
        k.nextRaw = file.item + u'/' + file.name;
        break;
    case Field::Sha256:
        k.raw = file.digests.sha256;
        break;
    case Field::StoredKey:
        k.raw = file.storedKey;
        break;
    }
    // Both strings share the record's data (implicit sharing); only the natural keys are new.
    k.text = naturalKey(k.raw);
    if (!k.nextRaw.isEmpty())
        k.nextText = naturalKey(k.nextRaw);
    return k;
}

bool FileOrder::less(const Key &a, const Key &b)
{
    if (a.number != b.number)
        return a.number < b.number;
    if (const int c = QStringView(a.text).compare(QStringView(b.text)); c != 0)
        return c < 0;
    if (const int c = naturalCompare(a.raw, b.raw); c != 0)
        return c < 0;
    if (const int c = QStringView(a.nextText).compare(QStringView(b.nextText)); c != 0)
        return c < 0;
    if (const int c = naturalCompare(a.nextRaw, b.nextRaw); c != 0)
        return c < 0;
    return a.id < b.id;
}

void FileOrder::sort(QList<FileRecord> &files, Field field, Qt::SortOrder order)
{
    std::vector<Key> keys;
    keys.reserve(files.size());
    for (const FileRecord &f : files)
        keys.push_back(key(f, field));
    std::vector<qsizetype> index(files.size());
    std::iota(index.begin(), index.end(), 0);
    std::sort(index.begin(), index.end(), [&](qsizetype a, qsizetype b) {
        return order == Qt::AscendingOrder ? less(keys[a], keys[b]) : less(keys[b], keys[a]);
    });
    QList<FileRecord> sorted;
    sorted.reserve(files.size());
    for (qsizetype i : index)
        sorted.append(std::move(files[i]));
    files = std::move(sorted);
}

} // namespace gh
