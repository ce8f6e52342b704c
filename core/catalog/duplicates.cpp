#include "duplicates.h"

#include <array>

namespace gh {

namespace {

using namespace Qt::StringLiterals;

struct CaseEntry
{
    DuplicateCase dupCase;
    QStringView key;
    bool needsDecision;
    const char *name;
    const char *description;
};

// The one table of cases; every mapping below reads it.
constexpr std::array s_cases{
    CaseEntry{DuplicateCase::AlreadyThere, u"already-there", false,
              QT_TRANSLATE_NOOP("gh::DuplicateInfo", "Already there"),
              QT_TRANSLATE_NOOP("gh::DuplicateInfo",
                                "The target holds these bytes under our name: nothing to send.")},
    CaseEntry{DuplicateCase::HashElsewhere, u"hash-elsewhere", true,
              QT_TRANSLATE_NOOP("gh::DuplicateInfo", "Same bytes under another name"),
              QT_TRANSLATE_NOOP("gh::DuplicateInfo",
                                "The target holds these bytes under another name; our name is free.")},
    CaseEntry{DuplicateCase::HashElsewhereNameTaken, u"hash-elsewhere-name-taken", true,
              QT_TRANSLATE_NOOP("gh::DuplicateInfo", "Same bytes elsewhere, name taken"),
              QT_TRANSLATE_NOOP("gh::DuplicateInfo", "The target holds these bytes under another name, and "
                                                     "our name holds other content.")},
    CaseEntry{
        DuplicateCase::New, u"new", false, QT_TRANSLATE_NOOP("gh::DuplicateInfo", "New"),
        QT_TRANSLATE_NOOP("gh::DuplicateInfo", "The target does not know these bytes and our name is free.")},
    CaseEntry{DuplicateCase::NameTaken, u"name-taken", true,
              QT_TRANSLATE_NOOP("gh::DuplicateInfo", "Name taken"),
              QT_TRANSLATE_NOOP("gh::DuplicateInfo",
                                "The target does not know these bytes, but our name holds other content.")},
    CaseEntry{DuplicateCase::InBatch, u"in-batch", true,
              QT_TRANSLATE_NOOP("gh::DuplicateInfo", "Twice in this batch"),
              QT_TRANSLATE_NOOP("gh::DuplicateInfo",
                                "An earlier file of this batch has the same bytes; the first one is kept.")},
    CaseEntry{
        DuplicateCase::EarlierBatch, u"earlier-batch", true,
        QT_TRANSLATE_NOOP("gh::DuplicateInfo", "In an earlier batch"),
        QT_TRANSLATE_NOOP("gh::DuplicateInfo", "An earlier batch of the catalog ingested these bytes.")},
};

struct ActionEntry
{
    DuplicateAction action;
    QStringView key;
    bool actsOnTarget;
    const char *name;
};

constexpr std::array s_actions{
    ActionEntry{DuplicateAction::Skip, u"skip", false, QT_TRANSLATE_NOOP("gh::DuplicateInfo", "Skip")},
    ActionEntry{DuplicateAction::Upload, u"upload", true, QT_TRANSLATE_NOOP("gh::DuplicateInfo", "Upload")},
    ActionEntry{DuplicateAction::Rename, u"rename", true, QT_TRANSLATE_NOOP("gh::DuplicateInfo", "Rename")},
    ActionEntry{DuplicateAction::Overwrite, u"overwrite", true,
                QT_TRANSLATE_NOOP("gh::DuplicateInfo", "Overwrite")},
    ActionEntry{DuplicateAction::Move, u"move", true, QT_TRANSLATE_NOOP("gh::DuplicateInfo", "Move")},
    ActionEntry{DuplicateAction::Link, u"link", false, QT_TRANSLATE_NOOP("gh::DuplicateInfo", "Link")},
    ActionEntry{DuplicateAction::HandFix, u"hand-fix", false,
                QT_TRANSLATE_NOOP("gh::DuplicateInfo", "Hand-fix")},
};

const CaseEntry &entry(DuplicateCase c)
{
    for (const CaseEntry &e : s_cases) {
        if (e.dupCase == c)
            return e;
    }
    return s_cases.front();
}

const ActionEntry &entry(DuplicateAction a)
{
    for (const ActionEntry &e : s_actions) {
        if (e.action == a)
            return e;
    }
    return s_actions.front();
}

} // namespace

QString DuplicateInfo::key(DuplicateCase c)
{
    return entry(c).key.toString();
}

std::optional<DuplicateCase> DuplicateInfo::caseFromKey(QStringView key)
{
    for (const CaseEntry &e : s_cases) {
        if (e.key == key)
            return e.dupCase;
    }
    return std::nullopt;
}

QString DuplicateInfo::displayName(DuplicateCase c)
{
    return tr(entry(c).name);
}

QString DuplicateInfo::description(DuplicateCase c)
{
    return tr(entry(c).description);
}

bool DuplicateInfo::needsDecision(DuplicateCase c)
{
    return entry(c).needsDecision;
}

const QList<DuplicateCase> &DuplicateInfo::cases()
{
    static const QList<DuplicateCase> list = [] {
        QList<DuplicateCase> l;
        for (const CaseEntry &e : s_cases)
            l.append(e.dupCase);
        return l;
    }();
    return list;
}

QString DuplicateInfo::key(DuplicateAction a)
{
    return entry(a).key.toString();
}

std::optional<DuplicateAction> DuplicateInfo::actionFromKey(QStringView key)
{
    for (const ActionEntry &e : s_actions) {
        if (e.key == key)
            return e.action;
    }
    return std::nullopt;
}

QString DuplicateInfo::displayName(DuplicateAction a)
{
    return tr(entry(a).name);
}

const QList<DuplicateAction> &DuplicateInfo::actions()
{
    static const QList<DuplicateAction> list = [] {
        QList<DuplicateAction> l;
        for (const ActionEntry &e : s_actions)
            l.append(e.action);
        return l;
    }();
    return list;
}

bool DuplicateInfo::actsOnTarget(DuplicateAction a)
{
    return entry(a).actsOnTarget;
}

QString DuplicateInfo::actionKeys()
{
    QStringList keys;
    for (const ActionEntry &e : s_actions)
        keys.append(e.key.toString());
    return keys.join(u", ");
}

QString DuplicateInfo::caseKeys()
{
    QStringList keys;
    for (const CaseEntry &e : s_cases)
        keys.append(e.key.toString());
    return keys.join(u", ");
}

QString DuplicateInfo::catalogTarget()
{
    return QStringLiteral("catalog");
}

} // namespace gh
