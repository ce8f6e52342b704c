#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "package.h"

class QUrl;

namespace gh {

/*!
    \class gh::RollbackSink
    An item sink that can take back what an ingester added, so a manifest that turns out unusable half-way
    leaves nothing behind before the chain degrades to the plain listing.
*/
class RollbackSink : public ItemSink
{
public:
    virtual qint64 itemCount() const = 0;
    //! Removes every item added after the first \a count.
    virtual Status discardFrom(qint64 count) = 0;
};

/*!
    \class gh::IntakeChain
    Detects what a source is by its content, never by a name the curator must choose, and turns it into
    items: file (sniff) → archive → manifest → plain listing as the last resort. Every stage records its
    decision in the trace; a manifest that fails with ErrorCode::Invalid or ErrorCode::Corrupt is rolled back
    and the chain degrades, with a warning naming the stage and the reason.

    The known ingesters are listed in intakeregistry.cpp, in the order they are tried.
*/
class IntakeChain
{
    Q_DECLARE_TR_FUNCTIONS(gh::IntakeChain)

public:
    IntakeChain();
    IntakeChain(std::vector<std::unique_ptr<PackageIngester>> packageIngesters,
                std::vector<std::unique_ptr<DocumentIngester>> documentIngesters);
    ~IntakeChain();

    //! Ingests \a source into \a sink; returns what it was detected to be ("folder", "bagit", "csv", …).
    Result<QString> ingest(const QString &source, RollbackSink &sink, IntakeTrace &trace,
                           const IntakeOptions &options);

    static std::vector<std::unique_ptr<PackageIngester>> defaultPackageIngesters();
    static std::vector<std::unique_ptr<DocumentIngester>> defaultDocumentIngesters();

private:
    //! A source given by URL: downloaded to a temporary file, then read by the document ingesters with the
    //! URL as Document::originalUrl.
    Result<QString> ingestRemote(const QUrl &url, RollbackSink &sink, IntakeContext &context);
    Result<QString> ingestPackage(const Package &package, RollbackSink &sink, IntakeContext &context);
    Result<QString> ingestDocument(const Document &document, RollbackSink &sink, IntakeContext &context);
    //! The archive stage: what ingestPackage() detected when \a document is an archive, nothing when it is
    //! not.
    Result<std::optional<QString>> ingestArchive(const Document &document, RollbackSink &sink,
                                                 IntakeContext &context);

    std::vector<std::unique_ptr<PackageIngester>> m_packageIngesters;
    std::vector<std::unique_ptr<DocumentIngester>> m_documentIngesters;
};

/*!
    \class gh::SingleFileIngester
    A file nothing else recognised: a batch of one item with that one file.
*/
class SingleFileIngester final : public DocumentIngester
{
    Q_DECLARE_TR_FUNCTIONS(gh::SingleFileIngester)

public:
    QString kind() const override { return QStringLiteral("file"); }
    bool recognise(const Document &) const override { return true; }
    Status ingest(const Document &document, IntakeContext &context) override;
};

} // namespace gh
