#pragma once

#include <QUrl>

#include "intake/package.h"

namespace gh {

/*!
    \class gh::UrlListIngester
    A text file with one http(s) URL per line ("#" starts a comment). One item per URL, numbered in list
    order; a URL listed twice is loaded once, with a warning.
*/
class UrlListIngester final : public DocumentIngester
{
    Q_DECLARE_TR_FUNCTIONS(gh::UrlListIngester)

public:
    QString kind() const override { return QStringLiteral("urls"); }
    bool recognise(const Document &document) const override;
    Status ingest(const Document &document, IntakeContext &context) override;
};

/*!
    \class gh::SpreadsheetIngester
    A CSV or TSV spreadsheet with a header row and a column naming each record's file (a url, or a path
    relative to the spreadsheet). Columns mean what IntakeOptions::columns says; consecutive rows with the
   same identifier form one item with several files (the pages of a record). Read as a stream: a million rows
    never sit in memory.
*/
class SpreadsheetIngester final : public DocumentIngester
{
    Q_DECLARE_TR_FUNCTIONS(gh::SpreadsheetIngester)

public:
    QString kind() const override { return QStringLiteral("csv"); }
    bool recognise(const Document &document) const override;
    Status ingest(const Document &document, IntakeContext &context) override;
};

/*!
    \class gh::IngestRequestIngester
    JSON lines of scholarly ingest requests ({"ingest_type": "pdf", "base_url": …, "link_source": …,
    "link_source_id": …, …}). One item per request, keeping the request verbatim in the item's metadata so
    the results report can echo it.
*/
class IngestRequestIngester final : public DocumentIngester
{
    Q_DECLARE_TR_FUNCTIONS(gh::IngestRequestIngester)

public:
    QString kind() const override { return QStringLiteral("ingest-requests"); }
    bool recognise(const Document &document) const override;
    Status ingest(const Document &document, IntakeContext &context) override;
};

//! A file name for what \a url points at: its last path segment, decoded and made safe, or "download".
QString fileNameForUrl(const QUrl &url);
//! Whether \a text is an absolute http or https URL.
bool isWebUrl(QStringView text);

} // namespace gh
