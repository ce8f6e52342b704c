// The key-addressed targets against what a curator meets: a local archive folder and a real S3 server
// (s3rver, started by tests/peers/s3rver.sh). Upload, look-up by name, "never twice", a name taken by other
// bytes, a source that changed, verify catching a changed object, a killed multipart upload continued by a
// later run, delete, and the registry's refusal of unknown specs.

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "digest/multidigest.h"
#include "peerserver.h"
#include "store/s3client.h"
#include "store/s3options.h"
#include "targets/localtarget.h"
#include "targets/nametemplate.h"
#include "targets/targetregistry.h"
#include "testsupport.h"

using namespace gh;

namespace {

constexpr qint64 s_mib = 1024 * 1024;

struct Sample
{
    QString path;
    QByteArray bytes;
    Digests digests;
};

Sample sample(const QString &dir, const QString &name, qint64 size, quint64 seed)
{
    Sample s;
    s.path = QDir(dir).filePath(name);
    s.bytes = test::pseudoRandomBytes(size, seed);
    test::writeFile(s.path, s.bytes);
    s.digests = MultiDigest::of(s.bytes);
    return s;
}

UploadRequest request(const Sample &s, const QString &name)
{
    UploadRequest r;
    r.fileId = 1;
    r.label = name;
    r.name = name;
    r.source.localPath = s.path;
    r.source.size = s.bytes.size();
    r.source.digests = s.digests;
    return r;
}

QProcessEnvironment s3Environment(int port)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("GATEHOUSE_S3_ENDPOINT"), QStringLiteral("http://127.0.0.1:%1").arg(port));
    env.insert(QStringLiteral("GATEHOUSE_S3_ADDRESSING"), QStringLiteral("path"));
    env.insert(QStringLiteral("GATEHOUSE_S3_KEYCHAIN"), QStringLiteral("0"));
    env.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), QStringLiteral("S3RVER"));
    env.insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), QStringLiteral("S3RVER"));
    env.insert(QStringLiteral("GATEHOUSE_S3_MULTIPART_THRESHOLD_MB"), QStringLiteral("5"));
    env.insert(QStringLiteral("GATEHOUSE_S3_PART_SIZE_MB"), QStringLiteral("5"));
    return env;
}

//! Replaces the object at \a key behind Gatehouse's back (another tool, a person), without our metadata.
void overwriteObject(int port, const QString &key, const QByteArray &bytes)
{
    S3Options o;
    o.bucket = QStringLiteral("gatehouse-test");
    o.endpoint = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
    o.addressing = S3Options::Addressing::Path;
    o.credentials.accessKeyId = "S3RVER";
    o.credentials.secretAccessKey = "S3RVER";
    S3Client client(o.withDefaults());
    S3Client::Request put;
    put.method = "PUT";
    put.objectKey = key;
    put.body = bytes;
    auto response = client.send(put);
    QVERIFY(response && response->isSuccess());
}

} // namespace

class tst_KeyTargets : public QObject
{
    Q_OBJECT

private slots:
    void registryKnowsTheKinds()
    {
        auto unknown = TargetRegistry::open(QStringLiteral("ftp://example.org/x"), TargetOptions());
        QVERIFY(!unknown);
        QCOMPARE(unknown.error().code, ErrorCode::Usage);
        QVERIFY(unknown.error().message.contains(QStringLiteral("local:DIR")));
        QVERIFY(unknown.error().message.contains(QStringLiteral("s3://bucket/prefix")));
        QCOMPARE(TargetRegistry::schemeOf(QStringLiteral("mediawiki:https://x/w/api.php")),
                 QStringLiteral("mediawiki"));
        QCOMPARE(TargetRegistry::schemeOf(QStringLiteral("/plain/path")), QString());
        auto empty = TargetRegistry::open(QStringLiteral("local:"), TargetOptions());
        QVERIFY(!empty);
    }

    void localUploadLookupVerify()
    {
        QTemporaryDir dir;
        const Sample a = sample(dir.filePath(QStringLiteral("src")), QStringLiteral("a.bin"), 300000, 1);
        auto opened = TargetRegistry::open(QStringLiteral("local:") + dir.filePath(QStringLiteral("archive")),
                                           TargetOptions());
        QVERIFY2(opened, opened ? "" : qPrintable(opened.error().message));
        Target &target = **opened;
        QCOMPARE(target.kind(), QStringLiteral("local"));
        QVERIFY(target.spec().startsWith(QStringLiteral("local:/")));

        const QString key = QStringLiteral("3/rec-1/a.bin");
        auto before = target.lookup({LookupQuery{key, a.digests, a.bytes.size()}});
        QVERIFY(before);
        QVERIFY(!before->first().named);

        qint64 lastProgress = 0;
        UploadRequest r = request(a, key);
        r.progress = [&](qint64 done, qint64) { lastProgress = done; };
        const UploadOutcome up = target.upload(r);
        QCOMPARE(up.state, TargetState::Uploaded);
        QCOMPARE(lastProgress, a.bytes.size());
        QFile copy(dir.filePath(QStringLiteral("archive/3/rec-1/a.bin")));
        QVERIFY(copy.open(QIODevice::ReadOnly));
        QCOMPARE(copy.readAll(), a.bytes);

        auto after = target.lookup({LookupQuery{key, a.digests, a.bytes.size()}});
        QVERIFY(after->first().alreadyThere(a.digests, a.bytes.size()));
        QCOMPARE(after->first().named->sha256, a.digests.sha256);

        // Never twice: a second upload finds the bytes and writes nothing.
        const QDateTime written = QFileInfo(copy).lastModified();
        QTest::qWait(20);
        QCOMPARE(target.upload(request(a, key)).state, TargetState::AlreadyThere);
        QCOMPARE(QFileInfo(copy.fileName()).lastModified(), written);

        auto verified = target.verify({VerifyQuery{key, a.digests, a.bytes.size()}});
        QVERIFY(verified && verified->first().matches);

        // A copy changed on disk afterwards is caught.
        test::writeFile(copy.fileName(), QByteArray(a.bytes).replace(0, 4, "XXXX"));
        verified = target.verify({VerifyQuery{key, a.digests, a.bytes.size()}});
        QVERIFY(!verified->first().matches);
        QVERIFY(verified->first().message.contains(QStringLiteral("differs")));

        // Other bytes under our name need a decision; overwriting is a curator's call.
        const UploadOutcome taken = target.upload(request(a, key));
        QCOMPARE(taken.state, TargetState::NeedsDecision);
        UploadRequest forced = request(a, key);
        forced.ignoreWarnings = true;
        QCOMPARE(target.upload(forced).state, TargetState::Uploaded);
        QVERIFY(target.verify({VerifyQuery{key, a.digests, a.bytes.size()}})->first().matches);

        QVERIFY(target.remove(key, QStringLiteral("batch rejected")));
        QVERIFY(!QFile::exists(copy.fileName()));
        QVERIFY(!target.verify({VerifyQuery{key, a.digests, a.bytes.size()}})->first().matches);
    }

    void localRefusesChangedSourceAndUnsafeKeys()
    {
        QTemporaryDir dir;
        Sample a = sample(dir.filePath(QStringLiteral("src")), QStringLiteral("a.bin"), 5000, 2);
        auto target = TargetRegistry::open(QStringLiteral("local:") + dir.filePath(QStringLiteral("archive")),
                                           TargetOptions());
        QVERIFY(target);
        // The stored copy changed after it was hashed: nothing may arrive at the target.
        test::writeFile(a.path, test::pseudoRandomBytes(5000, 3));
        const UploadOutcome changed = (*target)->upload(request(a, QStringLiteral("a.bin")));
        QCOMPARE(changed.state, TargetState::Failed);
        QVERIFY(changed.message.contains(QStringLiteral("changed since it was stored")));
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("archive/a.bin"))));

        auto escape = (*target)->lookup({LookupQuery{QStringLiteral("../outside.bin"), a.digests, 5000}});
        QVERIFY(escape);
        QVERIFY(!escape->first().nameProblem.isEmpty());
        QCOMPARE((*target)->upload(request(a, QStringLiteral("../outside.bin"))).state, TargetState::Failed);
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("outside.bin"))));
    }

    void s3UploadLookupVerifyResume()
    {
        test::PeerServer s3(QStringLiteral("s3rver"));
        QVERIFY2(s3.isRunning(), qPrintable(s3.error()));
        QTemporaryDir dir;
        TargetContext context;
        context.environment = s3Environment(s3.port());
        context.stagingDir = dir.filePath(QStringLiteral("staging"));
        auto opened =
            TargetRegistry::open(QStringLiteral("s3://gatehouse-test/archive"), TargetOptions(), context);
        QVERIFY2(opened, opened ? "" : qPrintable(opened.error().message));
        Target &target = **opened;
        QCOMPARE(target.spec(), QStringLiteral("s3://gatehouse-test/archive"));

        const Sample small = sample(dir.path(), QStringLiteral("small.bin"), 200000, 4);
        const QString key = QStringLiteral("3/rec-1/small.bin");
        QVERIFY(!target.lookup({LookupQuery{key, small.digests, small.bytes.size()}})->first().named);
        QCOMPARE(target.upload(request(small, key)).state, TargetState::Uploaded);
        auto found = target.lookup({LookupQuery{key, small.digests, small.bytes.size()}});
        QVERIFY(found->first().alreadyThere(small.digests, small.bytes.size()));
        QCOMPARE(found->first().named->md5, small.digests.md5);
        QCOMPARE(target.upload(request(small, key)).state, TargetState::AlreadyThere);
        QVERIFY(target.verify({VerifyQuery{key, small.digests, small.bytes.size()}})->first().matches);

        // A new run finds the bytes under another key through one listing of the prefix.
        auto other =
            TargetRegistry::open(QStringLiteral("s3://gatehouse-test/archive"), TargetOptions(), context);
        QVERIFY(other);
        auto elsewhere = (*other)->lookup(
            {LookupQuery{QStringLiteral("other/place.bin"), small.digests, small.bytes.size()},
             LookupQuery{key, small.digests, small.bytes.size()}});
        QVERIFY2(elsewhere, elsewhere ? "" : qPrintable(elsewhere.error().message));
        QVERIFY(!elsewhere->at(0).named);
        QCOMPARE(elsewhere->at(0).elsewhere(small.digests).size(), 1);
        QCOMPARE(elsewhere->at(0).elsewhere(small.digests).first().name, key);
        QVERIFY(elsewhere->at(1).alreadyThere(small.digests, small.bytes.size()));
        QVERIFY(elsewhere->at(1).elsewhere(small.digests).isEmpty());

        // Someone replaces the object: verify says so, and the name now needs a decision.
        overwriteObject(s3.port(), QStringLiteral("archive/") + key,
                        QByteArray(small.bytes).replace(10, 3, "abc"));
        auto changed = target.verify({VerifyQuery{key, small.digests, small.bytes.size()}});
        QVERIFY(changed);
        QVERIFY(!changed->first().matches);
        QVERIFY2(changed->first().message.contains(QStringLiteral("differs")),
                 qPrintable(changed->first().message));
        QCOMPARE(target.upload(request(small, key)).state, TargetState::NeedsDecision);

        // A multipart upload (12 MiB in 5 MiB parts) cancelled after its first part, continued by a new
        // target object as a new run would: only the missing parts are sent.
        const Sample big = sample(dir.path(), QStringLiteral("big.bin"), 12 * s_mib, 5);
        const QString bigKey = QStringLiteral("3/rec-2/big.bin");
        UploadRequest first = request(big, bigKey);
        first.cancel = std::make_shared<std::atomic_bool>(false);
        int parts = 0;
        first.progress = [&](qint64, qint64) {
            if (++parts == 1)
                first.cancel->store(true);
        };
        const UploadOutcome interrupted = target.upload(first);
        QVERIFY2(interrupted.state != TargetState::Uploaded, qPrintable(interrupted.message));
        QVERIFY(!target.lookup({LookupQuery{bigKey, big.digests, big.bytes.size()}})->first().named);

        auto again =
            TargetRegistry::open(QStringLiteral("s3://gatehouse-test/archive"), TargetOptions(), context);
        QVERIFY(again);
        int resumedParts = 0;
        UploadRequest second = request(big, bigKey);
        second.progress = [&](qint64 done, qint64 total) {
            if (done < total)
                ++resumedParts;
        };
        const UploadOutcome resumed = (*again)->upload(second);
        QCOMPARE(resumed.state, TargetState::Uploaded);
        QVERIFY2(resumedParts <= 2, qPrintable(QString::number(resumedParts)));
        QVERIFY((*again)->verify({VerifyQuery{bigKey, big.digests, big.bytes.size()}})->first().matches);

        QVERIFY((*again)->remove(bigKey, QStringLiteral("rejected")));
        QVERIFY(!(*again)->lookup({LookupQuery{bigKey, big.digests, big.bytes.size()}})->first().named);
    }
};

QTEST_GUILESS_MAIN(tst_KeyTargets)
#include "tst_keytargets.moc"
