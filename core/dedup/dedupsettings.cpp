#include "dedupsettings.h"

#include <QFileInfo>
#include <QSettings>

#include "duplicatesolver.h"
#include "targets/targetregistry.h"

namespace gh {

Result<DuplicateRules> DuplicateRules::parse(const QStringList &entries)
{
    DuplicateRules rules;
    for (const QString &raw : entries) {
        const QString entry = raw.trimmed();
        if (entry.isEmpty())
            continue;
        const qsizetype eq = entry.indexOf(u'=');
        const QString caseKey = entry.left(eq).trimmed();
        const QString actionKey = eq < 0 ? QString() : entry.mid(eq + 1).trimmed();
        const auto dupCase = DuplicateInfo::caseFromKey(caseKey);
        if (!dupCase) {
            return Error{ErrorCode::Usage, tr("The duplicate rule \"%1\" names no case; the cases are %2.")
                                               .arg(entry, DuplicateInfo::caseKeys())};
        }
        const auto action = DuplicateInfo::actionFromKey(actionKey);
        if (!action) {
            return Error{ErrorCode::Usage,
                         tr("The duplicate rule \"%1\" names no action; write CASE=ACTION with one of %2.")
                             .arg(entry, DuplicateInfo::actionKeys())};
        }
        if (!DuplicateSolver::caseAllows(*dupCase, *action)) {
            return Error{
                ErrorCode::Usage,
                tr("The duplicate rule \"%1\": %2 is not an action for %3.").arg(entry, actionKey, caseKey)};
        }
        rules.set(*dupCase, *action);
    }
    return rules;
}

std::optional<DuplicateAction> DuplicateRules::actionFor(DuplicateCase dupCase) const
{
    const auto it = m_rules.constFind(dupCase);
    if (it == m_rules.cend())
        return std::nullopt;
    return *it;
}

QString DuplicateRules::text(DuplicateCase dupCase) const
{
    const auto action = actionFor(dupCase);
    return action ? DuplicateInfo::key(dupCase) + u'=' + DuplicateInfo::key(*action) : QString();
}

QStringList DuplicateRules::entries() const
{
    QStringList list;
    for (auto it = m_rules.cbegin(); it != m_rules.cend(); ++it)
        list.append(DuplicateInfo::key(it.key()) + u'=' + DuplicateInfo::key(it.value()));
    return list;
}

Status DedupSettings::readFile(const QString &path, DedupSettings &settings)
{
    if (!QFileInfo(path).isReadable())
        return Error{ErrorCode::NotFound,
                     tr("The settings file %1 does not exist or cannot be read.").arg(path)};
    QSettings ini(path, QSettings::IniFormat);
    if (ini.status() != QSettings::NoError)
        return Error{ErrorCode::Invalid, tr("The settings file %1 is not a valid INI file.").arg(path)};
    ini.beginGroup(QStringLiteral("dedup"));
    QStringList entries;
    for (const QString &key : ini.childKeys()) {
        if (key == u"deleted") {
            const QString value = ini.value(key).toString().trimmed().toLower();
            if (value != u"true" && value != u"false" && value != u"1" && value != u"0")
                return Error{ErrorCode::Invalid,
                             tr("%1: [dedup] deleted must be true or false, not \"%2\".").arg(path, value)};
            settings.lookUpDeleted = value == u"true" || value == u"1";
            continue;
        }
        if (key == u"search") {
            const QString value = ini.value(key).toString().trimmed().toLower();
            if (value == u"auto")
                settings.wikiSearch = MediaWikiTarget::ContentSearch::Auto;
            else if (value == u"list")
                settings.wikiSearch = MediaWikiTarget::ContentSearch::List;
            else if (value == u"per-hash")
                settings.wikiSearch = MediaWikiTarget::ContentSearch::PerHash;
            else
                return Error{
                    ErrorCode::Invalid,
                    tr("%1: [dedup] search must be auto, list or per-hash, not \"%2\".").arg(path, value)};
            continue;
        }
        if (!DuplicateInfo::caseFromKey(key)) {
            return Error{ErrorCode::Invalid,
                         tr("%1: [dedup] %2 is neither a case (%3) nor \"deleted\" or \"search\".")
                             .arg(path, key, DuplicateInfo::caseKeys())};
        }
        entries.append(key + u'=' + ini.value(key).toString());
    }
    auto rules = DuplicateRules::parse(entries);
    if (!rules)
        return Error{rules.error().code, path + QStringLiteral(": ") + rules.error().message};
    settings.rules = *rules;
    return {};
}

Result<DedupSettings> DedupSettings::load(const QString &settingsFile, const TargetRoute &route,
                                          const QString &titleTemplate, const QString &workDir)
{
    DedupSettings settings;
    if (!settingsFile.isEmpty()) {
        auto options = TargetOptions::fromFile(settingsFile);
        if (!options)
            return options.error();
        settings.upload.options = *options;
        if (Status s = readFile(settingsFile, settings); !s)
            return s.error();
    }
    settings.upload.titleTemplate = titleTemplate;
    settings.route = route;
    if (settings.route.spec.isEmpty())
        settings.route.spec = settings.upload.options.defaultTarget;
    if (settings.route.spec.isEmpty())
        return Error{ErrorCode::Usage,
                     tr("Say which target to check against (--target, or [targets] default= "
                        "in the settings).")};
    settings.upload.routes = {settings.route};
    settings.workDir = workDir;
    return settings;
}

Result<std::unique_ptr<Target>> DedupSettings::openTarget(const QString &stagingDir) const
{
    TargetContext context;
    context.stagingDir = stagingDir;
    return TargetRegistry::open(route.spec, upload.options, context);
}

} // namespace gh
