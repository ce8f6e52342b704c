#include <QComboBox>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTest>

#include "ui/filefiltermodel.h"
#include "ui/filetablemodel.h"
#include "ui/filterbar.h"
#include "util/naturalorder.h"

using namespace gh;

namespace {

constexpr int s_rows = 100000;

// 100,000 files: 200 items of 500 pages, every tenth page failed its fixity check, every seventh an XML
// sidecar, sizes growing with the page number.
QList<FileRecord> makeFiles()
{
    QList<FileRecord> files;
    files.reserve(s_rows);
    for (int i = 0; i < s_rows; ++i) {
        FileRecord f;
        f.id = i + 1;
        f.batchId = 1;
        const int page = i % 500;
        f.item = QStringLiteral("edition-%1").arg(i / 500);
        const bool xml = page % 7 == 0;
        f.name =
            QStringLiteral("page-%1.%2").arg(page).arg(xml ? QStringLiteral("xml") : QStringLiteral("jp2"));
        f.mimetype = xml ? QStringLiteral("application/xml") : QStringLiteral("image/jp2");
        f.status = page % 10 == 3 ? FileStatus::FixityMismatch : FileStatus::Success;
        f.size = qint64(page) * 4096;
        files.append(f);
    }
    return files;
}

} // namespace

class TestFileFilterModel : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void filtersAndSorts100kRows();
    void updatesKeepOrderAndFilter();
    void filterBarDebouncesAndReportsErrorsInline();
    void combosWriteTheQuery();

private:
    FileTableModel *m_source = nullptr;
    FileFilterModel *m_proxy = nullptr;
};

void TestFileFilterModel::init()
{
    m_source = new FileTableModel(this);
    m_source->reset(1);
    m_source->appendFiles(makeFiles());
    m_proxy = new FileFilterModel(this);
    m_proxy->setSourceModel(m_source);
}

void TestFileFilterModel::cleanup()
{
    delete m_proxy;
    delete m_source;
}

void TestFileFilterModel::filtersAndSorts100kRows()
{
    QCOMPARE(m_proxy->rowCount(), s_rows);

    m_proxy->setFilter(*FileFilter::parse(u"status:fixity-mismatch"));
    QCOMPARE(m_proxy->rowCount(), s_rows / 10);
    m_proxy->setFilter(*FileFilter::parse(u"mime:image/* size:>=400k"));
    // Pages 100..499 that are not XML: 400 pages minus the 57 multiples of 7 among them, in 200 items.
    int expected = 0;
    for (int page = 100; page < 500; ++page)
        expected += page % 7 != 0;
    QCOMPARE(m_proxy->rowCount(), expected * 200);
    m_proxy->setFilter(*FileFilter::parse(u"edition-199 name:page-1?.jp2"));
    QCOMPARE(m_proxy->rowCount(), 9); // page-10 … page-19 without page-14 (XML)
    m_proxy->setFilter(*FileFilter::parse(u"qa:flagged"));
    QCOMPARE(m_proxy->rowCount(), 0);
    QHash<qint64, QList<FindingRecord>> findings;
    for (qint64 id : {5, 17, 99999}) {
        FindingRecord f;
        f.fileId = id;
        f.check = id == 17 ? QStringLiteral("dark-page") : QStringLiteral("xml-schema");
        f.severity = id == 17 ? FindingSeverity::Flag : FindingSeverity::Error;
        findings[id].append(f);
    }
    m_proxy->setFindings(findings);
    QCOMPARE(m_proxy->rowCount(), 3);
    m_proxy->setFilter(*FileFilter::parse(u"check:dark-page"));
    QCOMPARE(m_proxy->rowCount(), 1);

    // Sorting by name is natural: page-2 before page-10, then by item.
    m_proxy->setFilter({});
    QCOMPARE(m_proxy->rowCount(), s_rows);
    m_proxy->sort(FileTableModel::NameColumn, Qt::AscendingOrder);
    auto nameAt = [&](int row) { return m_proxy->index(row, FileTableModel::NameColumn).data().toString(); };
    auto itemAt = [&](int row) { return m_proxy->index(row, FileTableModel::ItemColumn).data().toString(); };
    QCOMPARE(nameAt(0), QStringLiteral("page-0.xml"));
    QCOMPARE(itemAt(0), QStringLiteral("edition-0"));
    QCOMPARE(itemAt(1), QStringLiteral("edition-1"));
    QCOMPARE(itemAt(10), QStringLiteral("edition-10"));
    QCOMPARE(nameAt(200), QStringLiteral("page-1.jp2"));
    QCOMPARE(nameAt(400), QStringLiteral("page-2.jp2"));
    QCOMPARE(nameAt(s_rows - 1), QStringLiteral("page-499.jp2"));
    QCOMPARE(itemAt(s_rows - 1), QStringLiteral("edition-199"));
    for (int row = 1; row < s_rows; row += 97)
        QVERIFY(naturalCompare(nameAt(row - 1), nameAt(row)) <= 0);

    // By size, descending, with a filter on: the largest failed files first.
    m_proxy->setFilter(*FileFilter::parse(u"status:failed"));
    m_proxy->sort(FileTableModel::SizeColumn, Qt::DescendingOrder);
    QCOMPARE(m_proxy->rowCount(), s_rows / 10);
    const auto sizeAt = [&](int row) {
        return m_proxy->index(row, FileTableModel::SizeColumn).data(FileTableModel::SortRole).toLongLong();
    };
    QCOMPARE(sizeAt(0), qint64(493) * 4096);
    QCOMPARE(sizeAt(m_proxy->rowCount() - 1), qint64(3) * 4096);
    for (int row = 1; row < m_proxy->rowCount(); ++row)
        QVERIFY(sizeAt(row - 1) >= sizeAt(row));
}

void TestFileFilterModel::updatesKeepOrderAndFilter()
{
    m_proxy->setFilter(*FileFilter::parse(u"status:failed"));
    m_proxy->sort(FileTableModel::SizeColumn, Qt::DescendingOrder);
    QCOMPARE(m_proxy->rowCount(), s_rows / 10);
    // A file that was fine now fails and grew: it must appear, at the top.
    FileRecord changed = *m_source->file(0);
    changed.status = FileStatus::NotFound;
    changed.size = qint64(10) * 1024 * 1024;
    m_source->updateFiles({changed});
    QTRY_COMPARE(m_proxy->rowCount(), s_rows / 10 + 1);
    QCOMPARE(m_proxy->index(0, FileTableModel::NameColumn).data(FileTableModel::FileIdRole).toLongLong(),
             qint64(1));
    // And a new file arriving during intake is placed by its key.
    FileRecord fresh;
    fresh.id = s_rows + 1;
    fresh.batchId = 1;
    fresh.item = QStringLiteral("late");
    fresh.name = QStringLiteral("late.jp2");
    fresh.status = FileStatus::Timeout;
    fresh.size = 1;
    m_source->appendFiles({fresh});
    QCOMPARE(m_proxy->rowCount(), s_rows / 10 + 2);
    QCOMPARE(m_proxy->index(m_proxy->rowCount() - 1, 0).data(FileTableModel::FileIdRole).toLongLong(),
             qint64(s_rows + 1));
}

void TestFileFilterModel::filterBarDebouncesAndReportsErrorsInline()
{
    FilterBar bar;
    bar.show();
    QVERIFY(QTest::qWaitForWindowExposed(&bar));
    connect(&bar, &FilterBar::filterChanged, m_proxy, &FileFilterModel::setFilter);
    QSignalSpy changed(&bar, &FilterBar::filterChanged);

    QLineEdit *search = bar.searchField();
    QVERIFY(!search->accessibleName().isEmpty());
    search->setFocus();
    QTest::keyClicks(search, QStringLiteral("status:fixity-mismatch"));
    // Typing does not filter on every key: nothing yet, then once after the pause.
    QCOMPARE(changed.count(), 0);
    QTRY_COMPARE(changed.count(), 1);
    QCOMPARE(m_proxy->rowCount(), s_rows / 10);

    QTest::keyClicks(search, QStringLiteral(" size:>lots"));
    QTRY_VERIFY(!bar.errorText().isEmpty());
    QVERIFY2(bar.errorText().contains(QStringLiteral("\"size:>lots\"")), qPrintable(bar.errorText()));
    // The last valid filter stays; no dialog opened.
    QCOMPARE(changed.count(), 1);
    QCOMPARE(m_proxy->rowCount(), s_rows / 10);
    QVERIFY(!QApplication::activeModalWidget());

    // Return applies at once.
    for (int i = 0; i < 11; ++i)
        QTest::keyClick(search, Qt::Key_Backspace);
    QTest::keyClicks(search, QStringLiteral(" name:page-42.*"));
    QTest::keyClick(search, Qt::Key_Return);
    QCOMPARE(changed.count(), 2);
    QVERIFY(bar.errorText().isEmpty());
    QCOMPARE(m_proxy->rowCount(), 0); // page 42 never failed (42 % 10 != 3)
    bar.setQuery(QStringLiteral("name:page-43.*"));
    QCOMPARE(m_proxy->rowCount(), 200);
}

void TestFileFilterModel::combosWriteTheQuery()
{
    FilterBar bar;
    connect(&bar, &FilterBar::filterChanged, m_proxy, &FileFilterModel::setFilter);
    bar.setQuery(QStringLiteral("edition-3"));
    QCOMPARE(m_proxy->rowCount(), 500 * 11); // edition-3 and edition-30 … edition-39

    QList<QComboBox *> combos = bar.findChildren<QComboBox *>();
    QCOMPARE(combos.size(), 2);
    QComboBox *status = combos.at(0);
    QComboBox *mime = combos.at(1);
    QVERIFY(!status->accessibleName().isEmpty());
    QVERIFY(!mime->accessibleName().isEmpty());

    const int failed = status->findData(QStringLiteral("failed"));
    QVERIFY(failed > 0);
    status->setCurrentIndex(failed);
    emit status->activated(failed);
    QCOMPARE(bar.query(), QStringLiteral("status:failed edition-3"));
    QCOMPARE(m_proxy->rowCount(), 50 * 11);

    const int images = mime->findData(QStringLiteral("image/*"));
    emit mime->activated(images);
    QCOMPARE(bar.query(), QStringLiteral("mime:image/* status:failed edition-3"));
    // Failed pages are 3, 13, … 493; those that are multiples of 7 are XML.
    int failedImages = 0;
    for (int page = 3; page < 500; page += 10)
        failedImages += page % 7 != 0;
    QCOMPARE(m_proxy->rowCount(), failedImages * 11);

    // Typing a status the combo lists selects it; one it does not list shows none.
    bar.setQuery(QStringLiteral("status:timeout"));
    QCOMPARE(status->currentData().toString(), QStringLiteral("timeout"));
    QCOMPARE(mime->currentIndex(), mime->findData(QString()));
    bar.setQuery(QStringLiteral("status:timeout,not-found"));
    QCOMPARE(status->currentIndex(), -1);

    // "Any status" removes the term.
    emit status->activated(status->findData(QString()));
    QCOMPARE(bar.query(), QString());
    QCOMPARE(m_proxy->rowCount(), s_rows);
}

QTEST_MAIN(TestFileFilterModel)
#include "tst_filefiltermodel.moc"
