// The kinds of target Gatehouse knows. A new kind adds its factory here (or calls TargetRegistry::add() at
// start-up, as a plug-in would).

#include "targetregistry.h"

#include <QMutex>

#include "localtarget.h"
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
