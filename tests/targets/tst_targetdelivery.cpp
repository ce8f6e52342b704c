// The upload steps for one target (derive, name, look up, send, verify) against a local archive folder, with
// the real image converter: names from templates, never twice, a derivative checked against its own digests
// with a PREMIS creation event, a name taken needing a decision until a curator decides, a changed copy
// caught.

#include <QDir>
#include <QFile>
#include <QImageReader>
#include <QTemporaryDir>
#include <QTest>

#include "digest/multidigest.h"
#include "imaging/derivativeconverter.h"
#include "imaging/jp2codec.h"
#include "store/localstore.h"
#include "targets/targetdelivery.h"
#include "targets/targetregistry.h"
#include "testsupport.h"

using namespace gh;

class tst_TargetDelivery : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<LocalStore> m_store;

    FileRecord store(qint64 id, const QString &item, const QString &name, const QByteArray &bytes,
                     const QString &mimetype)
    {
        FileRecord f;
        f.id = id;
        f.batchId = 7;
        f.itemId = id * 10;
        f.item = item;
        f.name = name;
        f.storedKey = QStringLiteral("7/%1/%2").arg(item, name);
        f.size = bytes.size();
        f.digests = MultiDigest::of(bytes);
        f.mimetype = mimetype;
        test::writeFile(m_store->localPath(f.storedKey), bytes);
        return f;
    }

    static DeliveryItem item(const FileRecord &file, int page = 1, int pages = 1)
    {
        DeliveryItem d;
        d.file = file;
        d.item.id = file.itemId;
        d.item.identifier = file.item;
        d.item.metadata = QJsonObject{{QStringLiteral("title"), QStringLiteral("Harbour")}};
        d.page = page;
        d.pages = pages;
        return d;
    }

    DeliveryOptions options(const QString &titleTemplate = {})
    {
        DeliveryOptions o;
        o.batchId = 7;
        o.batchName = QStringLiteral("Box 1");
        if (!titleTemplate.isEmpty())
            o.titleTemplate = *NameTemplate::parse(titleTemplate);
        o.page = *PageText::create(PageText::defaultTemplate());
        o.converter = std::make_shared<ImageDerivativeConverter>();
        o.workDir = m_dir.filePath(QStringLiteral("work"));
        return o;
    }

    //! prepare → lookUp → send → verify, as the upload stage runs them.
    static void run(TargetDelivery &delivery, QList<DeliveryItem> &items)
    {
        QList<DeliveryItem *> all;
        for (DeliveryItem &i : items) {
            delivery.prepare(i, {});
            all.append(&i);
        }
        QVERIFY(delivery.lookUp(all, {}));
        for (DeliveryItem &i : items)
            delivery.send(i, {}, {});
        QVERIFY(delivery.verify(all));
        for (DeliveryItem &i : items)
            TargetDelivery::cleanUp(i);
    }

    static QStringList eventTypes(const DeliveryItem &item)
    {
        QStringList types;
        for (const EventRecord &e : item.events)
            types.append(e.type + u':' + e.outcome);
        return types;
    }

private slots:
    void initTestCase()
    {
        auto opened = LocalStore::open(m_dir.filePath(QStringLiteral("store")));
        QVERIFY(opened);
        m_store = std::move(*opened);
    }

    void deliversOnceAndVerifies()
    {
        const FileRecord a = store(1, QStringLiteral("rec-1"), QStringLiteral("a.xml"), "<a/>",
                                   QStringLiteral("application/xml"));
        const FileRecord b = store(2, QStringLiteral("rec-1"), QStringLiteral("b.xml"), "<b/>",
                                   QStringLiteral("application/xml"));
        auto target = TargetRegistry::open(
            QStringLiteral("local:") + m_dir.filePath(QStringLiteral("archive1")), TargetOptions());
        QVERIFY(target);
        TargetDelivery delivery(**target, *m_store,
                                options(QStringLiteral("{batch}/{identifier}/{page}-{filename}")));
        QList<DeliveryItem> items{item(a, 1, 2), item(b, 2, 2)};
        run(delivery, items);
        QCOMPARE(items[0].state, TargetState::Uploaded);
        QVERIFY(items[0].verified);
        QCOMPARE(items[0].remoteName, QStringLiteral("7/rec-1/1-a.xml"));
        QCOMPARE(items[1].remoteName, QStringLiteral("7/rec-1/2-b.xml"));
        QCOMPARE(eventTypes(items[0]),
                 (QStringList{QStringLiteral("transfer:success"), QStringLiteral("fixity check:success")}));
        QVERIFY(items[0].events[0].detail.contains(QStringLiteral("local:")));
        QVERIFY(QFile::exists(m_dir.filePath(QStringLiteral("archive1/7/rec-1/2-b.xml"))));

        // A run killed before the catalog recorded its outcomes: the next one finds both, and knows from
        // its sending marks that they are this run's delivery (uploaded, withdrawn on a rejection).
        QList<DeliveryItem> resumed{item(a, 1, 2), item(b, 2, 2)};
        run(delivery, resumed);
        QCOMPARE(resumed[0].state, TargetState::Uploaded);
        QVERIFY(resumed[0].verified);
        // The look-up compared the digests already: one transfer event, nothing sent again.
        QCOMPARE(eventTypes(resumed[0]), QStringList{QStringLiteral("transfer:success")});
        QVERIFY(resumed[0].events[0].detail.contains(QStringLiteral("interrupted run")));

        // Recorded (the stage settles each file once the catalog holds its row): a second run sends
        // nothing, and bytes found under our name are simply already there.
        delivery.settled(a.id);
        delivery.settled(b.id);
        QList<DeliveryItem> again{item(a, 1, 2), item(b, 2, 2)};
        run(delivery, again);
        QCOMPARE(again[0].state, TargetState::AlreadyThere);
        QCOMPARE(again[1].state, TargetState::AlreadyThere);
        QVERIFY(again[1].verified);
        QCOMPARE(eventTypes(again[1]), QStringList{QStringLiteral("fixity check:success")});
    }

    void nameTakenWaitsForADecision()
    {
        const FileRecord a = store(3, QStringLiteral("rec-2"), QStringLiteral("a.xml"), "<new/>",
                                   QStringLiteral("application/xml"));
        const QString archive = m_dir.filePath(QStringLiteral("archive2"));
        test::writeFile(QDir(archive).filePath(a.storedKey), "<someone else's/>");
        auto target = TargetRegistry::open(QStringLiteral("local:") + archive, TargetOptions());
        TargetDelivery delivery(**target, *m_store, options());
        QList<DeliveryItem> items{item(a)};
        run(delivery, items);
        QCOMPARE(items[0].state, TargetState::NeedsDecision);
        QVERIFY2(items[0].message.contains(QStringLiteral("other content")), qPrintable(items[0].message));
        QVERIFY(
            items[0].reported.value(QStringLiteral("lookup")).toObject().contains(QStringLiteral("named")));

        DeliveryOptions decided = options();
        decided.ignoreWarnings.insert(a.id);
        TargetDelivery overwrite(**target, *m_store, decided);
        QList<DeliveryItem> again{item(a)};
        run(overwrite, again);
        QCOMPARE(again[0].state, TargetState::Uploaded);
        QVERIFY(again[0].verified);
    }

    void derivativeIsSentAndCheckedAgainstItsOwnDigests()
    {
        auto jp2 = Jp2Codec::encode(QImage(QSize(1200, 800), QImage::Format_RGB32));
        QVERIFY(jp2);
        const FileRecord page =
            store(4, QStringLiteral("rec-3"), QStringLiteral("page.jp2"), *jp2, QStringLiteral("image/jp2"));
        auto target = TargetRegistry::open(
            QStringLiteral("local:") + m_dir.filePath(QStringLiteral("access")), TargetOptions());
        DeliveryOptions o = options();
        o.derive = *DerivativeRule::parseList(QStringLiteral("image/jp2=image/jpeg:q85:600"));
        TargetDelivery delivery(**target, *m_store, o);
        QList<DeliveryItem> items{item(page)};
        run(delivery, items);
        QCOMPARE(items[0].state, TargetState::Uploaded);
        QVERIFY(items[0].verified);
        QVERIFY(items[0].derivative);
        // The key is the store key with the derivative's extension; the original in the store is untouched.
        QCOMPARE(items[0].remoteName, QStringLiteral("7/rec-3/page.jpg"));
        const QString sent = m_dir.filePath(QStringLiteral("access/7/rec-3/page.jpg"));
        QFile copy(sent);
        QVERIFY(copy.open(QIODevice::ReadOnly));
        const QByteArray bytes = copy.readAll();
        QCOMPARE(MultiDigest::of(bytes).sha1, items[0].derivative->digests.sha1);
        QCOMPARE(QImageReader(sent).size(), QSize(600, 400));
        QFile original(m_store->localPath(page.storedKey));
        QVERIFY(original.open(QIODevice::ReadOnly));
        QCOMPARE(original.readAll(), *jp2);
        QCOMPARE(eventTypes(items[0]),
                 (QStringList{QStringLiteral("creation:success"), QStringLiteral("transfer:success"),
                              QStringLiteral("fixity check:success")}));
        QVERIFY(items[0].events[0].detail.contains(items[0].derivative->digests.sha1));
        QVERIFY(items[0].events[0].detail.contains(page.digests.sha256));
        // The temporary derivative is gone.
        QVERIFY(!QFile::exists(items[0].derivative->path));

        // A rerun converts again, finds the same bytes and sends nothing.
        delivery.settled(page.id);
        QList<DeliveryItem> again{item(page)};
        run(delivery, again);
        QCOMPARE(again[0].state, TargetState::AlreadyThere);
    }

    void unstoredFileFails()
    {
        FileRecord f;
        f.id = 9;
        f.item = QStringLiteral("rec-9");
        f.name = QStringLiteral("gone.bin");
        auto target = TargetRegistry::open(
            QStringLiteral("local:") + m_dir.filePath(QStringLiteral("archive3")), TargetOptions());
        TargetDelivery delivery(**target, *m_store, options());
        DeliveryItem i = item(f);
        delivery.prepare(i, {});
        QCOMPARE(i.state, TargetState::Failed);
        QVERIFY(i.message.contains(QStringLiteral("never stored")));
    }
};

QTEST_MAIN(tst_TargetDelivery)
#include "tst_targetdelivery.moc"
