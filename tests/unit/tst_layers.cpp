// The layers only point down: every #include between the folders of core/ (and of imaging, ui and app)
// follows the documented order. The test also prints the folder graph it found (and writes it as Graphviz to
// core-layers.dot in its working folder), so the picture of the tree is drawn from the includes themselves.

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QMap>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include "testsupport.h"

namespace {

/*!
    The order, lowest first. A folder may include folders of a lower rank and itself, nothing else: folders
    of one rank stand side by side and know nothing of each other. imaging sits beside the engine (it links Qt
    Gui, so no core folder may include it) and may use all of it; ui and app are on top.
*/
const QList<QStringList> s_layers = {
    {QStringLiteral("util"), QStringLiteral("i18n")},
    {QStringLiteral("model")},
    {QStringLiteral("catalog"), QStringLiteral("digest"), QStringLiteral("query")},
    {QStringLiteral("net")},
    {QStringLiteral("store")},
    {QStringLiteral("intake")},
    {QStringLiteral("report")},
    {QStringLiteral("pipeline")},
    {QStringLiteral("qa"), QStringLiteral("targets")},
    {QStringLiteral("dedup")},
    {QStringLiteral("review")},
    {QStringLiteral("imaging")},
    {QStringLiteral("ui")},
    {QStringLiteral("app")},
};

struct Exception
{
    QString from;
    QString to;
    QString why;
};

/*!
    Includes against the order that are known and being removed. Each names who removes it; delete the line
    when that lands (the test says when one is no longer needed).
*/
const QList<Exception> s_exceptions = {};

//! The order as docs/architecture.md must state it.
QString orderLine()
{
    QStringList layers;
    for (const QStringList &layer : s_layers) {
        if (layer.constFirst() == u"imaging")
            break;
        layers.append(layer.join(QStringLiteral(", ")));
    }
    return layers.join(QStringLiteral(" ← "));
}

int rankOf(const QString &folder)
{
    for (qsizetype i = 0; i < s_layers.size(); ++i) {
        if (s_layers[i].contains(folder))
            return int(i);
    }
    return -1;
}

struct Include
{
    QString file; //!< Relative to the source root.
    int line = 0;
    QString text; //!< As written.
    QString from; //!< Folder of the file.
    QString to;   //!< Folder of the included file.
};

struct Scan
{
    QList<Include> edges;        //!< Includes between different folders.
    QStringList unplacedFolders; //!< Folders the order does not name.
};

/*!
    The folder a source file belongs to: core/<folder>/…, or the top-level folder (ui, app). Files directly in
    core/ belong to no folder.
*/
QString folderOf(const QString &relative)
{
    const QStringList parts = relative.split(u'/');
    if (parts.size() >= 3 && parts[0] == u"core")
        return parts[1];
    if (parts.size() >= 2 && parts[0] != u"core")
        return parts[0];
    return {};
}

//! Where `#include "text"` in \a file resolves: next to the file, in core/, or from the root.
QString resolve(const QDir &root, const QString &file, const QString &text)
{
    const QString local = QFileInfo(root.filePath(file)).dir().filePath(text);
    if (QFileInfo::exists(local))
        return QDir::cleanPath(root.relativeFilePath(local));
    for (const QString &base : {QStringLiteral("core/"), QString()}) {
        if (QFileInfo::exists(root.filePath(base + text)) ||
            QFileInfo::exists(root.filePath(base + text + u".in")))
            return QDir::cleanPath(base + text);
    }
    return {};
}

Scan scanTree(const QString &rootPath)
{
    static const QRegularExpression include(QStringLiteral(R"re(^\s*#\s*include\s*"([^"]+)")re"));
    const QDir root(rootPath);
    Scan scan;
    QSet<QString> unplaced;
    for (const QString &top : {QStringLiteral("core"), QStringLiteral("ui"), QStringLiteral("app")}) {
        QDirIterator it(root.filePath(top), {QStringLiteral("*.h"), QStringLiteral("*.cpp")}, QDir::Files,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString relative = root.relativeFilePath(it.next());
            const QString from = folderOf(relative);
            if (from.isEmpty())
                continue;
            if (rankOf(from) < 0)
                unplaced.insert(from);
            QFile file(root.filePath(relative));
            if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
                continue;
            int line = 0;
            while (!file.atEnd()) {
                ++line;
                const auto match = include.match(QString::fromUtf8(file.readLine()));
                if (!match.hasMatch())
                    continue;
                const QString target = resolve(root, relative, match.captured(1));
                const QString to = target.isEmpty() ? QString() : folderOf(target);
                if (to.isEmpty() || to == from)
                    continue;
                scan.edges.append({relative, line, match.captured(1), from, to});
            }
        }
    }
    scan.unplacedFolders = QStringList(unplaced.cbegin(), unplaced.cend());
    scan.unplacedFolders.sort();
    return scan;
}

const Exception *exceptionFor(const QString &from, const QString &to)
{
    for (const Exception &e : s_exceptions) {
        if (e.from == from && e.to == to)
            return &e;
    }
    return nullptr;
}

//! The includes against the order, one line each ("file:line: from -> to (include)"); exceptions excluded.
QStringList violations(const Scan &scan)
{
    QStringList lines;
    for (const Include &i : scan.edges) {
        const int from = rankOf(i.from);
        const int to = rankOf(i.to);
        if (from < 0 || to < 0 || to < from || exceptionFor(i.from, i.to))
            continue;
        lines.append(QStringLiteral("%1:%2: %3 -> %4 (#include \"%5\")")
                         .arg(i.file)
                         .arg(i.line)
                         .arg(i.from, i.to, i.text));
    }
    return lines;
}

} // namespace

class TestLayers : public QObject
{
    Q_OBJECT

private slots:
    void includesFollowTheOrder();
    void architectureStatesTheOrder();
    void checkerCatchesAnIncludeAgainstTheOrder();
};

void TestLayers::includesFollowTheOrder()
{
    const Scan scan = scanTree(QStringLiteral(GATEHOUSE_SOURCE_DIR));
    QVERIFY2(scan.edges.size() > 20, "no includes found: wrong source folder?");
    QVERIFY2(
        scan.unplacedFolders.isEmpty(),
        qPrintable(u"folders with no place in the layer order (add them to s_layers in tst_layers.cpp and to "
                   u"docs/architecture.md): " +
                   scan.unplacedFolders.join(u", ")));

    // The graph, for a picture: folder -> folder, with how many includes make the edge.
    QMap<QPair<QString, QString>, int> weights;
    for (const Include &i : scan.edges)
        ++weights[{i.from, i.to}];
    QString dot = QStringLiteral("digraph layers {\n  rankdir=BT;\n");
    for (auto it = weights.cbegin(); it != weights.cend(); ++it) {
        const bool against = rankOf(it.key().second) >= rankOf(it.key().first);
        qInfo().noquote() << QStringLiteral("%1 -> %2 (%3)%4")
                                 .arg(it.key().first, it.key().second)
                                 .arg(it.value())
                                 .arg(against ? QStringLiteral("  AGAINST THE ORDER") : QString());
        dot += QStringLiteral("  \"%1\" -> \"%2\" [label=%3%4];\n")
                   .arg(it.key().first, it.key().second)
                   .arg(it.value())
                   .arg(against ? QStringLiteral(", color=red") : QString());
    }
    dot += u"}\n";
    QFile out(QStringLiteral("core-layers.dot"));
    if (out.open(QIODevice::WriteOnly | QIODevice::Truncate))
        out.write(dot.toUtf8());

    for (const Exception &e : s_exceptions) {
        if (!weights.contains({e.from, e.to}))
            qWarning().noquote() << QStringLiteral(
                                        "the exception %1 -> %2 (%3) is no longer needed: remove it")
                                        .arg(e.from, e.to, e.why);
        else
            qInfo().noquote() << QStringLiteral("allowed for now: %1 -> %2 (%3)").arg(e.from, e.to, e.why);
    }
    const QStringList wrong = violations(scan);
    QVERIFY2(wrong.isEmpty(), qPrintable(u"includes against the layer order " + orderLine() +
                                         u" (ui and app on top, imaging beside):\n" + wrong.join(u'\n')));
}

void TestLayers::architectureStatesTheOrder()
{
    QFile doc(QStringLiteral(GATEHOUSE_SOURCE_DIR "/docs/architecture.md"));
    QVERIFY(doc.open(QIODevice::ReadOnly | QIODevice::Text));
    const QString text = QString::fromUtf8(doc.readAll());
    QVERIFY2(text.contains(orderLine()),
             qPrintable(u"docs/architecture.md does not state the order " + orderLine()));
}

void TestLayers::checkerCatchesAnIncludeAgainstTheOrder()
{
    QTemporaryDir root;
    gh::test::writeFile(root.filePath(QStringLiteral("core/model/record.h")), "#include \"util/result.h\"\n");
    gh::test::writeFile(root.filePath(QStringLiteral("core/util/result.h")), "#pragma once\n");
    gh::test::writeFile(root.filePath(QStringLiteral("core/pipeline/runner.h")),
                        "#include \"catalog/catalog.h\"\n#include <vector>\n");
    gh::test::writeFile(root.filePath(QStringLiteral("core/catalog/catalog.h")),
                        "#include \"../model/record.h\"\n#include \"pipeline/runner.h\"\n");
    gh::test::writeFile(root.filePath(QStringLiteral("core/digest/digest.h")),
                        "#include \"catalog/catalog.h\"\n");
    gh::test::writeFile(root.filePath(QStringLiteral("core/imaging/thumb.h")),
                        "#include \"pipeline/runner.h\"\n");
    gh::test::writeFile(root.filePath(QStringLiteral("core/store/store.h")),
                        "#include \"imaging/thumb.h\"\n");
    const Scan scan = scanTree(root.path());
    QCOMPARE(scan.edges.size(), 7);
    const QStringList wrong = violations(scan);
    // Up a layer (catalog -> pipeline), sideways within one (digest -> catalog), into imaging from core.
    QCOMPARE(wrong.size(), 3);
    QVERIFY2(wrong.filter(QStringLiteral("core/catalog/catalog.h:2: catalog -> pipeline")).size() == 1,
             qPrintable(wrong.join(u'\n')));
    QVERIFY2(wrong.filter(QStringLiteral("digest -> catalog")).size() == 1, qPrintable(wrong.join(u'\n')));
    QVERIFY2(wrong.filter(QStringLiteral("store -> imaging")).size() == 1, qPrintable(wrong.join(u'\n')));

    gh::test::writeFile(root.filePath(QStringLiteral("core/gadgets/gadget.h")),
                        "#include \"util/result.h\"\n");
    QCOMPARE(scanTree(root.path()).unplacedFolders, QStringList{QStringLiteral("gadgets")});
}

QTEST_GUILESS_MAIN(TestLayers)
#include "tst_layers.moc"
