// The kinds of target Gatehouse knows. A new kind adds its factory here (or calls TargetRegistry::add() at
// start-up, as a plug-in would).

#include "targetregistry.h"

#include <QMutex>

#include "localtarget.h"
#include "mediawiki/httpapitransport.h"
#include "mediawiki/mediawikitarget.h"
#include "net/httpengine.h"
#include "s3target.h"

namespace gh {

namespace {

QMutex s_mutex;

QList<TargetRegistry::Kind> &registered()
{
    static QList<TargetRegistry::Kind> kinds;
    return kinds;
}

} // namespace

HttpEngineOptions TargetRegistry::httpOptions(const TargetOptions &options)
{
    HttpEngineOptions http;
    http.userAgent = options.userAgent;
    if (!options.contact.isEmpty())
        http.contact = options.contact;
    http.caBundle = options.caBundle;
    http.perHost = options.mediawikiJobs + 4;
    http.jobs = http.perHost;
    return http;
}

QList<TargetRegistry::Kind> TargetRegistry::builtInKinds()
{
    return {
        {QStringLiteral("local"), QStringLiteral("local:DIR"),
         [](const QString &spec, const TargetOptions &options, const TargetContext &) {
             return LocalTarget::open(spec, options);
         }},
        {QStringLiteral("s3"), QStringLiteral("s3://bucket/prefix"),
         [](const QString &spec, const TargetOptions &options, const TargetContext &context) {
             return S3Target::open(spec, options, context.environment, context.stagingDir);
         }},
        {QStringLiteral("mediawiki"), QStringLiteral("mediawiki:https://host/w/api.php"),
         [](const QString &spec, const TargetOptions &options,
            const TargetContext &context) -> Result<std::unique_ptr<Target>> {
             auto api = MediaWikiTarget::apiUrlOf(spec);
             if (!api)
                 return api.error();
             TargetOptions withCredentials = options;
             withCredentials.applyEnvironment(context.environment);
             // The run's engine when there is one; otherwise the target brings its own.
             std::shared_ptr<HttpEngine> engine;
             if (context.http) {
                 engine = std::shared_ptr<HttpEngine>(context.http, [](HttpEngine *) {});
             } else {
                 engine = std::make_shared<HttpEngine>(httpOptions(options));
             }
             RetryPolicy retry;
             retry.maxAttempts = options.maxAttempts;
             retry.retryAfterMaxMs = options.retryAfterMaxMs;
             auto transport = std::make_shared<HttpApiTransport>(engine, *api, options.mediawikiJobs, retry);
             auto target = MediaWikiTarget::create(spec, withCredentials, transport);
             if (!target)
                 return target.error();
             return std::unique_ptr<Target>(std::move(*target));
         }},
    };
}

void TargetRegistry::add(const Kind &kind)
{
    QMutexLocker lock(&s_mutex);
    QList<Kind> &kinds = registered();
    if (kinds.isEmpty())
        kinds = builtInKinds();
    for (Kind &existing : kinds) {
        if (existing.scheme == kind.scheme) {
            existing = kind;
            return;
        }
    }
    kinds.append(kind);
}

QList<TargetRegistry::Kind> TargetRegistry::kinds()
{
    QMutexLocker lock(&s_mutex);
    QList<Kind> &kinds = registered();
    if (kinds.isEmpty())
        kinds = builtInKinds();
    return kinds;
}

QString TargetRegistry::schemeOf(const QString &spec)
{
    const qsizetype colon = spec.indexOf(u':');
    if (colon <= 0)
        return {};
    const QString scheme = spec.left(colon).toLower();
    for (QChar c : scheme) {
        if (!c.isLetterOrNumber() && c != u'-' && c != u'+')
            return {};
    }
    return scheme;
}

Result<std::unique_ptr<Target>> TargetRegistry::open(const QString &spec, const TargetOptions &options,
                                                     const TargetContext &context)
{
    const QString scheme = schemeOf(spec.trimmed());
    const QList<Kind> known = kinds();
    QStringList examples;
    for (const Kind &kind : known) {
        if (kind.scheme == scheme)
            return kind.open(spec.trimmed(), options, context);
        examples.append(kind.example);
    }
    return Error{
        ErrorCode::Usage,
        tr("Unknown target \"%1\"; give one of: %2.").arg(spec, examples.join(QStringLiteral(", ")))};
}

} // namespace gh
