#pragma once

#include <QCoreApplication>
#include <QHash>
#include <QMutex>

#include "mediawikiclient.h"
#include "targets/nametemplate.h"
#include "targets/target.h"
#include "targets/targetoptions.h"

namespace gh {

/*!
    \class gh::MediaWikiTarget
    A wiki such as Wikimedia Commons: \c mediawiki:https://host/w/api.php.

    \list
    \li Look-ups: \c prop=imageinfo for up to 50 titles per request. Our bytes under other names: where
        the wiki is small enough that listing every file it holds (\c list=allimages, 500 or 5000 a
        request) takes fewer requests than the content searches still to come this run (expectLookups()),
        it is listed once and asked nothing more by content; otherwise \c list=allimages&aisha1= per
        distinct SHA-1, several at once (reads are not held to the one-write-at-a-time rule). Both answer
        alike (setContentSearch() forces either). With setLookUpDeleted(), also the file archive (one
        request per SHA-1) and deletion log (needs an account with the right). Answers are cached for the
        life of the target (one run) and updated by its own uploads.
    \li Uploads: files up to TargetOptions::effectiveSingleUploadMax() in one request; larger ones in
        chunks of TargetOptions::chunkSize into the upload stash (\c stash=1, \c offset, \c filekey), each
        chunk read from the file as it is sent, then a commit with the page text. The stash's file key and
        offset are saved after every chunk (UploadRequest::saveResume), so a later run continues the stash
        where the wiki still has it (asking it with \c checkstatus) and otherwise starts the file over.
        Files from TargetOptions::asyncThreshold up are assembled and published by the wiki's job queue
        (\c async) and polled. Warnings are never ignored unless the request says a curator decided so
        (UploadWarnings says what each means).
    \li Verify: imageinfo's sha1 and size compared with ours, 50 titles per request.
    \endlist
*/
class MediaWikiTarget final : public Target
{
    Q_DECLARE_TR_FUNCTIONS(gh::MediaWikiTarget)

public:
    //! \a spec is "mediawiki:URL"; \a transport carries the calls (the HTTP engine, or a test's fake).
    static Result<std::unique_ptr<MediaWikiTarget>> create(const QString &spec, const TargetOptions &options,
                                                           std::shared_ptr<ApiTransport> transport);
    //! The api.php URL of a spec, checked (http or https, a host).
    static Result<QUrl> apiUrlOf(const QString &spec);
    ~MediaWikiTarget() override;

    QString spec() const override { return m_spec; }
    QString kind() const override { return QStringLiteral("mediawiki"); }
    int parallelism() const override { return m_options.mediawikiJobs; }
    Result<QString> nameFor(const TemplateFields &fields, const NameTemplate *custom) const override;
    Result<QList<LookupAnswer>> lookup(const QList<LookupQuery> &queries,
                                       const std::shared_ptr<std::atomic_bool> &cancel) override;
    bool findsContentElsewhere() const override { return true; }
    UploadOutcome upload(const UploadRequest &request) override;
    Result<QList<VerifyResult>> verify(const QList<VerifyQuery> &queries) override;
    Status remove(const QString &name, const QString &reason) override;

    //! How the wiki is searched for our bytes under other names.
    enum class ContentSearch
    {
        Auto,   //!< List every file when that takes fewer requests than searching, else search.
        List,   //!< List every file (up to listingMaxFiles; a larger wiki is searched).
        PerHash //!< One \c aisha1 search per distinct SHA-1.
    };
    //! Files a listing holds in memory at most; a larger wiki is searched per SHA-1.
    static constexpr qint64 listingMaxFiles = 50000;

    //! Look-ups also ask for deleted files with the same bytes and for deletions under our names.
    void setLookUpDeleted(bool on) { m_lookUpDeleted = on; }
    void setContentSearch(ContentSearch how) { m_contentSearch = how; }
    /*!
        About \a files files are to be looked up this run, over several lookup() calls: what
       ContentSearch::Auto weighs a listing of the wiki against. Without it, each call is weighed on its own.
    */
    void expectLookups(qint64 files);
    //! Whether the wiki was listed (content searches are answered from the listing).
    bool hasListing() const;
    //! Content look-ups running at once (default 4).
    void setReadParallelism(int n) { m_readParallelism = std::max(1, n); }
    MediaWikiClient &client() { return *m_client; }
    //! Requests made for look-ups and verification since the target was opened (for benchmarks).
    int readRequests() const { return m_readRequests.load(); }

private:
    MediaWikiTarget(const QString &spec, const TargetOptions &options,
                    std::unique_ptr<MediaWikiClient> client);

    struct Resume
    {
        QString stage; //!< "chunks" (filekey + offset), "stashed" (complete in the stash), "publishing".
        QString filekey;
        qint64 offset = 0;
        qint64 size = -1;
        QString sha1;

        static Resume from(const QJsonObject &json);
        QJsonObject toJson() const;
    };

    UploadOutcome uploadWhole(const UploadRequest &request);
    UploadOutcome uploadChunked(const UploadRequest &request);
    //! Publishes a stashed file with the page text.
    UploadOutcome commit(const UploadRequest &request, Resume &resume, bool async);
    //! Polls an async step of \a filekey until it is no longer queued or running.
    Result<MediaWikiApi::Answer> poll(const UploadRequest &request, const QString &filekey);
    //! The outcome of a final upload answer (success, warnings, or an error).
    UploadOutcome finish(const UploadRequest &request, const MediaWikiApi::Answer &answer, Resume *resume);
    UploadOutcome failure(const UploadRequest &request, const Error &error) const;
    ApiCall uploadCall(const UploadRequest &request) const;
    void save(const UploadRequest &request, const Resume &resume) const;
    void remember(const RemoteObject &object);

    //! imageinfo for \a names, 50 per request.
    Status queryNames(const QStringList &names, const std::shared_ptr<std::atomic_bool> &cancel,
                      QHash<QString, std::optional<RemoteObject>> *found, QHash<QString, QString> *normalized,
                      QHash<QString, QString> *invalid);
    //! Runs \a calls, up to m_readParallelism at once; answers in order.
    QList<Result<MediaWikiApi::Answer>>
    readAll(const QList<ApiCall> &calls, const std::shared_ptr<std::atomic_bool> &cancel, bool needsLogin);
    /*!
        Whether the \a needed content searches of a call with \a asked queries are answered from a listing of
        the wiki: lists it now when that is the cheaper way (or forced), unless it was already.
    */
    Result<bool> answerFromListing(qsizetype needed, qsizetype asked,
                                   const std::shared_ptr<std::atomic_bool> &cancel);
    /*!
        Lists every file of the wiki by SHA-1 into m_listed, in at most \a maxRequests requests and
        listingMaxFiles files; false (nothing kept) when the wiki turns out larger than that.
    */
    Result<bool> listAll(qint64 maxRequests, const std::shared_ptr<std::atomic_bool> &cancel);

    QString m_spec;
    TargetOptions m_options;
    NameTemplate m_titleTemplate;
    std::unique_ptr<MediaWikiClient> m_client;
    bool m_lookUpDeleted = false;
    int m_readParallelism = 4;
    std::atomic<int> m_readRequests{0};

    mutable QMutex m_cacheMutex;
    QHash<QString, std::optional<RemoteObject>> m_byName; //!< By the name asked.
    QHash<QString, QString> m_normalized;
    QHash<QString, QString> m_invalid;
    QHash<QString, QList<RemoteObject>> m_bySha1;
    QHash<QString, QList<RemoteObject>> m_deletedBySha1;
    QHash<QString, QString> m_deletionReason; //!< By name; empty: never deleted.

    // The listing (ContentSearch): decided and made under m_listingMutex; m_listed and m_listedSha1 are
    // read and updated under m_cacheMutex.
    QMutex m_listingMutex;
    ContentSearch m_contentSearch = ContentSearch::Auto;
    std::atomic<qint64> m_expected{0}; //!< Files expected to be looked up this run (expectLookups()).
    std::atomic<qint64> m_asked{0};    //!< Queries asked so far.
    std::optional<MediaWikiApi::SiteSize> m_siteSize;
    bool m_listingAbandoned = false; //!< The wiki was larger than it said: searched per SHA-1 from then on.
    bool m_haveListing = false;
    QHash<QString, QList<RemoteObject>> m_listed; //!< Every live file by SHA-1, as the listing found it.
    QHash<QString, QString> m_listedSha1;         //!< The SHA-1 each listed name holds.
};

} // namespace gh
