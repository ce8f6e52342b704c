#include "derivative.h"

#include <QMutex>
#include <QRegularExpression>

namespace gh {

namespace {

QMutex s_converterMutex;
std::shared_ptr<DerivativeConverter> s_converter;

struct TypeExtension
{
    const char *mimetype;
    const char *extension;
};

const TypeExtension s_extensions[] = {
    {"image/jpeg", ".jpg"},  {"image/png", ".png"}, {"image/tiff", ".tif"},
    {"image/webp", ".webp"}, {"image/gif", ".gif"}, {"image/jp2", ".jp2"},
};

} // namespace

Result<DerivativeRule> DerivativeRule::parse(const QString &text)
{
    static const QRegularExpression shape(
        QStringLiteral("^\\s*([a-z0-9.+-]+/(?:\\*|[a-z0-9.+-]+))\\s*=\\s*([a-z0-9.+-]+/[a-z0-9.+-]+)"
                       "((?::[^:\\s]+)*)\\s*$"),
        QRegularExpression::CaseInsensitiveOption);
    const auto m = shape.match(text);
    auto bad = [&](const QString &why) {
        return Error{
            ErrorCode::Usage,
            tr("The conversion rule \"%1\" is not valid: %2. Write it as FROM=TO[:qQUALITY][:LONGEST], "
               "e.g. image/jp2=image/jpeg:q90:4000.")
                .arg(text.trimmed(), why)};
    };
    if (!m.hasMatch())
        return bad(tr("it does not have the form FROM=TO"));
    DerivativeRule rule;
    rule.from = m.captured(1).toLower();
    rule.to = m.captured(2).toLower();
    if (rule.extension().isEmpty())
        return bad(tr("%1 is not a type Gatehouse can write (image/jpeg, image/png, image/tiff, image/webp)")
                       .arg(rule.to));
    const QStringList options = m.captured(3).split(u':', Qt::SkipEmptyParts);
    for (const QString &option : options) {
        bool ok = false;
        if (option.startsWith(u'q', Qt::CaseInsensitive)) {
            rule.quality = option.mid(1).toInt(&ok);
            if (!ok || rule.quality < 0 || rule.quality > 100)
                return bad(tr("the quality \"%1\" must be q0 to q100").arg(option));
        } else {
            rule.longestSide = option.toInt(&ok);
            if (!ok || rule.longestSide < 1)
                return bad(tr("\"%1\" is neither a quality (q90) nor a longest side in pixels").arg(option));
        }
    }
    return rule;
}

Result<QList<DerivativeRule>> DerivativeRule::parseList(const QString &text)
{
    QList<DerivativeRule> rules;
    static const QRegularExpression separators(QStringLiteral("[,;]"));
    for (const QString &part : text.split(separators, Qt::SkipEmptyParts)) {
        if (part.trimmed().isEmpty())
            continue;
        auto rule = parse(part);
        if (!rule)
            return rule.error();
        rules.append(*rule);
    }
    return rules;
}

const DerivativeRule *DerivativeRule::find(const QList<DerivativeRule> &rules, const QString &mimetype)
{
    for (const DerivativeRule &rule : rules) {
        if (rule.matches(mimetype))
            return &rule;
    }
    return nullptr;
}

bool DerivativeRule::matches(const QString &mimetype) const
{
    const QString type = mimetype.section(u';', 0, 0).trimmed().toLower();
    if (type.isEmpty())
        return false;
    if (from.endsWith(QStringLiteral("/*")))
        return type.startsWith(from.chopped(1));
    return type == from;
}

QString DerivativeRule::toText() const
{
    QString text = from + u'=' + to;
    if (quality >= 0)
        text += QStringLiteral(":q%1").arg(quality);
    if (longestSide > 0)
        text += QStringLiteral(":%1").arg(longestSide);
    return text;
}

QString DerivativeRule::extension() const
{
    for (const TypeExtension &t : s_extensions) {
        if (to == QLatin1String(t.mimetype))
            return QString::fromLatin1(t.extension);
    }
    return {};
}

QString DerivativeRule::renamed(const QString &name) const
{
    const qsizetype slash = name.lastIndexOf(u'/');
    const qsizetype dot = name.lastIndexOf(u'.');
    const QString stem = dot > slash + 1 ? name.left(dot) : name;
    return stem + extension();
}

void DerivativeConverter::install(std::shared_ptr<DerivativeConverter> converter)
{
    QMutexLocker lock(&s_converterMutex);
    s_converter = std::move(converter);
}

std::shared_ptr<DerivativeConverter> DerivativeConverter::installed()
{
    QMutexLocker lock(&s_converterMutex);
    return s_converter;
}

} // namespace gh
