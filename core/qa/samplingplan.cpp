#include "samplingplan.h"

#include <array>

namespace gh {

namespace {

// Table I of ISO 2859-1: the smallest lot size of each row, then the code letters for the levels
// S-1, S-2, S-3, S-4, I, II, III in that order. Copied from shared/reference/iso2859-1.md.
struct LotRow
{
    qint64 minimum;
    const char letters[8];
};
constexpr std::array<LotRow, 15> s_tableI{{
    {2, "AAAAAAB"},
    {9, "AAAAABC"},
    {16, "AABBBCD"},
    {26, "ABBCCDE"},
    {51, "BBCCCEF"},
    {91, "BBCDDFG"},
    {151, "BCDEEGH"},
    {281, "BCDEFHJ"},
    {501, "CCEFGJK"},
    {1201, "CDEGHKL"},
    {3201, "CDFGJLM"},
    {10001, "CDFHKMN"},
    {35001, "DEGJLNP"},
    {150001, "DEGJMPQ"},
    {500001, "DEHKNQR"},
}};

// Table II-A, normal inspection, with the arrows already followed: each cell is the plan that applies (n,
// Ac, Re) and the letter of the row it comes from. Columns are the AQLs of s_aqls.
struct Cell
{
    int n;
    int ac;
    int re;
    char plan;
};
struct LetterRow
{
    char letter;
    int n;
    std::array<Cell, 10> cells;
};
constexpr std::array<LetterRow, 16> s_tableIIA{{
    // clang-format off
    {'A', 2, {{{125, 0, 1, 'K'}, {80, 0, 1, 'J'}, {50, 0, 1, 'H'}, {32, 0, 1, 'G'}, {20, 0, 1, 'F'}, {13, 0, 1, 'E'}, {8, 0, 1, 'D'}, {5, 0, 1, 'C'}, {3, 0, 1, 'B'}, {2, 0, 1, 'A'}}}},
    {'B', 3, {{{125, 0, 1, 'K'}, {80, 0, 1, 'J'}, {50, 0, 1, 'H'}, {32, 0, 1, 'G'}, {20, 0, 1, 'F'}, {13, 0, 1, 'E'}, {8, 0, 1, 'D'}, {5, 0, 1, 'C'}, {3, 0, 1, 'B'}, {2, 0, 1, 'A'}}}},
    {'C', 5, {{{125, 0, 1, 'K'}, {80, 0, 1, 'J'}, {50, 0, 1, 'H'}, {32, 0, 1, 'G'}, {20, 0, 1, 'F'}, {13, 0, 1, 'E'}, {8, 0, 1, 'D'}, {5, 0, 1, 'C'}, {3, 0, 1, 'B'}, {8, 1, 2, 'D'}}}},
    {'D', 8, {{{125, 0, 1, 'K'}, {80, 0, 1, 'J'}, {50, 0, 1, 'H'}, {32, 0, 1, 'G'}, {20, 0, 1, 'F'}, {13, 0, 1, 'E'}, {8, 0, 1, 'D'}, {5, 0, 1, 'C'}, {13, 1, 2, 'E'}, {8, 1, 2, 'D'}}}},
    {'E', 13, {{{125, 0, 1, 'K'}, {80, 0, 1, 'J'}, {50, 0, 1, 'H'}, {32, 0, 1, 'G'}, {20, 0, 1, 'F'}, {13, 0, 1, 'E'}, {8, 0, 1, 'D'}, {20, 1, 2, 'F'}, {13, 1, 2, 'E'}, {13, 2, 3, 'E'}}}},
    {'F', 20, {{{125, 0, 1, 'K'}, {80, 0, 1, 'J'}, {50, 0, 1, 'H'}, {32, 0, 1, 'G'}, {20, 0, 1, 'F'}, {13, 0, 1, 'E'}, {32, 1, 2, 'G'}, {20, 1, 2, 'F'}, {20, 2, 3, 'F'}, {20, 3, 4, 'F'}}}},
    {'G', 32, {{{125, 0, 1, 'K'}, {80, 0, 1, 'J'}, {50, 0, 1, 'H'}, {32, 0, 1, 'G'}, {20, 0, 1, 'F'}, {50, 1, 2, 'H'}, {32, 1, 2, 'G'}, {32, 2, 3, 'G'}, {32, 3, 4, 'G'}, {32, 5, 6, 'G'}}}},
    {'H', 50, {{{125, 0, 1, 'K'}, {80, 0, 1, 'J'}, {50, 0, 1, 'H'}, {32, 0, 1, 'G'}, {80, 1, 2, 'J'}, {50, 1, 2, 'H'}, {50, 2, 3, 'H'}, {50, 3, 4, 'H'}, {50, 5, 6, 'H'}, {50, 7, 8, 'H'}}}},
    {'J', 80, {{{125, 0, 1, 'K'}, {80, 0, 1, 'J'}, {50, 0, 1, 'H'}, {125, 1, 2, 'K'}, {80, 1, 2, 'J'}, {80, 2, 3, 'J'}, {80, 3, 4, 'J'}, {80, 5, 6, 'J'}, {80, 7, 8, 'J'}, {80, 10, 11, 'J'}}}},
    {'K', 125, {{{125, 0, 1, 'K'}, {80, 0, 1, 'J'}, {200, 1, 2, 'L'}, {125, 1, 2, 'K'}, {125, 2, 3, 'K'}, {125, 3, 4, 'K'}, {125, 5, 6, 'K'}, {125, 7, 8, 'K'}, {125, 10, 11, 'K'}, {125, 14, 15, 'K'}}}},
    {'L', 200, {{{125, 0, 1, 'K'}, {315, 1, 2, 'M'}, {200, 1, 2, 'L'}, {200, 2, 3, 'L'}, {200, 3, 4, 'L'}, {200, 5, 6, 'L'}, {200, 7, 8, 'L'}, {200, 10, 11, 'L'}, {200, 14, 15, 'L'}, {200, 21, 22, 'L'}}}},
    {'M', 315, {{{500, 1, 2, 'N'}, {315, 1, 2, 'M'}, {315, 2, 3, 'M'}, {315, 3, 4, 'M'}, {315, 5, 6, 'M'}, {315, 7, 8, 'M'}, {315, 10, 11, 'M'}, {315, 14, 15, 'M'}, {315, 21, 22, 'M'}, {200, 21, 22, 'L'}}}},
    {'N', 500, {{{500, 1, 2, 'N'}, {500, 2, 3, 'N'}, {500, 3, 4, 'N'}, {500, 5, 6, 'N'}, {500, 7, 8, 'N'}, {500, 10, 11, 'N'}, {500, 14, 15, 'N'}, {500, 21, 22, 'N'}, {315, 21, 22, 'M'}, {200, 21, 22, 'L'}}}},
    {'P', 800, {{{800, 2, 3, 'P'}, {800, 3, 4, 'P'}, {800, 5, 6, 'P'}, {800, 7, 8, 'P'}, {800, 10, 11, 'P'}, {800, 14, 15, 'P'}, {800, 21, 22, 'P'}, {500, 21, 22, 'N'}, {315, 21, 22, 'M'}, {200, 21, 22, 'L'}}}},
    {'Q', 1250, {{{1250, 3, 4, 'Q'}, {1250, 5, 6, 'Q'}, {1250, 7, 8, 'Q'}, {1250, 10, 11, 'Q'}, {1250, 14, 15, 'Q'}, {1250, 21, 22, 'Q'}, {800, 21, 22, 'P'}, {500, 21, 22, 'N'}, {315, 21, 22, 'M'}, {200, 21, 22, 'L'}}}},
    {'R', 2000, {{{2000, 5, 6, 'R'}, {2000, 7, 8, 'R'}, {2000, 10, 11, 'R'}, {2000, 14, 15, 'R'}, {2000, 21, 22, 'R'}, {1250, 21, 22, 'Q'}, {800, 21, 22, 'P'}, {500, 21, 22, 'N'}, {315, 21, 22, 'M'}, {200, 21, 22, 'L'}}}},
    // clang-format on
}};

constexpr std::array<int, 10> s_aqls{10, 15, 25, 40, 65, 100, 150, 250, 400, 650};

constexpr std::array<std::pair<InspectionLevel, QStringView>, 7> s_levels{{
    {InspectionLevel::S1, u"S-1"},
    {InspectionLevel::S2, u"S-2"},
    {InspectionLevel::S3, u"S-3"},
    {InspectionLevel::S4, u"S-4"},
    {InspectionLevel::I, u"I"},
    {InspectionLevel::II, u"II"},
    {InspectionLevel::III, u"III"},
}};

} // namespace

QString SamplingPlan::aqlText() const
{
    return SamplingPlans::aqlText(aqlHundredths);
}

QChar SamplingPlans::codeLetter(qint64 lotSize, InspectionLevel level)
{
    const LotRow *row = &s_tableI.front();
    for (const LotRow &r : s_tableI) {
        if (lotSize >= r.minimum)
            row = &r;
    }
    return QChar::fromLatin1(row->letters[int(level)]);
}

Result<SamplingPlan> SamplingPlans::plan(qint64 lotSize, int aqlHundredths, InspectionLevel level)
{
    if (lotSize < 1)
        return Error{ErrorCode::Usage,
                     tr("A lot must hold at least one item to be sampled; this one holds %1.").arg(lotSize)};
    const auto column = std::find(s_aqls.cbegin(), s_aqls.cend(), aqlHundredths);
    if (column == s_aqls.cend())
        return Error{ErrorCode::Usage, tr("%1 is not an AQL of the sampling table; use one of 0.10, 0.15, "
                                          "0.25, 0.40, 0.65, 1.0, 1.5, 2.5, 4.0, 6.5.")
                                           .arg(aqlText(aqlHundredths))};
    SamplingPlan plan;
    plan.lotSize = lotSize;
    plan.level = level;
    plan.aqlHundredths = aqlHundredths;
    plan.codeLetter = codeLetter(lotSize, level);
    const auto row = std::find_if(s_tableIIA.cbegin(), s_tableIIA.cend(), [&](const LetterRow &r) {
        return QChar::fromLatin1(r.letter) == plan.codeLetter;
    });
    Q_ASSERT(row != s_tableIIA.cend());
    const Cell &cell = row->cells[std::size_t(column - s_aqls.cbegin())];
    plan.planLetter = QChar::fromLatin1(cell.plan);
    plan.planSampleSize = cell.n;
    plan.sampleSize = std::min<qint64>(cell.n, lotSize);
    plan.accept = cell.ac;
    plan.reject = cell.re;
    return plan;
}

Result<SamplingPlan> SamplingPlans::plan(qint64 lotSize, const QString &aql, const QString &level)
{
    const auto hundredths = parseAql(aql);
    if (!hundredths)
        return Error{ErrorCode::Usage, tr("\"%1\" is not an AQL of the sampling table; use one of 0.10, "
                                          "0.15, 0.25, 0.40, 0.65, 1.0, 1.5, 2.5, 4.0, 6.5.")
                                           .arg(aql)};
    const auto parsedLevel = parseLevel(level);
    if (!parsedLevel)
        return Error{
            ErrorCode::Usage,
            tr("\"%1\" is not an inspection level; use I, II, III, S-1, S-2, S-3 or S-4.").arg(level)};
    return plan(lotSize, *hundredths, *parsedLevel);
}

const QList<int> &SamplingPlans::aqls()
{
    static const QList<int> list(s_aqls.cbegin(), s_aqls.cend());
    return list;
}

std::optional<int> SamplingPlans::parseAql(const QString &text)
{
    // Decimal text to hundredths without floating point, so "0.1" and "0.10" are the same column.
    const QString t = text.trimmed();
    const qsizetype dot = t.indexOf(u'.');
    const QString whole = dot < 0 ? t : t.left(dot);
    QString fraction = dot < 0 ? QString() : t.mid(dot + 1);
    if (whole.isEmpty() || fraction.size() > 2 ||
        !std::all_of(whole.cbegin(), whole.cend(), [](QChar c) { return c.isDigit(); }) ||
        !std::all_of(fraction.cbegin(), fraction.cend(), [](QChar c) { return c.isDigit(); }) ||
        whole.size() > 3)
        return std::nullopt;
    fraction = fraction.leftJustified(2, u'0');
    const int value = whole.toInt() * 100 + fraction.toInt();
    if (std::find(s_aqls.cbegin(), s_aqls.cend(), value) == s_aqls.cend())
        return std::nullopt;
    return value;
}

QString SamplingPlans::aqlText(int aqlHundredths)
{
    // As the standard writes them: two decimals below 1 %, one from 1 % up.
    if (aqlHundredths < 100)
        return QStringLiteral("0.%1").arg(aqlHundredths, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1.%2").arg(aqlHundredths / 100).arg(aqlHundredths % 100 / 10);
}

QString SamplingPlans::levelKey(InspectionLevel level)
{
    for (const auto &[l, key] : s_levels) {
        if (l == level)
            return key.toString();
    }
    Q_UNREACHABLE();
}

std::optional<InspectionLevel> SamplingPlans::parseLevel(const QString &text)
{
    QString t = text.trimmed().toUpper();
    if (t.size() == 2 && t.startsWith(u'S') && t[1].isDigit())
        t.insert(1, u'-');
    for (const auto &[level, key] : s_levels) {
        if (key == t)
            return level;
    }
    return std::nullopt;
}

const QList<InspectionLevel> &SamplingPlans::levels()
{
    static const QList<InspectionLevel> list = [] {
        QList<InspectionLevel> result;
        for (const auto &[level, key] : s_levels)
            result.append(level);
        return result;
    }();
    return list;
}

} // namespace gh
