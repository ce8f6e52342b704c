#include "stage.h"

#include <array>
#include <deque>
#include <mutex>
#include <shared_mutex>

namespace gh {

namespace {

struct StageEntry
{
    Stage stage;
    QStringView key;
    const char *name;
};

constexpr std::array s_stages{
    StageEntry{Stage::Intake, u"intake", QT_TRANSLATE_NOOP("gh::StageInfo", "Intake")},
    StageEntry{Stage::Fetch, u"fetch", QT_TRANSLATE_NOOP("gh::StageInfo", "Fetch")},
    StageEntry{Stage::Check, u"check", QT_TRANSLATE_NOOP("gh::StageInfo", "Check")},
    StageEntry{Stage::Dedup, u"dedup", QT_TRANSLATE_NOOP("gh::StageInfo", "Duplicates")},
    StageEntry{Stage::Review, u"review", QT_TRANSLATE_NOOP("gh::StageInfo", "Review")},
    StageEntry{Stage::Upload, u"upload", QT_TRANSLATE_NOOP("gh::StageInfo", "Upload")},
};

struct StateEntry
{
    StageState state;
    QStringView key;
    const char *name;
};

constexpr std::array s_states{
    StateEntry{StageState::NotStarted, u"not-started", QT_TRANSLATE_NOOP("gh::StageInfo", "Not started")},
    StateEntry{StageState::Running, u"running", QT_TRANSLATE_NOOP("gh::StageInfo", "Running")},
    StateEntry{StageState::Done, u"done", QT_TRANSLATE_NOOP("gh::StageInfo", "Done")},
    StateEntry{StageState::NeedsAttention, u"attention",
               QT_TRANSLATE_NOOP("gh::StageInfo", "Needs attention")},
    StateEntry{StageState::Failed, u"failed", QT_TRANSLATE_NOOP("gh::StageInfo", "Failed")},
};

//! Stages defined at run time (plug-ins): values from s_firstDefined on, in the order they were defined.
struct DefinedStage
{
    QString key;
    QString name;
};
constexpr int s_firstDefined = 100;

struct DefinedStages
{
    std::shared_mutex lock;
    std::deque<DefinedStage> stages;
    QList<Stage> all; //!< Shipped, then defined: copied out by all() without allocating (implicit sharing).
};

DefinedStages &definedStages()
{
    static DefinedStages defined;
    static std::once_flag shipped;
    std::call_once(shipped, [] {
        for (const auto &e : s_stages)
            defined.all.append(e.stage);
    });
    return defined;
}

const DefinedStage *findDefined(Stage stage)
{
    DefinedStages &d = definedStages();
    const qsizetype index = qsizetype(stage) - s_firstDefined;
    std::shared_lock guard(d.lock);
    // A deque never moves its elements, so the pointer stays valid after the lock is released.
    return index >= 0 && index < qsizetype(d.stages.size()) ? &d.stages[size_t(index)] : nullptr;
}

} // namespace

QString StageInfo::key(Stage stage)
{
    for (const auto &e : s_stages) {
        if (e.stage == stage)
            return e.key.toString();
    }
    if (const DefinedStage *defined = findDefined(stage))
        return defined->key;
    Q_UNREACHABLE();
}

std::optional<Stage> StageInfo::fromKey(QStringView key)
{
    for (const auto &e : s_stages) {
        if (e.key == key)
            return e.stage;
    }
    DefinedStages &d = definedStages();
    std::shared_lock guard(d.lock);
    for (size_t i = 0; i < d.stages.size(); ++i) {
        if (d.stages[i].key == key)
            return Stage(s_firstDefined + int(i));
    }
    return std::nullopt;
}

QString StageInfo::displayName(Stage stage)
{
    for (const auto &e : s_stages) {
        if (e.stage == stage)
            return tr(e.name);
    }
    if (const DefinedStage *defined = findDefined(stage))
        return defined->name;
    Q_UNREACHABLE();
}

QList<Stage> StageInfo::all()
{
    DefinedStages &d = definedStages();
    std::shared_lock guard(d.lock);
    return d.all;
}

Stage StageInfo::define(const QString &key, const QString &displayName)
{
    if (const auto known = fromKey(key))
        return *known;
    DefinedStages &d = definedStages();
    std::unique_lock guard(d.lock);
    for (size_t i = 0; i < d.stages.size(); ++i) {
        if (d.stages[i].key == key)
            return Stage(s_firstDefined + int(i));
    }
    d.stages.push_back(DefinedStage{key, displayName});
    const Stage stage = Stage(s_firstDefined + int(d.stages.size() - 1));
    d.all.append(stage);
    return stage;
}

QString StageInfo::key(StageState state)
{
    for (const auto &e : s_states) {
        if (e.state == state)
            return e.key.toString();
    }
    Q_UNREACHABLE();
}

std::optional<StageState> StageInfo::stateFromKey(QStringView key)
{
    for (const auto &e : s_states) {
        if (e.key == key)
            return e.state;
    }
    return std::nullopt;
}

QString StageInfo::displayName(StageState state)
{
    for (const auto &e : s_states) {
        if (e.state == state)
            return tr(e.name);
    }
    Q_UNREACHABLE();
}

} // namespace gh
