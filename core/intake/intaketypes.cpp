#include "intaketypes.h"

#include <algorithm>

namespace gh {

QJsonObject TraceStep::toJson() const
{
    QJsonObject object{{QStringLiteral("stage"), stage},
                       {QStringLiteral("decision"), decision},
                       {QStringLiteral("warnings"), QJsonArray::fromStringList(warnings)}};
    if (!refusedBy.isEmpty())
        object.insert(QStringLiteral("refused_by"), refusedBy);
    return object;
}

void IntakeTrace::add(const QString &stage, const QString &decision, const QStringList &warnings)
{
    m_steps.append(TraceStep{stage, decision, warnings, {}});
}

void IntakeTrace::warn(const QString &warning)
{
    if (m_steps.isEmpty())
        m_steps.append(TraceStep{QStringLiteral("intake"), QString(), {}, {}});
    m_steps.last().warnings.append(warning);
}

void IntakeTrace::refuse(const QString &ingester, const QString &decision, const QString &reason)
{
    m_steps.append(TraceStep{QStringLiteral("manifest"), decision, {reason}, ingester});
}

bool IntakeTrace::hasRefusal() const
{
    return std::any_of(m_steps.cbegin(), m_steps.cend(),
                       [](const TraceStep &s) { return !s.refusedBy.isEmpty(); });
}

QStringList IntakeTrace::refusals(const QJsonArray &trace)
{
    QStringList result;
    for (const QJsonValue &step : trace) {
        if (step[QStringLiteral("refused_by")].toString().isEmpty())
            continue;
        for (const QJsonValue &warning : step[QStringLiteral("warnings")].toArray())
            result.append(warning.toString());
    }
    return result;
}

QStringList IntakeTrace::warnings(const QJsonArray &trace)
{
    QStringList result;
    for (const QJsonValue &step : trace) {
        for (const QJsonValue &warning : step[QStringLiteral("warnings")].toArray())
            result.append(warning.toString());
    }
    return result;
}

QJsonArray IntakeTrace::toJson() const
{
    QJsonArray array;
    for (const TraceStep &step : m_steps)
        array.append(step.toJson());
    return array;
}

void IntakeTrace::offerLabel(const QString &label)
{
    if (m_label.isEmpty())
        m_label = label.simplified();
}

QJsonArray IntakeTrace::markFileWarnings(const QJsonArray &trace, const QSet<QString> &fileErrors)
{
    if (fileErrors.isEmpty())
        return trace;
    QJsonArray marked;
    for (const QJsonValue &value : trace) {
        QJsonObject step = value.toObject();
        const QJsonArray warnings = step.value(QStringLiteral("warnings")).toArray();
        QJsonArray indices;
        for (int i = 0; i < warnings.size(); ++i) {
            if (fileErrors.contains(warnings.at(i).toString()))
                indices.append(i);
        }
        if (!indices.isEmpty())
            step.insert(QStringLiteral("file_warnings"), indices);
        marked.append(step);
    }
    return marked;
}

bool IntakeTrace::isFileWarning(const QJsonObject &step, int index)
{
    for (const QJsonValue &i : step.value(QStringLiteral("file_warnings")).toArray()) {
        if (i.toInt(-1) == index)
            return true;
    }
    return false;
}

namespace {

struct RoleName
{
    ColumnMapping::Role role;
    QStringView key;
};

constexpr RoleName s_roles[] = {
    {ColumnMapping::Role::Metadata, u"metadata"}, {ColumnMapping::Role::Identifier, u"identifier"},
    {ColumnMapping::Role::Title, u"title"},       {ColumnMapping::Role::Url, u"url"},
    {ColumnMapping::Role::Path, u"path"},         {ColumnMapping::Role::Md5, u"md5"},
    {ColumnMapping::Role::Sha1, u"sha1"},         {ColumnMapping::Role::Sha256, u"sha256"},
    {ColumnMapping::Role::Sha512, u"sha512"},     {ColumnMapping::Role::Mimetype, u"mimetype"},
    {ColumnMapping::Role::Size, u"size"},         {ColumnMapping::Role::Ignore, u"ignore"},
};

} // namespace

ColumnMapping::Role ColumnMapping::roleFor(const QString &column) const
{
    const QString key = column.trimmed().toLower();
    return overrides.value(key, defaultRole(key));
}

ColumnMapping::Role ColumnMapping::defaultRole(const QString &column)
{
    QString key = column.trimmed().toLower();
    key.replace(u' ', u'_');
    key.replace(u'-', u'_');
    static const QHash<QString, Role> names{
        {QStringLiteral("id"), Role::Identifier},
        {QStringLiteral("identifier"), Role::Identifier},
        {QStringLiteral("record_id"), Role::Identifier},
        {QStringLiteral("resource_id"), Role::Identifier},
        {QStringLiteral("title"), Role::Title},
        {QStringLiteral("label"), Role::Title},
        {QStringLiteral("url"), Role::Url},
        {QStringLiteral("uri"), Role::Url},
        {QStringLiteral("link"), Role::Url},
        {QStringLiteral("href"), Role::Url},
        {QStringLiteral("media_url"), Role::Url},
        {QStringLiteral("download_url"), Role::Url},
        {QStringLiteral("image_url"), Role::Url},
        {QStringLiteral("path"), Role::Path},
        {QStringLiteral("file"), Role::Path},
        {QStringLiteral("filename"), Role::Path},
        {QStringLiteral("file_path"), Role::Path},
        {QStringLiteral("filepath"), Role::Path},
        {QStringLiteral("md5"), Role::Md5},
        {QStringLiteral("md5sum"), Role::Md5},
        {QStringLiteral("sha1"), Role::Sha1},
        {QStringLiteral("sha256"), Role::Sha256},
        {QStringLiteral("sha512"), Role::Sha512},
        {QStringLiteral("mimetype"), Role::Mimetype},
        {QStringLiteral("mime_type"), Role::Mimetype},
        {QStringLiteral("content_type"), Role::Mimetype},
        {QStringLiteral("size"), Role::Size},
        {QStringLiteral("bytes"), Role::Size},
        {QStringLiteral("filesize"), Role::Size},
    };
    return names.value(key, Role::Metadata);
}

QString ColumnMapping::roleKey(Role role)
{
    for (const RoleName &r : s_roles) {
        if (r.role == role)
            return r.key.toString();
    }
    return {};
}

std::optional<ColumnMapping::Role> ColumnMapping::roleFromKey(QStringView key)
{
    for (const RoleName &r : s_roles) {
        if (r.key == key)
            return r.role;
    }
    return std::nullopt;
}

QJsonObject ColumnMapping::toJson() const
{
    QJsonObject json;
    for (auto it = overrides.cbegin(); it != overrides.cend(); ++it)
        json.insert(it.key(), roleKey(it.value()));
    return json;
}

ColumnMapping ColumnMapping::fromJson(const QJsonObject &json)
{
    ColumnMapping mapping;
    for (auto it = json.constBegin(); it != json.constEnd(); ++it) {
        if (const auto role = roleFromKey(it.value().toString()))
            mapping.overrides.insert(it.key().trimmed().toLower(), *role);
    }
    return mapping;
}

} // namespace gh
