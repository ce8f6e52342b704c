#include "intakechain.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMimeDatabase>

#include "archive/archiveformat.h"
#include "archive/archivepackage.h"
#include "folderpackage.h"
#include "listingingester.h"

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
        context.trace.add(QStringLiteral("manifest"),
                          tr("Could not use %1 as a %2 package; using the plain listing instead.")
                              .arg(package.displayName(), ingester->kind()),
                          {tr("%1 stage: %2").arg(ingester->kind(), s.error().message)});
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
        // A document that is recognisably a manifest or list but malformed is the curator's to fix: report it
        // with file and line rather than loading the manifest itself as a file. Only "not mine after all"
        // (Unsupported) moves on to the next ingester.
        if (s.error().code != ErrorCode::Unsupported)
            return s.error();
        if (Status undo = sink.discardFrom(mark); !undo)
            return undo.error();
        context.trace.warn(tr("%1 stage: %2").arg(ingester->kind(), s.error().message));
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
    file.sourcePath = info.absoluteFilePath();
    file.declaredSize = info.size();
    item.files.append(file);
    context.trace.add(QStringLiteral("folder"),
                      tr("Nothing recognised %1; it is loaded as a batch of one file.")
                          .arg(QDir::toNativeSeparators(document.path)));
    return context.sink.add(std::move(item));
}

} // namespace gh
