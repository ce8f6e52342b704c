#include <algorithm>

#include <QTest>

#include "util/naturalorder.h"

using namespace gh;

class TestNaturalOrder : public QObject
{
    Q_OBJECT

private slots:
    void sorts_data();
    void sorts();
    void totalOrder();
};

void TestNaturalOrder::sorts_data()
{
    QTest::addColumn<QStringList>("input");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("numbers") << QStringList{QStringLiteral("p10"), QStringLiteral("p2"), QStringLiteral("p1")}
                             << QStringList{QStringLiteral("p1"), QStringLiteral("p2"),
                                            QStringLiteral("p10")};
    QTest::newRow("leading zeros") << QStringList{QStringLiteral("page-0010"), QStringLiteral("page-0009")}
                                   << QStringList{QStringLiteral("page-0009"), QStringLiteral("page-0010")};
    QTest::newRow("case") << QStringList{QStringLiteral("b"), QStringLiteral("B"), QStringLiteral("a")}
                          << QStringList{QStringLiteral("a"), QStringLiteral("B"), QStringLiteral("b")};
    QTest::newRow("paths") << QStringList{QStringLiteral("film2/p1"), QStringLiteral("film10/p1"),
                                          QStringLiteral("film2/p10"), QStringLiteral("film2/p9")}
                           << QStringList{QStringLiteral("film2/p1"), QStringLiteral("film2/p9"),
                                          QStringLiteral("film2/p10"), QStringLiteral("film10/p1")};
    QTest::newRow("huge numbers") << QStringList{QStringLiteral("x123456789012345678901"),
                                                 QStringLiteral("x99")}
                                  << QStringList{QStringLiteral("x99"),
                                                 QStringLiteral("x123456789012345678901")};
}

void TestNaturalOrder::sorts()
{
    QFETCH(QStringList, input);
    QFETCH(QStringList, expected);
    std::sort(input.begin(), input.end(),
              [](const QString &a, const QString &b) { return naturalLess(a, b); });
    QCOMPARE(input, expected);
}

void TestNaturalOrder::totalOrder()
{
    // Equal numeric value, different spelling: still a strict, consistent order.
    QVERIFY(naturalCompare(u"p01", u"p1") != 0);
    QCOMPARE(naturalCompare(u"p01", u"p1"), -naturalCompare(u"p1", u"p01"));
    QCOMPARE(naturalCompare(u"same", u"same"), 0);
}

QTEST_GUILESS_MAIN(TestNaturalOrder)
#include "tst_naturalorder.moc"
