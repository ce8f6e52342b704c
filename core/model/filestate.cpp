#include "filestate.h"

#include <array>

namespace gh {

namespace {

struct StageStateEntry
{
    FileStageState state;
    QStringView key;
};

constexpr std::array s_stageStates{
    StageStateEntry{FileStageState::Pending, u"pending"},
    StageStateEntry{FileStageState::Done, u"done"},
    StageStateEntry{FileStageState::Skipped, u"skipped"},
    StageStateEntry{FileStageState::Failed, u"failed"},
};

struct TargetStateEntry
{
    TargetState state;
    QStringView key;
    const char *name;
};

constexpr std::array s_targetStates{
    TargetStateEntry{TargetState::Pending, u"pending", QT_TRANSLATE_NOOP("gh::FileStateInfo", "Pending")},
    TargetStateEntry{TargetState::Uploaded, u"uploaded", QT_TRANSLATE_NOOP("gh::FileStateInfo", "Uploaded")},
    TargetStateEntry{TargetState::AlreadyThere, u"already-there",
                     QT_TRANSLATE_NOOP("gh::FileStateInfo", "Already there")},
    TargetStateEntry{TargetState::NeedsDecision, u"needs-decision",
                     QT_TRANSLATE_NOOP("gh::FileStateInfo", "Needs a decision")},
    TargetStateEntry{TargetState::Skipped, u"skipped", QT_TRANSLATE_NOOP("gh::FileStateInfo", "Skipped")},
    TargetStateEntry{TargetState::Failed, u"failed", QT_TRANSLATE_NOOP("gh::FileStateInfo", "Failed")},
    TargetStateEntry{TargetState::TargetMismatch, u"target-mismatch",
                     QT_TRANSLATE_NOOP("gh::FileStateInfo", "Differs at the target")},
    TargetStateEntry{TargetState::Deleted, u"deleted", QT_TRANSLATE_NOOP("gh::FileStateInfo", "Deleted")},
};

} // namespace

QString FileStateInfo::key(FileStageState state)
{
    for (const auto &e : s_stageStates) {
        if (e.state == state)
            return e.key.toString();
    }
    Q_UNREACHABLE();
}

std::optional<FileStageState> FileStateInfo::stageStateFromKey(QStringView key)
{
    for (const auto &e : s_stageStates) {
        if (e.key == key)
            return e.state;
    }
    return std::nullopt;
}

FileStageState FileStateInfo::stateFor(FileStatus status)
{
    switch (StatusInfo::severity(status)) {
    case Severity::Open:
        return FileStageState::Pending;
    case Severity::Ok:
        return FileStageState::Done;
    case Severity::Skipped:
        return FileStageState::Skipped;
    case Severity::Error:
        return FileStageState::Failed;
    }
    Q_UNREACHABLE();
}

QString FileStateInfo::key(TargetState state)
{
    for (const auto &e : s_targetStates) {
        if (e.state == state)
            return e.key.toString();
    }
    Q_UNREACHABLE();
}

std::optional<TargetState> FileStateInfo::targetStateFromKey(QStringView key)
{
    for (const auto &e : s_targetStates) {
        if (e.key == key)
            return e.state;
    }
    return std::nullopt;
}

QString FileStateInfo::displayName(TargetState state)
{
    for (const auto &e : s_targetStates) {
        if (e.state == state)
            return tr(e.name);
    }
    Q_UNREACHABLE();
}

const QList<TargetState> &FileStateInfo::allTargetStates()
{
    static const QList<TargetState> list = [] {
        QList<TargetState> result;
        for (const auto &e : s_targetStates)
            result.append(e.state);
        return result;
    }();
    return list;
}

} // namespace gh
