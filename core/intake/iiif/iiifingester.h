#pragma once

#include <memory>

#include <QJsonObject>
#include <QSet>
#include <QUrl>

#include "intake/package.h"

namespace gh {

class RemoteFetcher;

/*!
    \class gh::IiifReader
    Turns IIIF Presentation 2.x and 3.0 manifests and collections into items.

    Grouping: one item per manifest (the record a curator reviews, deduplicates and uploads), one file per
    canvas in canvas order, named by the canvas label (sanitised, with the extension of what will be
    downloaded) or \c canvas-0001 … when a canvas has no label. The file is the canvas's painting content:
    v2 \c sequences[0].canvases[].images[].resource, v3 \c items[] (canvases) / \c items[] (annotation pages)
    / \c items[] (annotations) / \c body — images, and sound and video as files too; of a Choice, the default
    (v2) or the first item (v3). An image with a IIIF Image service is requested at full size (see
    fullImageUrl()); without a service, the resource's own id is downloaded.

    Metadata: \c label, \c summary (v2 \c description), \c metadata label/value pairs, \c rights (v2
    \c license), \c required_statement (v2 \c attribution), \c nav_date, the manifest id and the IIIF version.
    Language maps are flattened to one string in the curator's language, else English, else the
    language-neutral value, else the first; when a value has several languages, all of them are kept beside
    it as \c <field>_languages.

    Collections: embedded manifests are ingested directly; referenced ones are read when they are files
    next to a local collection, and downloaded (RemoteFetcher, with the intake's TransferOptions) when they
    are http or https URLs — each member, manifest or collection, once (a visited set), no deeper than eight
    levels of collections. A member that cannot be downloaded or is not a IIIF manifest or collection is
    recorded as one item whose single file is the member's URL with the status that says why (not-found,
    forbidden, timeout, unsupported, …), and the rest of the collection still loads. With
    IntakeOptions::fetchRemoteManifests off, remote members are recorded like that with status
    \c unsupported ("collection member manifests must be fetched").
*/
class IiifReader
{
    Q_DECLARE_TR_FUNCTIONS(gh::IiifReader)

public:
    //! \a preferredLanguages defaults to the curator's UI languages, then "en" and "none".
    explicit IiifReader(IntakeContext &context, QStringList preferredLanguages = {});
    ~IiifReader();

    /*!
        Ingests one manifest or collection. \a base is where the JSON came from (a file: or http(s) URL):
        relative references resolve against it and messages name it. Malformed JSON is ErrorCode::Invalid
        with line and column; JSON that is not a IIIF manifest or collection is ErrorCode::Invalid too.
    */
    Status ingestJson(const QByteArray &json, const QUrl &base);

    //! Items and files added so far, and what the collection members came to (for the trace).
    qint64 manifests() const { return m_manifests; }

    //! The URL that downloads the full image from an image \a service (v2 or v3) as JPEG, or "".
    static QString fullImageUrl(const QJsonValue &service);
    //! A language map (v3) or a v2 string / \@value object / array of them, as one string; see the class.
    static QString flatten(const QJsonValue &value, const QStringList &languages);
    //! Every language of \a value with its text, when there is more than one language; else empty.
    static QJsonObject languages(const QJsonValue &value);
    //! The default preferred languages: the UI languages (with and without region), "en", "none".
    static QStringList defaultLanguages();

private:
    Status ingestObject(const QJsonObject &object, const QUrl &base, int depth, const QString &collection,
                        int inheritedVersion);
    Status ingestManifest(const QJsonObject &manifest, int version, const QUrl &base,
                          const QString &collection);
    Status ingestCollection(const QJsonObject &collection, int version, const QUrl &base, int depth);
    Status referencedMember(const QJsonObject &member, const QUrl &base, int depth,
                            const QString &collection);
    //! Downloads the member manifest or collection at \a url and ingests it; failures become \a item
    //! with \a file carrying the reason.
    Status fetchMember(const QUrl &url, int depth, const QString &collection, ItemDraft item, FileDraft file);
    Status addItem(ItemDraft item);
    FileDraft canvasFile(const QJsonObject &canvas, int version, int index, QSet<QString> &names) const;
    QJsonObject manifestMetadata(const QJsonObject &manifest, int version) const;
    QString name(const QUrl &url) const;

    IntakeContext &m_context;
    QStringList m_languages;
    QSet<QString> m_visited;
    QStringList m_warnings;
    qint64 m_manifests = 0;
    qint64 m_canvases = 0;
    qint64 m_toFetch = 0;
    qint64 m_readBeside = 0;
    qint64 m_added = 0;
    qint64 m_fetched = 0;
    qint64 m_fetchFailed = 0;
    qint64 m_overLimit = 0;
    std::unique_ptr<RemoteFetcher> m_fetcher;
};

//! Ingests one fetched manifest or collection; the entry point for manifests the transfer engine downloads.
Status ingestManifestJson(const QByteArray &json, const QUrl &base, IntakeContext &context);

/*!
    \class gh::IiifIngester
    A IIIF Presentation 2.x or 3.0 manifest or collection given as a file, recognised only by its JSON-LD
    \c \@context (\c iiif.io/api/presentation/2 or \c /3), so plain JSON and JSON lines are left to others.
*/
class IiifIngester final : public DocumentIngester
{
    Q_DECLARE_TR_FUNCTIONS(gh::IiifIngester)

public:
    QString kind() const override { return QStringLiteral("iiif"); }
    bool recognise(const Document &document) const override;
    Status ingest(const Document &document, IntakeContext &context) override;
};

} // namespace gh
