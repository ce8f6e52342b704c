#include "tst_bagsupport.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QTest>

#include "testsupport.h"

namespace gh::test {

namespace {

QCryptographicHash::Algorithm algorithmOf(const QString &name)
{
    if (name == u"md5")
        return QCryptographicHash::Md5;
    if (name == u"sha1")
        return QCryptographicHash::Sha1;
    if (name == u"sha224")
        return QCryptographicHash::Sha224;
    if (name == u"sha384")
        return QCryptographicHash::Sha384;
    if (name == u"sha512")
        return QCryptographicHash::Sha512;
    if (name == u"blake2b")
        return QCryptographicHash::Blake2b_512;
    return QCryptographicHash::Sha256;
}

bool atLeast(const QString &version, int major, int minor)
{
    const int ma = version.section(u'.', 0, 0).toInt();
    const int mi = version.section(u'.', 1, 1).toInt();
    return ma > major || (ma == major && mi >= minor);
}

} // namespace

QString digestHex(const QByteArray &bytes, const QString &algorithm)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, algorithmOf(algorithm)).toHex());
}

QString encodeBagPath(const QString &path)
{
    QString encoded = path;
    encoded.replace(u'%', QStringLiteral("%25"));
    encoded.replace(u'\n', QStringLiteral("%0A"));
    encoded.replace(u'\r', QStringLiteral("%0D"));
    return encoded;
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

void appendToFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    QVERIFY2(file.open(QIODevice::Append), qPrintable(path));
    QCOMPARE(file.write(bytes), bytes.size());
}

BagSpec sampleBag()
{
    BagSpec spec;
    spec.payload = {
        {QStringLiteral("data/film1/page0001.jp2"), pseudoRandomBytes(3000, 1)},
        {QStringLiteral("data/film1/page0001.alto.xml"), "<alto><page n=\"1\"/></alto>\n"},
        {QStringLiteral("data/film1/page0002.jp2"), pseudoRandomBytes(2500, 2)},
        {QStringLiteral("data/film1/page0002.alto.xml"), "<alto><page n=\"2\"/></alto>\n"},
        {QStringLiteral("data/README.txt"), "Two pages of film 1.\n"},
    };
    return spec;
}

void writeBag(const QString &root, const BagSpec &spec)
{
    QVERIFY(QDir().mkpath(QDir(root).filePath(QStringLiteral("data"))));
    const bool encodes = atLeast(spec.version, 1, 0);
    auto listed = [&](const QString &path) { return encodes ? encodeBagPath(path) : path; };

    qint64 octets = 0;
    for (const auto &[path, bytes] : spec.payload) {
        writeFile(QDir(root).filePath(path), bytes);
        octets += bytes.size();
    }
    for (const auto &[path, bytes] : spec.remote)
        octets += bytes.size();

    for (const QString &algorithm : spec.algorithms) {
        QByteArray manifest;
        for (const auto &[path, bytes] : spec.payload + spec.remote)
            manifest += (digestHex(bytes, algorithm) + u"  " + listed(path)).toUtf8() + spec.eol;
        writeFile(QDir(root).filePath(u"manifest-" + algorithm + u".txt"), manifest);
    }
    if (!spec.remote.isEmpty()) {
        QByteArray fetch;
        for (const auto &[path, bytes] : spec.remote) {
            fetch += (u"https://example.org/objects/" + path.section(u'/', -1) + u' ' +
                      QString::number(bytes.size()) + u' ' + listed(path))
                         .toUtf8() +
                     spec.eol;
        }
        writeFile(QDir(root).filePath(QStringLiteral("fetch.txt")), fetch);
    }

    const QString infoName =
        atLeast(spec.version, 0, 96) ? QStringLiteral("bag-info.txt") : QStringLiteral("package-info.txt");
    const QByteArray info = spec.bagInfo.value_or(
        QByteArray("Source-Organization: Example Library" + spec.eol + "Bagging-Date: 2024-05-02" + spec.eol +
                   "Payload-Oxum: " + QByteArray::number(octets) + '.' +
                   QByteArray::number(spec.payload.size() + spec.remote.size()) + spec.eol));
    writeFile(QDir(root).filePath(infoName), info);
    for (const auto &[path, bytes] : spec.tagFiles)
        writeFile(QDir(root).filePath(path), bytes);

    QByteArray declaration = "BagIt-Version: " + spec.version.toLatin1() + spec.eol;
    if (spec.declareEncoding)
        declaration += "Tag-File-Character-Encoding: UTF-8" + spec.eol;
    writeFile(QDir(root).filePath(QStringLiteral("bagit.txt")), declaration);

    for (const QString &algorithm : spec.tagAlgorithms)
        writeFile(QDir(root).filePath(u"tagmanifest-" + algorithm + u".txt"), QByteArray());
    refreshTagManifests(root, spec.eol);
}

void refreshTagManifests(const QString &root, const QByteArray &eol)
{
    const QDir dir(root);
    QStringList tagFiles;
    QStringList tagManifests;
    QDirIterator it(root, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString relative = dir.relativeFilePath(it.next());
        if (relative.startsWith(u"data/"))
            continue;
        (relative.startsWith(u"tagmanifest-") ? tagManifests : tagFiles).append(relative);
    }
    tagFiles.sort();
    for (const QString &manifest : std::as_const(tagManifests)) {
        const QString algorithm = manifest.mid(12).chopped(4);
        QByteArray content;
        for (const QString &file : std::as_const(tagFiles))
            content += (digestHex(readFile(dir.filePath(file)), algorithm) + u"  " + file).toUtf8() + eol;
        QFile out(dir.filePath(manifest));
        QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
        out.write(content);
    }
}

} // namespace gh::test
