#include "stage.h"

#include <array>

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

} // namespace

QString StageInfo::key(Stage stage)
{
    for (const auto &e : s_stages) {
        if (e.stage == stage)
            return e.key.toString();
    }
    Q_UNREACHABLE();
}

std::optional<Stage> StageInfo::fromKey(QStringView key)
{
    for (const auto &e : s_stages) {
        if (e.key == key)
            return e.stage;
    }
    return std::nullopt;
}

QString StageInfo::displayName(Stage stage)
{
    for (const auto &e : s_stages) {
        if (e.stage == stage)
            return tr(e.name);
    }
    Q_UNREACHABLE();
}

const QList<Stage> &StageInfo::all()
{
    static const QList<Stage> list = [] {
        QList<Stage> result;
        for (const auto &e : s_stages)
            result.append(e.stage);
        return result;
    }();
    return list;
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
