#include "intakechain.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMimeDatabase>
#include <QTemporaryDir>
#include <QUrl>

#include "archive/archiveformat.h"
#include "archive/archivepackage.h"
#include "folderpackage.h"
#include "listingingester.h"
#include "remote/remotefetcher.h"
#include "xml/manifestfiles.h"

namespace gh {

namespace {

constexpr qint64 s_headSize = 64 * 1024;

//! A package manifest failing like this degrades to the next ingester; other errors (I/O, database, cancel)
//! stop intake.
bool degradable(const Error &error)
{
    return error.code == ErrorCode::Invalid || error.code == ErrorCode::Corrupt ||
           error.code == ErrorCode::Unsupported || error.code == ErrorCode::LimitExceeded;
}

} // namespace

IntakeChain::IntakeChain()
    : IntakeChain(defaultPackageIngesters(), defaultDocumentIngesters())
{}

IntakeChain::IntakeChain(std::vector<std::unique_ptr<PackageIngester>> packageIngesters,
                         std::vector<std::unique_ptr<DocumentIngester>> documentIngesters)
    : m_packageIngesters(std::move(packageIngesters))
    , m_documentIngesters(std::move(documentIngesters))
{}

IntakeChain::~IntakeChain() = default;

Result<QString> IntakeChain::ingest(const QString &source, RollbackSink &sink, IntakeTrace &trace,
                                    const IntakeOptions &options)
{
    IntakeContext context{sink, trace, options};
    if (RemoteFetcher::isRemote(source))
        return ingestRemote(QUrl(source), sink, context);
    const QFileInfo info(source);
    if (info.isDir()) {
        trace.add(QStringLiteral("file"), tr("%1 is a folder.").arg(QDir::toNativeSeparators(source)));
        auto package = FolderPackage::open(source, options);
        if (!package)
            return package.error();
        return ingestPackage(**package, sink, context);
    }

    QFile file(source);
    if (!file.open(QIODevice::ReadOnly)) {
        return Error{
            ErrorCode::Unreadable,
            tr("The source %1 cannot be read: %2").arg(QDir::toNativeSeparators(source), file.errorString())};
    }
    Document document;
    document.path = info.absoluteFilePath();
    document.head = file.read(s_headSize);
    document.mimetype = QMimeDatabase().mimeTypeForData(document.head).name();
    trace.add(
        QStringLiteral("file"),
        tr("%1 is a file; its content is %2.").arg(QDir::toNativeSeparators(source), document.mimetype));
    file.close();
    const Result<std::optional<QString>> archive = ingestArchive(document, sink, context);
    if (!archive)
        return archive.error();
    if (*archive)
        return **archive;
    return ingestDocument(document, sink, context);
}

Result<QString> IntakeChain::ingestRemote(const QUrl &url, RollbackSink &sink, IntakeContext &context)
{
    const QString shown = url.toDisplayString();
    if (!url.isValid() || url.host().isEmpty())
        return Error{ErrorCode::Usage, tr("The source %1 is not a valid URL.").arg(shown)};
    // The document is read from a private copy that lives as long as intake; what it lists keeps pointing at
    // the server, so nothing a batch needs later is in the temporary folder.
    QTemporaryDir folder;
    if (!folder.isValid()) {
        return Error{ErrorCode::Io,
                     tr("No temporary folder for downloading %1: %2").arg(shown, folder.errorString())};
    }
    QString fileName = sanitizeFileName(QUrl::fromPercentEncoding(url.path().section(u'/', -1).toUtf8()));
    if (fileName.isEmpty())
        fileName = sanitizeFileName(url.host());
    const QString path = folder.filePath(fileName);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        return Error{ErrorCode::Io,
                     tr("Cannot write the temporary copy %1 of %2: %3").arg(path, shown, file.errorString())};
    }
    RemoteFetcher fetcher(context.options);
    const auto fetched = fetcher.download(url, file, context.options.maxRemoteDocumentSize);
    file.close();
    if (!fetched)
        return fetched.error();

    Document document;
    document.path = path;
    document.originalUrl = fetched->finalUrl.toString(QUrl::FullyEncoded);
    if (file.open(QIODevice::ReadOnly))
        document.head = file.read(s_headSize);
    file.close();
    document.mimetype = QMimeDatabase().mimeTypeForFileNameAndData(fileName, document.head).name();
    QString decision =
        tr("%1 was downloaded (%2 bytes, served as %3); its content is %4.")
            .arg(shown)
            .arg(fetched->size)
            .arg(fetched->contentType.isEmpty() ? tr("no type") : fetched->contentType, document.mimetype);
    if (fetched->finalUrl != url)
        decision += u' ' + tr("It was redirected to %1.").arg(fetched->finalUrl.toDisplayString());
    context.trace.add(QStringLiteral("file"), decision);

    // An archive's members would be read from the temporary copy, which is gone once intake ends.
    std::optional<ArchiveFormat> format = ArchiveFormats::sniff(path, document.head);
    if (format == ArchiveFormat::Zip && document.mimetype != u"application/zip" &&
        ArchiveFormats::fromFileName(fileName) != ArchiveFormat::Zip)
        format.reset();
    if (format) {
        return Error{ErrorCode::Unsupported,
                     tr("%1 is an archive; Gatehouse loads archives from a local copy, so download it and "
                        "load the file.")
                         .arg(shown)};
    }
    return ingestDocument(document, sink, context);
}

Result<std::optional<QString>> IntakeChain::ingestArchive(const Document &document, RollbackSink &sink,
                                                          IntakeContext &context)
{
    const QString shown = QDir::toNativeSeparators(document.path);
    const QString fileName = QFileInfo(document.path).fileName();
    std::optional<ArchiveFormat> format = ArchiveFormats::sniff(document.path, document.head);
    // Documents that are zip files inside (EPUB, OpenDocument, Office Open XML, jar) are documents, unless
    // the curator's file is plainly called a zip.
    if (format == ArchiveFormat::Zip && document.mimetype != u"application/zip" &&
        ArchiveFormats::fromFileName(fileName) != ArchiveFormat::Zip)
        format.reset();
    if (!format) {
        // A name that promises an archive the content does not hold is a damaged or mislabelled delivery: say
        // so rather than loading it as some other kind of file.
        if (const auto promised = ArchiveFormats::fromFileName(fileName)) {
            const QString kind = ArchiveFormats::kind(*promised);
            if (document.head.isEmpty())
                return Error{ErrorCode::Corrupt,
                             tr("%1 is named like a %2 archive but is empty.").arg(shown, kind)};
            return Error{ErrorCode::Corrupt,
                         tr("%1 is named like a %2 archive, but its content is %3, not a %2 "
                            "archive.")
                             .arg(shown, kind, document.mimetype)};
        }
        return std::optional<QString>();
    }
    auto package = ArchivePackage::open(document.path, context.options);
    if (!package)
        return package.error();
    const ArchivePackage &archive = **package;
    qint64 files = 0;
    for (const PackageEntry &entry : archive.entries())
        files += entry.type == PackageEntry::Type::File ? 1 : 0;
    QStringList warnings;
    if (!archive.rejected().isEmpty()) {
        warnings.append(
            tr("Refused members of %1: %2 (unsafe paths, links, limits or unsupported types); they are "
               "listed as files with that status and the reason.")
                .arg(shown)
                .arg(archive.rejected().size()));
    }
    context.trace.add(QStringLiteral("archive"),
                      tr("%1 is a %2 archive with %3 entries (files: %4).")
                          .arg(shown, archive.kind())
                          .arg(archive.entries().size() + archive.rejected().size())
                          .arg(files),
                      warnings);
    const Result<QString> kind = ingestPackage(archive, sink, context);
    if (!kind)
        return kind.error();
    return std::optional<QString>(*kind);
}

Result<QString> IntakeChain::ingestPackage(const Package &package, RollbackSink &sink, IntakeContext &context)
{
    for (const auto &ingester : m_packageIngesters) {
        if (!ingester->recognise(package))
            continue;
        const qint64 mark = sink.itemCount();
        const Status s = ingester->ingest(package, context);
        if (s)
            return ingester->kind();
        if (!degradable(s.error()))
            return s.error();
        if (Status undo = sink.discardFrom(mark); !undo)
            return undo.error();
        const QString decision = tr("Could not use %1 as a %2 package; using the plain listing instead.")
                                     .arg(package.displayName(), ingester->kind());
        const QString reason = tr("%1 stage: %2").arg(ingester->kind(), s.error().message);
        if (s.error().code == ErrorCode::Unsupported)
            context.trace.add(QStringLiteral("manifest"), decision, {reason});
        else
            context.trace.refuse(ingester->kind(), decision, reason);
    }
    ListingIngester listing;
    if (Status s = listing.ingest(package, context); !s)
        return s.error();
    return package.kind();
}

Result<QString> IntakeChain::ingestDocument(const Document &document, RollbackSink &sink,
                                            IntakeContext &context)
{
    for (const auto &ingester : m_documentIngesters) {
        if (!ingester->recognise(document))
            continue;
        const qint64 mark = sink.itemCount();
        const Status s = ingester->ingest(document, context);
        if (s)
            return ingester->kind();
        // I/O, database and cancellation stop intake.
        if (!degradable(s.error()))
            return s.error();
        if (Status undo = sink.discardFrom(mark); !undo)
            return undo.error();
        // "Not mine after all" moves on to the next ingester.
        if (s.error().code == ErrorCode::Unsupported) {
            context.trace.warn(tr("%1 stage: %2").arg(ingester->kind(), s.error().message));
            continue;
        }
        // Recognisably this ingester's manifest, but hostile (a DTD, entities) or broken: the document is
        // loaded as the one file it is, and the refusal is said out loud, with the reason, so the batch
        // carries it and load/run exit with status 1. No other ingester gets to reinterpret it.
        const QString shown =
            document.originalUrl.isEmpty() ? QDir::toNativeSeparators(document.path) : document.originalUrl;
        context.trace.refuse(
            ingester->kind(),
            tr("%1 looks like a %2 manifest, but the %2 reader refused it; it is loaded as a "
               "single file.")
                .arg(shown, ingester->kind()),
            tr("%1 stage: %2").arg(ingester->kind(), s.error().message));
        break;
    }
    SingleFileIngester single;
    if (Status s = single.ingest(document, context); !s)
        return s.error();
    return single.kind();
}

Status SingleFileIngester::ingest(const Document &document, IntakeContext &context)
{
    const QFileInfo info(document.path);
    ItemDraft item;
    item.identifier = ListingIngester::itemIdentifier(info.fileName());
    item.label = item.identifier;
    FileDraft file;
    file.name = info.fileName();
    // A downloaded document is fetched again from its URL, not from intake's temporary copy.
    if (document.originalUrl.isEmpty())
        file.sourcePath = info.absoluteFilePath();
    else
        file.sourceUrl = document.originalUrl;
    file.declaredSize = info.size();
    item.files.append(file);
    const QString shown =
        document.originalUrl.isEmpty() ? QDir::toNativeSeparators(document.path) : document.originalUrl;
    context.trace.add(QStringLiteral("folder"),
                      context.trace.hasRefusal()
                          ? tr("%1 is loaded as a batch of one file.").arg(shown)
                          : tr("Nothing recognised %1; it is loaded as a batch of one file.").arg(shown));
    return context.sink.add(std::move(item));
}

} // namespace gh
