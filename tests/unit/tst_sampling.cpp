// ISO 2859-1 sampling plans against the reference tables, cell by cell, and the seeded draw that must give
// the same sample on every machine.
#include <QFile>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

#include "qa/samplingplan.h"
#include "qa/samplingrandom.h"

using namespace gh;

namespace {

struct ReferenceCell
{
    qint64 lotMin;
    qint64 lotMax; //!< -1 for "∞"
    QChar code;
    int aql;
    qint64 n;
    int ac;
    int re;
    QChar plan;
};

/*!
    Reads the per-level tables of shared/reference/iso2859-1.md: for each level, lot-size range, code letter
   and the ten AQL cells "n Ac/Re (letter)". These tables are the composition of Table I and Table II-A that
   the standard's user looks up by hand; the code stores the two tables separately, so this is an independent
   check.
*/
QMap<QString, QList<ReferenceCell>> readReference(QString *error)
{
    QFile file(QStringLiteral(GATEHOUSE_REFERENCE_DIR "/iso2859-1.md"));
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        *error = QStringLiteral("cannot read %1: %2").arg(file.fileName(), file.errorString());
        return {};
    }
    const QList<int> aqls{10, 15, 25, 40, 65, 100, 150, 250, 400, 650};
    static const QRegularExpression heading(QStringLiteral("^## Inspection level (\\S+)$"));
    static const QRegularExpression row(
        QStringLiteral("^\\| (\\d+)–(\\d+|∞) \\| ([A-R]) \\| (\\d+) \\|(.*)\\|$"));
    static const QRegularExpression cell(QStringLiteral("^(\\d+) (\\d+)/(\\d+)(?: \\(([A-R])\\))?$"));
    QMap<QString, QList<ReferenceCell>> tables;
    QString level;
    while (!file.atEnd()) {
        const QString line = QString::fromUtf8(file.readLine()).trimmed();
        if (const auto h = heading.match(line); h.hasMatch()) {
            level = h.captured(1);
            continue;
        }
        if (line.startsWith(QStringLiteral("## ")))
            level.clear();
        const auto r = row.match(line);
        if (level.isEmpty() || !r.hasMatch())
            continue;
        const QStringList cells = r.captured(5).split(u'|');
        if (cells.size() != aqls.size()) {
            *error =
                QStringLiteral("level %1: a row with %2 cells: %3").arg(level).arg(cells.size()).arg(line);
            return {};
        }
        for (int i = 0; i < cells.size(); ++i) {
            const auto c = cell.match(cells[i].trimmed());
            if (!c.hasMatch()) {
                *error = QStringLiteral("level %1: cannot read the cell \"%2\"").arg(level, cells[i]);
                return {};
            }
            tables[level].append(
                {r.captured(1).toLongLong(), r.captured(2) == u"∞" ? -1 : r.captured(2).toLongLong(),
                 r.captured(3)[0], aqls[i], c.captured(1).toLongLong(), c.captured(2).toInt(),
                 c.captured(3).toInt(), c.captured(4).isEmpty() ? r.captured(3)[0] : c.captured(4)[0]});
        }
    }
    return tables;
}

} // namespace

class TestSampling : public QObject
{
    Q_OBJECT

private slots:
    void everyCellMatchesTheReference()
    {
        QString error;
        const auto tables = readReference(&error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(tables.size(), 7); // S-1 … S-4, I, II, III
        int checked = 0;
        for (auto it = tables.cbegin(); it != tables.cend(); ++it) {
            const auto level = SamplingPlans::parseLevel(it.key());
            QVERIFY2(level, qPrintable(it.key()));
            QCOMPARE(it.value().size(), 15 * 10); // every lot-size range × every AQL
            for (const ReferenceCell &c : it.value()) {
                // Both ends of the range, and one inside; the open-ended last row at its start and far
                // beyond.
                const qint64 top = c.lotMax < 0 ? 50'000'000 : c.lotMax;
                for (qint64 lot : {c.lotMin, (c.lotMin + top) / 2, top}) {
                    const QString where = QStringLiteral("level %1, lot %2, AQL %3")
                                              .arg(it.key())
                                              .arg(lot)
                                              .arg(SamplingPlans::aqlText(c.aql));
                    auto plan = SamplingPlans::plan(lot, c.aql, *level);
                    QVERIFY2(plan, qPrintable(where));
                    QVERIFY2(plan->codeLetter == c.code,
                             qPrintable(where + u" code letter " + plan->codeLetter));
                    QVERIFY2(plan->planLetter == c.plan,
                             qPrintable(where + u" plan letter " + plan->planLetter));
                    QVERIFY2(plan->planSampleSize == c.n,
                             qPrintable(where + u" n " + QString::number(plan->planSampleSize)));
                    QVERIFY2(plan->accept == c.ac && plan->reject == c.re, qPrintable(where + u" Ac/Re"));
                    // n at or above the lot size: every item is inspected.
                    QCOMPARE(plan->sampleSize, std::min(c.n, lot));
                    QCOMPARE(plan->isFullInspection(), c.n >= lot);
                    ++checked;
                }
            }
        }
        QCOMPARE(checked, 7 * 15 * 10 * 3);
    }

    void theIssuesExample()
    {
        // sample --lot-size 300 --json: code letter H, 50 items, accept 1, reject 2 at AQL 1.0, level II.
        auto plan = SamplingPlans::plan(300, QStringLiteral("1.0"), QStringLiteral("II"));
        QVERIFY(plan);
        QCOMPARE(plan->codeLetter, QChar(u'H'));
        QCOMPARE(plan->planLetter, QChar(u'H'));
        QCOMPARE(plan->sampleSize, 50);
        QCOMPARE(plan->accept, 1);
        QCOMPARE(plan->reject, 2);
    }

    void arrowsFollowedToAnotherRow()
    {
        // Level II, 51–90 items is E (13); at AQL 0.65 the arrow points down to F: 20 items, 0/1.
        auto down = SamplingPlans::plan(60, 65, InspectionLevel::II);
        QVERIFY(down);
        QCOMPARE(down->codeLetter, QChar(u'E'));
        QCOMPARE(down->planLetter, QChar(u'F'));
        QCOMPARE(down->sampleSize, 20);
        QCOMPARE(down->accept, 0);
        // Level II, 150001–500000 is P (800); at AQL 6.5 the arrow points up to L: 200 items, 21/22.
        auto up = SamplingPlans::plan(200000, 650, InspectionLevel::II);
        QVERIFY(up);
        QCOMPARE(up->codeLetter, QChar(u'P'));
        QCOMPARE(up->planLetter, QChar(u'L'));
        QCOMPARE(up->sampleSize, 200);
        QCOMPARE(up->reject, 22);
    }

    void smallLotsAreInspectedWhole()
    {
        // 5 items at AQL 1.0, level II: code A, arrow to E (13) — more than the lot: inspect all 5, Ac 0,
        // Re 1.
        auto plan = SamplingPlans::plan(5, 100, InspectionLevel::II);
        QVERIFY(plan);
        QCOMPARE(plan->planSampleSize, 13);
        QCOMPARE(plan->sampleSize, 5);
        QVERIFY(plan->isFullInspection());
        QCOMPARE(plan->reject, 1);
        auto one = SamplingPlans::plan(1, 100, InspectionLevel::II);
        QVERIFY(one);
        QCOMPARE(one->sampleSize, 1);
    }

    void refusesWhatIsNotInTheTable()
    {
        QVERIFY(!SamplingPlans::plan(0, 100, InspectionLevel::II));
        QVERIFY(!SamplingPlans::plan(100, 200, InspectionLevel::II)); // 2.0 % is not a column
        QVERIFY(!SamplingPlans::plan(100, QStringLiteral("10"), QStringLiteral("II")));
        QVERIFY(!SamplingPlans::plan(100, QStringLiteral("1.0"), QStringLiteral("IV")));
        QCOMPARE(SamplingPlans::parseAql(QStringLiteral("1")), std::optional<int>(100));
        QCOMPARE(SamplingPlans::parseAql(QStringLiteral("0.1")), std::optional<int>(10));
        QCOMPARE(SamplingPlans::parseAql(QStringLiteral("0.10")), std::optional<int>(10));
        QCOMPARE(SamplingPlans::parseAql(QStringLiteral(" 6.5 ")), std::optional<int>(650));
        for (const char *bad : {"", "abc", ".5", "-1", "1.05", "0.100", "1e0", "650"})
            QVERIFY2(!SamplingPlans::parseAql(QString::fromLatin1(bad)), bad);
        QCOMPARE(SamplingPlans::parseLevel(QStringLiteral("s4")), std::optional(InspectionLevel::S4));
        QCOMPARE(SamplingPlans::parseLevel(QStringLiteral("iii")), std::optional(InspectionLevel::III));
        for (int aql : SamplingPlans::aqls())
            QCOMPARE(SamplingPlans::parseAql(SamplingPlans::aqlText(aql)), std::optional<int>(aql));
        QCOMPARE(SamplingPlans::aqlText(10), QStringLiteral("0.10"));
        QCOMPARE(SamplingPlans::aqlText(100), QStringLiteral("1.0"));
    }

    void generatorMatchesTheReferenceAlgorithm()
    {
        // xoshiro256** seeded by SplitMix64, as its authors' C code computes it (checked with an independent
        // implementation): the same numbers on every machine and compiler.
        SamplingRandom zero(0);
        QCOMPARE(zero.next(), Q_UINT64_C(0x99ec5f36cb75f2b4));
        QCOMPARE(zero.next(), Q_UINT64_C(0xbf6e1f784956452a));
        QCOMPARE(zero.next(), Q_UINT64_C(0x1a5f849d4933e6e0));
        QCOMPARE(zero.next(), Q_UINT64_C(0x6aa594f1262d2d2c));
        SamplingRandom other(12345);
        QCOMPARE(other.next(), Q_UINT64_C(0xbe6a36374160d49b));
        QCOMPARE(other.next(), Q_UINT64_C(0x214aaa0637a688c6));
    }

    void aSeedDrawsTheSameSampleEverywhere()
    {
        const QList<qint64> expected{9,   18,  28,  32,  33,  36,  37,  47,  54,  57,  65,  67,  68,
                                     77,  81,  82,  89,  114, 131, 132, 135, 136, 140, 141, 160, 166,
                                     171, 175, 182, 184, 193, 195, 202, 208, 209, 210, 217, 227, 228,
                                     256, 260, 262, 265, 268, 271, 276, 277, 280, 300, 317};
        QCOMPARE(SamplingRandom(20240601).choose(320, 50), expected);
        QCOMPARE(SamplingRandom(20240601).choose(320, 50), expected);
        QVERIFY(SamplingRandom(20240602).choose(320, 50) != expected);
    }

    void drawsAreDistinctAndCoverTheLot()
    {
        const QList<qint64> all = SamplingRandom(7).choose(10, 25);
        QCOMPARE(all, (QList<qint64>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
        const QList<qint64> big = SamplingRandom(99).choose(1'000'000, 1250);
        QCOMPARE(QSet<qint64>(big.cbegin(), big.cend()).size(), 1250);
        QVERIFY(big.constFirst() >= 0 && big.constLast() < 1'000'000);
        // Every position about equally likely: 20,000 draws of 1 from 10, each within 15 % of 2,000.
        QList<int> counts(10, 0);
        SamplingRandom r(5);
        for (int i = 0; i < 20000; ++i)
            ++counts[int(r.bounded(10))];
        for (int c : counts)
            QVERIFY2(c > 1700 && c < 2300, qPrintable(QString::number(c)));
        QVERIFY(SamplingRandom::randomSeed() <= SamplingRandom::maxSeed());
    }
};

QTEST_GUILESS_MAIN(TestSampling)
#include "tst_sampling.moc"
