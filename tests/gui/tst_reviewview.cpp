// The review view as a curator drives it: by keys alone through a 50-item sample (a verdict that flips the
// batch to reject, undo, pages, zoom), rejection and an overriding approval from its buttons, and verdicts
// that survive the GUI process being killed (a harness process that runs the real view, SIGKILLed).
#include <signal.h>
#include <sys/types.h>

#include <QApplication>
#include <QDialog>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPointer>
#include <QProcess>
#include <QPushButton>
#include <QScreen>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTest>
#include <QTextBrowser>

#include "catalog/catalog.h"
#include "review/reviewbook.h"
#include "review/shippedstages.h"
#include "testsupport.h"
#include "ui/batchlistmodel.h"
#include "ui/enginecontroller.h"
#include "ui/mainwindow.h"
#include "ui/previewwidget.h"
#include "ui/reviewview.h"

using namespace gh;

namespace {

qint64 batchNamed(const test::Workspace &ws, const QString &name)
{
    auto catalog = Catalog::open(CatalogLocation::parse(ws.catalog()).value());
    if (!catalog)
        return 0;
    auto batches = (*catalog)->batches();
    if (!batches)
        return 0;
    for (const BatchRecord &b : std::as_const(*batches)) {
        if (b.name == name)
            return b.id;
    }
    return 0;
}

/*!
    A delivery of \a items items, each two pages (a PNG and a JPEG of the same scan, as the listing groups
    them by stem), loaded and stored by the real CLI. Returns the batch id.
*/
qint64 makeBatch(const test::Workspace &ws, const QString &name, int items)
{
    const QString dir = ws.file(QStringLiteral("deliveries/") + name);
    QDir().mkpath(dir);
    for (int i = 1; i <= items; ++i) {
        QImage page(48, 64, QImage::Format_RGB32);
        page.fill(QColor::fromHsv((i * 37) % 360, 200, 200));
        const QString stem = dir + QStringLiteral("/page-%1").arg(i, 4, 10, QLatin1Char('0'));
        if (!page.save(stem + QStringLiteral(".png")) || !page.save(stem + QStringLiteral(".jpg")))
            return 0;
    }
    // Flat colour fields, not pages: QA's page-image checks would flag them all and the review would take
    // every item beyond the sample. The review's keys are what is tested here.
    const QString config = ws.file(QStringLiteral("review-test.ini"));
    test::writeFile(config, "[check]\nskip=dark-page, blank-page, black-border\n");
    const auto run =
        ws.cli({QStringLiteral("--config"), config, QStringLiteral("run"), dir, QStringLiteral("--name"),
                name, QStringLiteral("--supplier"), QStringLiteral("Example Scanning")});
    if (run.exitCode != 0) {
        qWarning("%s", run.err.constData());
        return 0;
    }
    return batchNamed(ws, name);
}
int filesUnder(const QString &dir)
{
    int n = 0;
    for (QDirIterator it(dir, QDir::Files, QDirIterator::Subdirectories); it.hasNext(); it.next())
        ++n;
    return n;
}

Preferences preferences()
{
    Settings settings;
    (void)settings.setText(QStringLiteral("team/curator"), QStringLiteral("Karen Blixen"));
    return Preferences::fromSettings(settings);
}

//! Presses \a key where the keyboard is: the focused widget of the active window.
void press(QWidget *window, int key, Qt::KeyboardModifiers modifiers = Qt::NoModifier)
{
    QWidget *target = QApplication::focusWidget();
    QTest::keyClick(target ? target : window, Qt::Key(key), modifiers);
}

} // namespace

class TestReviewView : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void keysAloneThroughFiftyItems();
    void fitsTheScreenWithEveryDecisionInReach_data();
    void fitsTheScreenWithEveryDecisionInReach();
    void rejectFromTheView();
    void approveNeedsAReasonToOverride();
    void openedFromTheMainWindow();
    void approvalInTheMainWindowUploads();
    void anotherReviewersVerdictsShowOnRefresh();
    void verdictsSurviveKillingTheGui();

private:
    struct Session
    {
        std::unique_ptr<EngineController> engine;
        std::unique_ptr<ReviewView> view;
    };
    Session open(const test::Workspace &ws, qint64 batchId);
    QString scoreboard(const ReviewView &view) const;
    QString verdictKey(const ReviewView &view) const;
};

void TestReviewView::initTestCase()
{
    qRegisterMetaType<gh::ReviewState>();
    // As the GUI's main() does: the upload that an approval starts runs after the review.
    ShippedStages::registerAll();
}

TestReviewView::Session TestReviewView::open(const test::Workspace &ws, qint64 batchId)
{
    Session s;
    auto workspace = Workspace::resolve(ws.catalog(), ws.store());
    if (!workspace)
        return s;
    s.engine = std::make_unique<EngineController>(*workspace, RunOptions{});
    s.engine->start();
    s.view = std::make_unique<ReviewView>(s.engine.get(), *workspace, preferences());
    QSignalSpy shown(s.view.get(), &ReviewView::stateShown);
    s.view->show();
    s.view->activateWindow();
    s.view->openBatch(batchId);
    if (!QTest::qWaitForWindowActive(s.view.get()) || !shown.wait(60000)) {
        qWarning("the review view did not open: %s",
                 qPrintable(s.view->findChild<QLabel *>(QStringLiteral("saveStatus"))->text()));
        s.view.reset();
    }
    return s;
}

QString TestReviewView::scoreboard(const ReviewView &view) const
{
    return view.findChild<QLabel *>(QStringLiteral("scoreboard"))->text();
}

QString TestReviewView::verdictKey(const ReviewView &view) const
{
    return view.findChild<QLabel *>(QStringLiteral("batchVerdict"))->property("verdict").toString();
}

void TestReviewView::keysAloneThroughFiftyItems()
{
    test::Workspace ws;
    // 300 items: ISO 2859-1 code letter H at level II, n = 50, Ac 1, Re 2 at AQL 1.0.
    const qint64 batch = makeBatch(ws, QStringLiteral("B4000220-RT1"), 300);
    QVERIFY(batch > 0);
    Session s = open(ws, batch);
    QVERIFY(s.view);
    ReviewView &view = *s.view;
    QCOMPARE(view.state().sample.plan.sampleSize, 50);
    QCOMPARE(view.state().sample.items.size(), 50);
    QCOMPARE(view.state().summary.supplier, QStringLiteral("Example Scanning"));
    QCOMPARE(scoreboard(view), QStringLiteral("0 of 50 reviewed · 0 defects · accept up to 1, reject at 2"));
    QCOMPARE(verdictKey(view), QStringLiteral("pending"));
    // Every identifier is readable in the item list: it fits, or the list has taken its third of the view.
    const auto *items = view.findChild<QListWidget *>(QStringLiteral("reviewItems"));
    QVERIFY(items);
    int widest = 0;
    for (int i = 0; i < items->count(); ++i)
        widest = std::max(widest, items->fontMetrics().horizontalAdvance(items->item(i)->text()));
    QVERIFY2(items->viewport()->width() >= widest || items->width() >= view.width() / 3 - 20,
             qPrintable(QStringLiteral("list %1 px for rows of %2 px").arg(items->width()).arg(widest)));
    const QList<qint64> order = [&] {
        QList<qint64> ids;
        for (const ReviewItem &i : view.state().sample.items)
            ids.append(i.itemId);
        return ids;
    }();
    QCOMPARE(view.currentItemId(), order.at(0));

    // The item's two pages are in the preview: Page Down turns to the second, Page Up back; Z zooms.
    QTRY_COMPARE_WITH_TIMEOUT(view.preview()->pageCount(), 2, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(view.preview()->state(), PreviewWidget::State::Ready, 20000);
    press(&view, Qt::Key_PageDown);
    QCOMPARE(view.preview()->currentPage(), 1);
    press(&view, Qt::Key_PageUp);
    QCOMPARE(view.preview()->currentPage(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(view.preview()->state(), PreviewWidget::State::Ready, 20000);
    const bool fitted = view.preview()->fitsWindow();
    press(&view, Qt::Key_Z);
    QCOMPARE(view.preview()->fitsWindow(), !fitted);
    press(&view, Qt::Key_Z);
    QCOMPARE(view.preview()->fitsWindow(), fitted);

    // N and → go forward, ← back; the details follow (metadata, findings, duplicate case).
    press(&view, Qt::Key_N);
    QCOMPARE(view.currentItemId(), order.at(1));
    press(&view, Qt::Key_Right);
    QCOMPARE(view.currentItemId(), order.at(2));
    press(&view, Qt::Key_Left);
    press(&view, Qt::Key_Left);
    QCOMPARE(view.currentItemId(), order.at(0));
    auto *details = view.findChild<QTextBrowser *>(QStringLiteral("itemDetails"));
    QTRY_VERIFY_WITH_TIMEOUT(details->toPlainText().contains(QStringLiteral("Duplicate case")), 30000);
    QVERIFY(details->toPlainText().contains(QStringLiteral("page-0")));

    // F: the first item fails — reason 3 by its number, a note after Tab, Enter.
    const QStringList reasons = view.state().defectReasons;
    QVERIFY(reasons.size() >= 3);
    press(&view, Qt::Key_F);
    auto *panel = view.findChild<QWidget *>(QStringLiteral("failPanel"));
    QVERIFY(panel->isVisible());
    press(&view, Qt::Key_3);
    press(&view, Qt::Key_Tab);
    QCOMPARE(QApplication::focusWidget(), view.findChild<QLineEdit *>(QStringLiteral("defectNote")));
    QTest::keyClicks(QApplication::focusWidget(), QStringLiteral("torn corner, P shows"));
    press(&view, Qt::Key_Return);
    QVERIFY(!panel->isVisible());
    QCOMPARE(scoreboard(view), QStringLiteral("1 of 50 reviewed · 1 defect · accept up to 1, reject at 2"));
    // The next unreviewed item comes up.
    QCOMPARE(view.currentItemId(), order.at(1));

    // P passes twenty items, each moving on to the next.
    QSignalSpy saved(&view, &ReviewView::verdictSaved);
    for (int i = 0; i < 20; ++i)
        press(&view, Qt::Key_P);
    QCOMPARE(view.currentItemId(), order.at(21));
    QCOMPARE(scoreboard(view), QStringLiteral("21 of 50 reviewed · 1 defect · accept up to 1, reject at 2"));
    QCOMPARE(verdictKey(view), QStringLiteral("pending"));

    // A second defect (reason 1, no note) reaches Re: the verdict turns to reject, reviewing goes on.
    press(&view, Qt::Key_F);
    press(&view, Qt::Key_Return);
    QCOMPARE(scoreboard(view), QStringLiteral("22 of 50 reviewed · 2 defects · accept up to 1, reject at 2"));
    QCOMPARE(verdictKey(view), QStringLiteral("reject"));
    QCOMPARE(view.currentItemId(), order.at(22));

    // U undoes it (back to pending, back on that item); F again, and on.
    press(&view, Qt::Key_U);
    QCOMPARE(view.currentItemId(), order.at(21));
    QCOMPARE(scoreboard(view), QStringLiteral("21 of 50 reviewed · 1 defect · accept up to 1, reject at 2"));
    QCOMPARE(verdictKey(view), QStringLiteral("pending"));
    press(&view, Qt::Key_F);
    press(&view, Qt::Key_Down);
    press(&view, Qt::Key_Return);
    QCOMPARE(verdictKey(view), QStringLiteral("reject"));
    // Escape leaves the fail panel without a verdict.
    press(&view, Qt::Key_F);
    press(&view, Qt::Key_Escape);
    QVERIFY(!panel->isVisible());
    QCOMPARE(scoreboard(view), QStringLiteral("22 of 50 reviewed · 2 defects · accept up to 1, reject at 2"));

    for (int i = 0; i < 28; ++i)
        press(&view, Qt::Key_P);
    QCOMPARE(scoreboard(view), QStringLiteral("50 of 50 reviewed · 2 defects · accept up to 1, reject at 2"));
    QCOMPARE(verdictKey(view), QStringLiteral("reject"));

    // Everything the view showed is in the catalog once the engine has written it.
    QTRY_COMPARE_WITH_TIMEOUT(view.pendingWrites(), 0, 30000);
    QTRY_COMPARE_WITH_TIMEOUT(scoreboard(view),
                              QStringLiteral("50 of 50 reviewed · 2 defects · accept up to 1, reject at 2"),
                              10000);
    QVERIFY(
        std::all_of(saved.cbegin(), saved.cend(), [](const QList<QVariant> &a) { return a.at(1).toBool(); }));
    auto catalog = Catalog::open(CatalogLocation::parse(ws.catalog()).value());
    QVERIFY(catalog);
    ReviewBook book(**catalog);
    const ReviewSample sample = book.sample(batch).value();
    QCOMPARE(sample.reviewed(), 50);
    QCOMPARE(sample.defects(), 2);
    QCOMPARE(sample.verdict(), BatchVerdict::Reject);
    const ReviewItem &first = sample.items.at(sample.indexOf(order.at(0)));
    QCOMPARE(first.verdict, Verdict::Fail);
    QCOMPARE(first.defect, reasons.at(2));
    QCOMPARE(first.note, QStringLiteral("torn corner, P shows"));
    QCOMPARE(first.reviewer, QStringLiteral("Karen Blixen"));
    const ReviewItem &second = sample.items.at(sample.indexOf(order.at(21)));
    QCOMPARE(second.verdict, Verdict::Fail);
    QCOMPARE(second.defect, reasons.at(1));
    // Every verdict, the withdrawn one too, is a PREMIS event of the curator.
    QSqlQuery q((*catalog)->database());
    QVERIFY(q.exec(
        QStringLiteral("SELECT COUNT(*) FROM events WHERE batch_id = %1 AND event_type = 'validation' AND"
                       " agent = 'Karen Blixen'")
            .arg(batch)));
    QVERIFY(q.next());
    QCOMPARE(q.value(0).toInt(), 50 + 2);
}

//! The window opens within the screen: a fixed 1280 x 860 put the Target field and the Approve and Reject
//! buttons below the edge of a 1280 x 800 screen. Opening the fail panel (F) leaves the page being judged as
//! wide as it was: its one-line hint widened the item column and squeezed the preview by a third. The target
//! field has its key.
void TestReviewView::fitsTheScreenWithEveryDecisionInReach_data()
{
    QTest::addColumn<QString>("locale");
    QTest::addColumn<QSize>("size");
    QTest::newRow("English, 1280 x 800") << QString() << QSize(1280, 800);
    QTest::newRow("German, 1024 x 700") << QStringLiteral("de_DE") << QSize(1024, 665);
}

void TestReviewView::fitsTheScreenWithEveryDecisionInReach()
{
    QFETCH(QString, locale);
    QFETCH(QSize, size);
    const test::Translation translation(locale);
    QVERIFY(translation.isReady());
    test::Workspace ws;
    const qint64 batch = makeBatch(ws, QStringLiteral("B6000-RT1"), 8);
    QVERIFY(batch > 0);
    Session s = open(ws, batch);
    QVERIFY(s.view);
    ReviewView &view = *s.view;
    const QSize screen = view.screen()->availableGeometry().size();
    const QSize least = view.minimumSizeHint();
    QVERIFY2(view.height() <= std::max(least.height(), screen.height()) &&
                 view.width() <= std::max(least.width(), screen.width()),
             qPrintable(QStringLiteral("window %1 x %2 on a screen of %3 x %4")
                            .arg(view.width())
                            .arg(view.height())
                            .arg(screen.width())
                            .arg(screen.height())));
    auto *approve = view.findChild<QPushButton *>(QStringLiteral("approveButton"));
    QVERIFY(view.rect().contains(QRect(approve->mapTo(&view, QPoint(0, 0)), approve->size())));

    // The three columns at their first widths on the row's screen.
    view.resize(size);
    QTRY_COMPARE_WITH_TIMEOUT(view.preview()->state(), PreviewWidget::State::Ready, 20000);
    QCoreApplication::processEvents();
    const int before = view.preview()->width();
    press(&view, Qt::Key_F);
    auto *panel = view.findChild<QWidget *>(QStringLiteral("failPanel"));
    QVERIFY(panel->isVisible());
    QCoreApplication::processEvents();
    QVERIFY2(
        view.preview()->width() >= before - 2,
        qPrintable(
            QStringLiteral("the preview went from %1 to %2 px").arg(before).arg(view.preview()->width())));
    // The hint is still readable, wrapped in the item column.
    auto *hint = view.findChild<QLabel *>(QStringLiteral("failHint"));
    QVERIFY(hint && hint->isVisible() && hint->width() <= panel->width());
    // The note and the target field are wide enough to read what is typed (in German beside the long
    // buttons they were a letter or two wide), and every button is inside the window.
    const int letter = view.fontMetrics().averageCharWidth();
    const auto *note = view.findChild<QLineEdit *>(QStringLiteral("defectNote"));
    const auto *target = view.findChild<QLineEdit *>(QStringLiteral("target"));
    QVERIFY2(note->width() >= 20 * letter, qPrintable(QString::number(note->width())));
    QVERIFY2(target->width() >= 30 * letter, qPrintable(QString::number(target->width())));
    for (const char *name : {"approveButton", "rejectButton"}) {
        const auto *button = view.findChild<QPushButton *>(QLatin1String(name));
        QVERIFY2(view.rect().contains(QRect(button->mapTo(&view, QPoint(0, 0)), button->size())), name);
    }
    press(&view, Qt::Key_Escape);
    QVERIFY(!panel->isVisible());

    // Alt+T goes to the target field (its label had no mnemonic: only the mouse or a row of Tabs reached it);
    // in German Alt+E, as Alt+Z is Zurückweisen.
    press(&view, locale.isEmpty() ? Qt::Key_T : Qt::Key_E, Qt::AltModifier);
    QCOMPARE(QApplication::focusWidget(), view.findChild<QLineEdit *>(QStringLiteral("target")));
}

void TestReviewView::rejectFromTheView()
{
    test::Workspace ws;
    const qint64 batch = makeBatch(ws, QStringLiteral("B5000-RT1"), 40);
    QVERIFY(batch > 0);
    QCOMPARE(filesUnder(ws.store()), 80);
    Session s = open(ws, batch);
    QVERIFY(s.view);
    ReviewView &view = *s.view;
    // 40 items: code letter E, n = 13, Ac 0, Re 1 — one defect rejects.
    QCOMPARE(view.state().sample.plan.sampleSize, 13);
    press(&view, Qt::Key_F);
    press(&view, Qt::Key_Return);
    QCOMPARE(verdictKey(view), QStringLiteral("reject"));
    QTRY_COMPARE_WITH_TIMEOUT(view.pendingWrites(), 0, 30000);
    auto *reject = view.findChild<QPushButton *>(QStringLiteral("rejectButton"));
    QTRY_VERIFY_WITH_TIMEOUT(reject->isEnabled(), 30000);
    // The button says what it does.
    QVERIFY2(reject->text().contains(QStringLiteral("Delete 80 stored files")), qPrintable(reject->text()));
    QVERIFY(reject->text().contains(QStringLiteral("the supplier re-delivers")));

    // Alt+R asks; the reason is filled in from the defects, shown from its start. Deleting is never one
    // Enter away: Enter cancels, and the confirm button has to be chosen.
    QSignalSpy decided(&view, &ReviewView::decided);
    QTest::keyClick(&view, Qt::Key_R, Qt::AltModifier);
    QDialog *dialog = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT(
        (dialog = view.findChild<QDialog *>(QStringLiteral("decisionDialog"))) && dialog->isVisible(), 30000);
    auto *reason = dialog->findChild<QLineEdit *>(QStringLiteral("decisionReason"));
    QVERIFY2(reason->text().contains(QStringLiteral("1 defect")), qPrintable(reason->text()));
    QTRY_COMPARE(reason->cursorPosition(), 0);
    QCOMPARE(dialog->findChild<QLineEdit *>(QStringLiteral("decisionAgent"))->text(),
             QStringLiteral("Karen Blixen"));
    const QPointer<QDialog> first(dialog);
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
    QTRY_VERIFY(!first || !first->isVisible());
    QCOMPARE(decided.size(), 0);
    QCOMPARE(view.state().summary.state, BatchState::Open);
    QTest::mouseClick(reject, Qt::LeftButton);
    const auto shownDialog = [&view] {
        for (QDialog *d : view.findChildren<QDialog *>(QStringLiteral("decisionDialog"))) {
            if (d->isVisible())
                return d;
        }
        return static_cast<QDialog *>(nullptr);
    };
    QTRY_VERIFY_WITH_TIMEOUT((dialog = shownDialog()) != nullptr, 30000);
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("decisionConfirm")), Qt::LeftButton);
    QVERIFY(decided.wait(60000));
    QVERIFY2(decided.constFirst().at(1).toBool(), qPrintable(decided.constFirst().at(2).toString()));

    // The stored copies are gone, the records and events stay, and the review is closed.
    QCOMPARE(filesUnder(ws.store()), 0);
    QTRY_COMPARE_WITH_TIMEOUT(view.state().summary.state, BatchState::Rejected, 30000);
    QCOMPARE(view.state().summary.decidedBy, QStringLiteral("Karen Blixen"));
    QVERIFY(!reject->isEnabled());
    const QString before = scoreboard(view);
    press(&view, Qt::Key_P);
    QCOMPARE(scoreboard(view), before);
    const auto status = ws.cli({QStringLiteral("status"), QString::number(batch), QStringLiteral("--json")});
    QVERIFY(status.out.contains("\"state\":\"rejected\""));
    const auto files = ws.cli({QStringLiteral("files"), QString::number(batch), QStringLiteral("--json")});
    QCOMPARE(files.out.count("\"status\":\"deleted\""), 80);

    // A re-delivery named …-RT2 shows what was wrong last time.
    const qint64 again = makeBatch(ws, QStringLiteral("B5000-RT2"), 3);
    QVERIFY(again > 0);
    view.openBatch(again);
    QTRY_COMPARE_WITH_TIMEOUT(view.state().batchId, again, 30000);
    QCOMPARE(view.state().summary.redeliveryOf, batch);
    auto *supplier = view.findChild<QTextBrowser *>(QStringLiteral("supplierHistory"));
    QTRY_VERIFY_WITH_TIMEOUT(supplier->toPlainText().contains(QStringLiteral("What was wrong last time")),
                             30000);
    QVERIFY(supplier->toPlainText().contains(QStringLiteral("B5000-RT1")));
}

void TestReviewView::approveNeedsAReasonToOverride()
{
    test::Workspace ws;
    const qint64 batch = makeBatch(ws, QStringLiteral("C-100"), 20);
    QVERIFY(batch > 0);
    Session s = open(ws, batch);
    QVERIFY(s.view);
    ReviewView &view = *s.view;
    press(&view, Qt::Key_P);
    QTRY_COMPARE_WITH_TIMEOUT(view.pendingWrites(), 0, 30000);
    auto *approve = view.findChild<QPushButton *>(QStringLiteral("approveButton"));
    QTRY_VERIFY_WITH_TIMEOUT(approve->isEnabled(), 30000);
    auto *target = view.findChild<QLineEdit *>(QStringLiteral("target"));
    target->setText(QStringLiteral("mediawiki:https://commons.wikimedia.org/w/api.php"));
    QVERIFY2(approve->text().contains(QStringLiteral("Upload 40 files to Wikimedia Commons")),
             qPrintable(approve->text()));

    // The sample is incomplete: the dialog names why and will not confirm without a reason.
    QTest::keyClick(&view, Qt::Key_A, Qt::AltModifier);
    QDialog *dialog = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT(
        (dialog = view.findChild<QDialog *>(QStringLiteral("decisionDialog"))) && dialog->isVisible(), 30000);
    QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("decisionConsequence"))
                ->text()
                .contains(QStringLiteral("incomplete")));
    auto *confirm = dialog->findChild<QPushButton *>(QStringLiteral("decisionConfirm"));
    QVERIFY(!confirm->isEnabled());
    QTest::keyClicks(QApplication::focusWidget(), QStringLiteral("Urgent loan; full review after"));
    QVERIFY(confirm->isEnabled());
    QSignalSpy decided(&view, &ReviewView::decided);
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
    QVERIFY(decided.wait(30000));
    QVERIFY2(decided.constFirst().at(1).toBool(), qPrintable(decided.constFirst().at(2).toString()));
    QTRY_COMPARE_WITH_TIMEOUT(view.state().summary.state, BatchState::Approved, 30000);
    QVERIFY(view.state().summary.overridden);
    QCOMPARE(view.state().summary.reason, QStringLiteral("Urgent loan; full review after"));
}

void TestReviewView::openedFromTheMainWindow()
{
    test::Workspace ws;
    const qint64 batch = makeBatch(ws, QStringLiteral("D-1"), 5);
    QVERIFY(batch > 0);
    auto workspace = Workspace::resolve(ws.catalog(), ws.store());
    MainWindow window(*workspace, preferences());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QAction *action = nullptr;
    for (QAction *a : window.findChildren<QAction *>()) {
        if (a->shortcut() == QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R))
            action = a;
    }
    QVERIFY(action);
    QVERIFY(action->text().contains(QStringLiteral("Sample")));
    // The link a qa-csv report carries opens the view at that item.
    const qint64 item = [&] {
        auto catalog = Catalog::open(CatalogLocation::parse(ws.catalog()).value());
        return ReviewBook(**catalog).lotItems(batch).value().at(3);
    }();
    window.openReview(batch, item);
    QVERIFY(window.reviewView());
    QTRY_VERIFY_WITH_TIMEOUT(window.reviewView()->isVisible(), 30000);
    QTRY_COMPARE_WITH_TIMEOUT(window.reviewView()->currentItemId(), item, 30000);
}

void TestReviewView::approvalInTheMainWindowUploads()
{
    test::Workspace ws;
    const qint64 batch = makeBatch(ws, QStringLiteral("H-1"), 3);
    QVERIFY(batch > 0);
    const QString archive = ws.file(QStringLiteral("archive"));
    Settings settings;
    (void)settings.setText(QStringLiteral("team/curator"), QStringLiteral("Karen Blixen"));
    QVERIFY(settings.setText(QStringLiteral("targets/default"), QStringLiteral("local:") + archive));
    auto workspace = Workspace::resolve(ws.catalog(), ws.store());
    MainWindow window(*workspace, Preferences::fromSettings(settings));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.openReview(batch);
    QVERIFY(window.reviewView());
    ReviewView &view = *window.reviewView();
    QTRY_VERIFY_WITH_TIMEOUT(view.isVisible(), 30000);
    // The button states the consequence with the batch's target, as core words it.
    auto *approve = view.findChild<QPushButton *>(QStringLiteral("approveButton"));
    QTRY_VERIFY_WITH_TIMEOUT(approve->isEnabled(), 30000);
    QTRY_VERIFY2_WITH_TIMEOUT(approve->text().contains(QStringLiteral("Upload 6 files to ") + archive),
                              qPrintable(approve->text()), 30000);
    QCOMPARE(filesUnder(archive), 0);

    QTest::keyClick(&view, Qt::Key_A, Qt::AltModifier);
    QDialog *dialog = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT(
        (dialog = view.findChild<QDialog *>(QStringLiteral("decisionDialog"))) && dialog->isVisible(), 30000);
    QTest::keyClicks(QApplication::focusWidget(), QStringLiteral("Reviewed on paper"));
    QSignalSpy approved(&view, &ReviewView::approved);
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
    QVERIFY(approved.wait(30000));

    // The main window's engine carries the batch on: the Upload lamp runs, then reads done, and every
    // file is in the folder.
    QTRY_COMPARE_WITH_TIMEOUT(window.batchModel()->batchById(batch)->stages.value(Stage::Upload),
                              StageState::Done, 60000);
    QCOMPARE(filesUnder(archive), 6);
}

void TestReviewView::anotherReviewersVerdictsShowOnRefresh()
{
    test::Workspace ws;
    const qint64 batch = makeBatch(ws, QStringLiteral("F-2"), 20);
    QVERIFY(batch > 0);
    Session s = open(ws, batch);
    QVERIFY(s.view);
    ReviewView &view = *s.view;
    QVERIFY(scoreboard(view).startsWith(QStringLiteral("0 of 13 reviewed")));
    // A second reviewer on the same catalog (here the CLI) fails an item the view shows as unreviewed.
    const ReviewItem last = view.state().sample.items.constLast();
    const auto other =
        ws.cli({QStringLiteral("verdict"), QString::number(batch), QStringLiteral("--item"),
                QString::number(last.itemId), QStringLiteral("--fail"), QStringLiteral("unreadable")});
    QCOMPARE(other.exitCode, 0);
    QVERIFY(scoreboard(view).startsWith(QStringLiteral("0 of 13 reviewed")));
    QSignalSpy shown(&view, &ReviewView::stateShown);
    press(&view, Qt::Key_F5);
    QVERIFY(shown.wait(30000));
    QCOMPARE(scoreboard(view), QStringLiteral("1 of 13 reviewed · 1 defect · accept up to 0, reject at 1"));
    QCOMPARE(verdictKey(view), QStringLiteral("reject"));
    const ReviewItem seen = view.state().sample.items.constLast();
    QCOMPARE(seen.verdict, Verdict::Fail);
    QCOMPARE(seen.defect, QStringLiteral("unreadable"));
}

void TestReviewView::verdictsSurviveKillingTheGui()
{
    test::Workspace ws;
    const qint64 batch = makeBatch(ws, QStringLiteral("E-7"), 300);
    QVERIFY(batch > 0);

    // The harness runs the real EngineController and ReviewView offscreen and presses P and F; it prints
    // "saved ITEM VERDICT" for each verdict the view reports saved. It is killed mid-stream.
    QProcess gui;
    gui.setProcessEnvironment(ws.environment());
    gui.setProcessChannelMode(QProcess::SeparateChannels);
    gui.start(test::binary(QStringLiteral("reviewharness")),
              {ws.catalog(), ws.store(), QString::number(batch)});
    QVERIFY2(gui.waitForStarted(10000), qPrintable(gui.errorString()));
    QHash<qint64, QString> reported;
    QByteArray pending;
    QElapsedTimer clock;
    clock.start();
    while (reported.size() < 12 && clock.elapsed() < 120000) {
        if (!gui.waitForReadyRead(1000)) {
            QVERIFY2(gui.state() == QProcess::Running, gui.readAllStandardError().constData());
            continue;
        }
        pending += gui.readAllStandardOutput();
        qsizetype nl;
        while ((nl = pending.indexOf('\n')) >= 0) {
            const QList<QByteArray> words = pending.left(nl).split(' ');
            pending.remove(0, nl + 1);
            if (words.size() == 3 && words.at(0) == "saved")
                reported.insert(words.at(1).toLongLong(), QString::fromLatin1(words.at(2)));
        }
    }
    QVERIFY2(reported.size() >= 12, gui.readAllStandardError().constData());
    ::kill(pid_t(gui.processId()), SIGKILL);
    QVERIFY(gui.waitForFinished(10000));
    QCOMPARE(gui.exitStatus(), QProcess::CrashExit);

    // Every verdict the view reported saved is in the catalog, with its event; nothing is half-written.
    auto catalog = Catalog::open(CatalogLocation::parse(ws.catalog()).value());
    QVERIFY(catalog);
    const ReviewSample sample = ReviewBook(**catalog).sample(batch).value();
    for (auto it = reported.cbegin(); it != reported.cend(); ++it) {
        const qsizetype i = sample.indexOf(it.key());
        QVERIFY(i >= 0);
        QCOMPARE(ReviewKeys::key(sample.items.at(i).verdict), it.value());
    }
    QVERIFY(sample.reviewed() >= reported.size());
    QSqlQuery q((*catalog)->database());
    QVERIFY(
        // The verdicts' events are about items: not the duplicates stage's about files, nor QA's.
        q.exec(QStringLiteral("SELECT COUNT(*) FROM events WHERE batch_id = %1 AND event_type = 'validation'"
                              " AND COALESCE(file_id, 0) = 0 AND agent NOT LIKE '% check'")
                   .arg(batch)));
    QVERIFY(q.next());
    QCOMPARE(q.value(0).toLongLong(), sample.reviewed());

    // A new view carries on where the killed one stopped.
    Session s = open(ws, batch);
    QVERIFY(s.view);
    QCOMPARE(s.view->state().sample.reviewed(), sample.reviewed());
    QCOMPARE(s.view->state().sample.items.at(s.view->state().sample.indexOf(s.view->currentItemId())).verdict,
             Verdict::None);
}

QTEST_MAIN(TestReviewView)
#include "tst_reviewview.moc"
