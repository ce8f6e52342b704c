#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSet>

#include "csvreader.h"
#include "digest/fixity.h"
#include "listingesters.h"

namespace gh {

namespace {

using Role = ColumnMapping::Role;

std::optional<DigestAlgorithm> algorithmFor(Role role)
{
    switch (role) {
    case Role::Md5:
        return DigestAlgorithm::Md5;
    case Role::Sha1:
        return DigestAlgorithm::Sha1;
    case Role::Sha256:
        return DigestAlgorithm::Sha256;
    case Role::Sha512:
        return DigestAlgorithm::Sha512;
    default:
        return std::nullopt;
    }
}

} // namespace

bool SpreadsheetIngester::recognise(const Document &document) const
{
    if (!document.mimetype.startsWith(u"text/"))
        return false;
    QString header = QString::fromUtf8(document.head).section(u'\n', 0, 0);
    if (header.startsWith(u'\uFEFF'))
        header.remove(0, 1);
    const QChar delimiter = CsvReader::detectDelimiter(header);
    if (!header.contains(delimiter))
        return false;
    // It is a spreadsheet of files if some column says where a file is.
    for (QString column : header.split(delimiter)) {
        column = column.trimmed();
        if (column.startsWith(u'"') && column.endsWith(u'"') && column.size() >= 2)
            column = column.mid(1, column.size() - 2);
        const Role role = ColumnMapping::defaultRole(column);
        if (role == Role::Url || role == Role::Path)
            return true;
    }
    return false;
}

Status SpreadsheetIngester::ingest(const Document &document, IntakeContext &context)
{
    QFile file(document.path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{ErrorCode::Unreadable, tr("Cannot read %1: %2").arg(document.path, file.errorString())};
    CsvReader reader(file, document.path);
    auto header = reader.next();
    if (!header)
        return header.error();
    if (!*header)
        return Error{ErrorCode::Invalid,
                     tr("%1 is empty: a spreadsheet needs a header row.").arg(document.path)};
    const QStringList columns = **header;
    QList<Role> roles;
    bool hasFileColumn = false;
    for (const QString &column : columns) {
        roles.append(context.options.columns.roleFor(column));
        hasFileColumn = hasFileColumn || roles.constLast() == Role::Url || roles.constLast() == Role::Path;
    }
    if (!hasFileColumn) {
        return Error{ErrorCode::Invalid,
                     tr("%1 has no column for the files (a url or path column): its columns are %2.")
                         .arg(document.path, columns.join(QStringLiteral(", ")))};
    }
    const QDir base = QFileInfo(document.path).absoluteDir();

    QSet<QString> seenIdentifiers;
    std::optional<ItemDraft> current;
    qint64 items = 0;
    qint64 files = 0;
    QStringList warnings;
    auto warn = [&](const QString &warning) {
        if (warnings.size() < 100)
            warnings.append(warning);
    };
    auto emitCurrent = [&]() -> Status {
        if (!current)
            return {};
        ItemDraft item = std::move(*current);
        current.reset();
        ++items;
        return context.sink.add(std::move(item));
    };

    for (;;) {
        if (context.options.cancelled())
            return Error{ErrorCode::Cancelled, tr("Loading %1 was cancelled.").arg(document.path)};
        auto record = reader.next();
        if (!record)
            return record.error();
        if (!*record)
            break;
        QStringList fields = **record;
        const qint64 line = reader.recordLine();
        if (fields.size() == 1 && fields[0].trimmed().isEmpty())
            continue; // blank line
        if (fields.size() != columns.size()) {
            warn(tr("line %1 has %2 fields, the header %3").arg(line).arg(fields.size()).arg(columns.size()));
            fields.resize(columns.size());
        }

        QString identifier;
        QString title;
        FileDraft draft;
        QJsonObject metadata;
        for (qsizetype i = 0; i < columns.size(); ++i) {
            const QString value = fields[i].trimmed();
            switch (roles[i]) {
            case Role::Identifier:
                identifier = value;
                break;
            case Role::Title:
                title = value;
                break;
            case Role::Url:
                if (!value.isEmpty())
                    draft.sourceUrl = value;
                break;
            case Role::Path:
                if (!value.isEmpty())
                    draft.sourcePath = QDir::cleanPath(base.absoluteFilePath(value));
                break;
            case Role::Mimetype:
                draft.declaredMimetype = value;
                break;
            case Role::Size:
                if (!value.isEmpty())
                    draft.declaredSize = value.toLongLong();
                break;
            case Role::Md5:
            case Role::Sha1:
            case Role::Sha256:
            case Role::Sha512:
                if (!value.isEmpty()) {
                    const DigestAlgorithm algorithm = *algorithmFor(roles[i]);
                    if (Fixity::isHexDigest(value, algorithm)) {
                        Fixity::declare(draft.declared, algorithm, value);
                        draft.declared.origin =
                            tr("%1 line %2").arg(QFileInfo(document.path).fileName()).arg(line);
                    } else {
                        warn(tr("line %1: \"%2\" is not a %3 digest")
                                 .arg(line)
                                 .arg(value, Fixity::name(algorithm)));
                    }
                }
                break;
            case Role::Metadata:
                if (!value.isEmpty())
                    metadata.insert(columns[i].trimmed(), value);
                break;
            case Role::Ignore:
                break;
            }
        }
        if (draft.sourceUrl.isEmpty() && draft.sourcePath.isEmpty()) {
            warn(tr("line %1 names no file").arg(line));
            continue;
        }
        if (!draft.sourceUrl.isEmpty() && !isWebUrl(draft.sourceUrl)) {
            draft.status = FileStatus::Unsupported;
            draft.error = tr("%1 line %2: \"%3\" is not an http or https URL.")
                              .arg(document.path)
                              .arg(line)
                              .arg(draft.sourceUrl);
        }
        if (identifier.isEmpty())
            identifier = QStringLiteral("row-%1").arg(line);

        if (!current || current->identifier != identifier) {
            if (Status s = emitCurrent(); !s)
                return s;
            // The same identifier again after other records: a separate item, told apart by a suffix.
            QString unique = identifier;
            for (int n = 2; seenIdentifiers.contains(unique); ++n)
                unique = identifier + u'#' + QString::number(n);
            if (unique != identifier)
                warn(tr("line %1: identifier %2 appears again after other records; loaded as %3")
                         .arg(line)
                         .arg(identifier, unique));
            seenIdentifiers.insert(unique);
            current.emplace();
            current->identifier = unique;
            current->label = title.isEmpty() ? unique : title;
            current->metadata = metadata;
            current->metadata.insert(QStringLiteral("line"), line);
        }
        const QString fileName = draft.sourcePath.isEmpty() ? fileNameForUrl(QUrl(draft.sourceUrl))
                                                            : QFileInfo(draft.sourcePath).fileName();
        QString name = fileName;
        for (int n = 2; std::any_of(current->files.cbegin(), current->files.cend(),
                                    [&](const FileDraft &f) { return f.name == name; });
             ++n)
            name = QStringLiteral("%1 (%2)").arg(fileName).arg(n);
        draft.name = name;
        if (!draft.sourcePath.isEmpty() && draft.declaredSize < 0)
            draft.declaredSize = QFileInfo(draft.sourcePath).size();
        current->files.append(draft);
        ++files;
    }
    if (Status s = emitCurrent(); !s)
        return s;

    QString delimiter = reader.delimiter() == u'\t' ? tr("tab") : QString(reader.delimiter());
    context.trace.add(QStringLiteral("manifest"),
                      tr("%1 is a spreadsheet (%2-separated) of %3 records with %4 files.")
                          .arg(QDir::toNativeSeparators(document.path), delimiter)
                          .arg(items)
                          .arg(files),
                      warnings);
    return {};
}

} // namespace gh
