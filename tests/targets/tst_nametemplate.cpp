#include <QJsonArray>
#include <QTest>

#include "targets/derivative.h"
#include "targets/localtarget.h"
#include "targets/mediawiki/mediawikititle.h"
#include "targets/mediawiki/pagetext.h"
#include "targets/nametemplate.h"
#include "targets/uploadplan.h"

using namespace gh;

// Title, key and page templates: the binding placeholders, cutting, MediaWiki's title rules, wikitext
// escaping and conversion rules.
class tst_NameTemplate : public QObject
{
    Q_OBJECT

    static ItemRecord item(const QJsonObject &metadata, const QString &identifier = QStringLiteral("rec-17"))
    {
        ItemRecord i;
        i.id = 5;
        i.identifier = identifier;
        i.label = QStringLiteral("Postcard of the harbour");
        i.metadata = metadata;
        return i;
    }

    static FileRecord file(const QString &name = QStringLiteral("scans/card-0001.jp2"))
    {
        FileRecord f;
        f.id = 42;
        f.item = QStringLiteral("rec-17");
        f.name = name;
        f.storedKey = QStringLiteral("3/rec-17/card-0001.jp2");
        f.digests.sha1 = QStringLiteral("da39a3ee5e6b4b0d3255bfef95601890afd80709");
        f.sourceUrl = QStringLiteral("https://example.org/card-0001.jp2");
        return f;
    }

    static QString expand(const QString &pattern, const TemplateFields &fields)
    {
        auto t = NameTemplate::parse(pattern);
        if (!t)
            qFatal("%s", qPrintable(t.error().message));
        return t->expand(fields);
    }

private slots:
    void bindingPlaceholders()
    {
        const auto fields = TemplateFields::forFile(
            3, QStringLiteral("Harbour cards"), item({{QStringLiteral("title"), QStringLiteral("Harbour")}}),
            file(), 2, 7);
        QCOMPARE(expand(QStringLiteral("{filename}|{stem}|{ext}"), fields),
                 QStringLiteral("card-0001.jp2|card-0001|.jp2"));
        QCOMPARE(expand(QStringLiteral("{identifier}/{label}"), fields),
                 QStringLiteral("rec-17/Postcard of the harbour"));
        QCOMPARE(expand(QStringLiteral("{page} of {pages} in {batch} ({batch_name})"), fields),
                 QStringLiteral("2 of 7 in 3 (Harbour cards)"));
        QCOMPARE(expand(QStringLiteral("{stored_key}"), fields), QStringLiteral("3/rec-17/card-0001.jp2"));
        QCOMPARE(expand(QStringLiteral("{sha1:8}"), fields), QStringLiteral("da39a3ee"));
    }

    void derivativeNameDescribesWhatIsSent()
    {
        const auto fields =
            TemplateFields::forFile(3, {}, item({}), file(), 1, 1, QStringLiteral("card-0001.jpg"));
        QCOMPARE(fields.ext(), QStringLiteral(".jpg"));
        QCOMPARE(expand(QStringLiteral("{filename}"), fields), QStringLiteral("card-0001.jpg"));
        QCOMPARE(expand(QStringLiteral("{stored_key}"), fields), QStringLiteral("3/rec-17/card-0001.jpg"));
    }

    void descriptiveFields()
    {
        QJsonObject metadata{
            {QStringLiteral("title"), QStringLiteral("  Harbour at dawn ")},
            {QStringLiteral("creators"), QJsonArray{QStringLiteral("Ann"), QStringLiteral("Bo")}},
            {QStringLiteral("identifiers"),
             QJsonArray{QJsonObject{{QStringLiteral("value"), QStringLiteral("urn:1")}}}},
            {QStringLiteral("Year"), 1923},
            {QStringLiteral("identifier"), QStringLiteral("metadata-id-loses")}};
        const auto fields = TemplateFields::forFile(1, {}, item(metadata), file(), 1, 1);
        QCOMPARE(expand(QStringLiteral("{title}"), fields), QStringLiteral("Harbour at dawn"));
        QCOMPARE(expand(QStringLiteral("{creators}"), fields), QStringLiteral("Ann; Bo"));
        QCOMPARE(expand(QStringLiteral("{identifiers}"), fields), QStringLiteral("urn:1"));
        // Spreadsheet headings keep their case; a lower-case template still finds them.
        QCOMPARE(expand(QStringLiteral("{year}"), fields), QStringLiteral("1923"));
        // The item's own identifier wins over a descriptive field of the same name.
        QCOMPARE(expand(QStringLiteral("{identifier}"), fields), QStringLiteral("rec-17"));
    }

    void cutToLength()
    {
        const auto fields = TemplateFields::forFile(
            1, {}, item({{QStringLiteral("title"), QStringLiteral("Abcdefghij klmnop")}}), file(), 1, 1);
        QCOMPARE(expand(QStringLiteral("{title:5}"), fields), QStringLiteral("Abcde"));
        // A cut never leaves a trailing space or half a surrogate pair.
        QCOMPARE(expand(QStringLiteral("{title:11}"), fields), QStringLiteral("Abcdefghij"));
        const auto emoji = TemplateFields::forFile(
            1, {}, item({{QStringLiteral("title"), QStringLiteral("ab\U0001F600cd")}}), file(), 1, 1);
        QCOMPARE(expand(QStringLiteral("{title:3}"), emoji), QStringLiteral("ab"));
    }

    void titleFallsBack()
    {
        const auto withLabel = TemplateFields::forFile(1, {}, item({}), file(), 1, 1);
        QCOMPARE(withLabel.value(QStringLiteral("title")), QStringLiteral("Postcard of the harbour"));
        ItemRecord bare = item({});
        bare.label.clear();
        const auto withStem = TemplateFields::forFile(1, {}, bare, file(), 1, 1);
        QCOMPARE(withStem.value(QStringLiteral("title")), QStringLiteral("card-0001"));
    }

    void unknownPlaceholdersAreReported()
    {
        const auto fields = TemplateFields::forFile(1, {}, item({}), file(), 1, 1);
        auto t = NameTemplate::parse(QStringLiteral("{title} {nosuchfield}"));
        QVERIFY(t);
        QSet<QString> unresolved;
        QCOMPARE(t->expand(fields, NameTemplate::Escape::None, &unresolved),
                 QStringLiteral("Postcard of the harbour "));
        QCOMPARE(unresolved, QSet<QString>{QStringLiteral("nosuchfield")});
    }

    void malformedLengthIsAnError()
    {
        auto t = NameTemplate::parse(QStringLiteral("{title:18l} - {identifier}"));
        QVERIFY(!t);
        QCOMPARE(t.error().code, ErrorCode::Usage);
        QVERIFY2(t.error().message.contains(QStringLiteral("{title:18l}")), qPrintable(t.error().message));
    }

    void wikitextConstructsPassThrough()
    {
        const auto fields = TemplateFields::forFile(
            1, {}, item({{QStringLiteral("date"), QStringLiteral("1923")}}), file(), 1, 1);
        QCOMPARE(
            expand(QStringLiteral("== {{int:filedesc}} ==\n{{Information|date={date}}}\n{{PAGENAME}} {|"),
                   fields),
            QStringLiteral("== {{int:filedesc}} ==\n{{Information|date=1923}}\n{{PAGENAME}} {|"));
    }

    void defaultTitle()
    {
        auto t = NameTemplate::parse(MediaWikiTitle::defaultTemplate());
        QVERIFY(t);
        const auto single =
            TemplateFields::forFile(1, {}, item({{QStringLiteral("title"), QStringLiteral("Harbour")}}),
                                    file(QStringLiteral("a.jpg")), 1, 1);
        QCOMPARE(MediaWikiTitle::build(*t, single).value(), QStringLiteral("Harbour - rec-17.jpg"));
        const auto third =
            TemplateFields::forFile(1, {}, item({{QStringLiteral("title"), QStringLiteral("Harbour")}}),
                                    file(QStringLiteral("c.jpg")), 3, 9);
        QCOMPARE(MediaWikiTitle::build(*t, third).value(), QStringLiteral("Harbour - rec-17 (page 3).jpg"));
    }

    void titleGetsTheExtensionOfWhatIsSent()
    {
        auto t = NameTemplate::parse(QStringLiteral("{title}"));
        const auto fields =
            TemplateFields::forFile(1, {}, item({{QStringLiteral("title"), QStringLiteral("Harbour")}}),
                                    file(), 1, 1, QStringLiteral("x.jpg"));
        QCOMPARE(MediaWikiTitle::build(*t, fields).value(), QStringLiteral("Harbour.jpg"));
        // A template that tells the files apart gets no page suffix.
        auto byName = NameTemplate::parse(QStringLiteral("{identifier} {stem}{ext}"));
        const auto many = TemplateFields::forFile(1, {}, item({}), file(), 2, 5);
        QCOMPARE(MediaWikiTitle::build(*byName, many).value(), QStringLiteral("Rec-17 card-0001.jp2"));
    }

    void sanitiseReplacesForbiddenCharacters_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");
        QTest::newRow("separators") << QStringLiteral("a:b/c\\d#e|f.jpg")
                                    << QStringLiteral("A-b-c-d-e-f.jpg");
        QTest::newRow("brackets") << QStringLiteral("x [y] {z} <w>.png")
                                  << QStringLiteral("X (y) (z) (w).png");
        QTest::newRow("invisible") << QStringLiteral("ab\u200Bc\u00ADd\u200Ee\u0007.jpg")
                                   << QStringLiteral("Abcde.jpg");
        QTest::newRow("spaces") << QStringLiteral("  a__b \u00A0\u2003 c\t\n.jpg")
                                << QStringLiteral("A b c .jpg");
        QTest::newRow("leading dots") << QStringLiteral("../secret.jpg") << QStringLiteral("Secret.jpg");
        QTest::newRow("percent") << QStringLiteral("100%41 sure.jpg") << QStringLiteral("100-41 sure.jpg");
        QTest::newRow("entity") << QStringLiteral("Tom &amp; Jerry.jpg")
                                << QStringLiteral("Tom -amp; Jerry.jpg");
        QTest::newRow("signature") << QStringLiteral("sig~~~~.jpg") << QStringLiteral("Sig-.jpg");
        QTest::newRow("upper first") << QStringLiteral("élan.jpg") << QStringLiteral("Élan.jpg");
        QTest::newRow("nfc") << QStringLiteral("e\u0301t\u00e9.jpg") << QStringLiteral("\u00c9t\u00e9.jpg");
        QTest::newRow("eszett stays") << QStringLiteral("ßtraße.jpg") << QStringLiteral("ßtraße.jpg");
    }

    void sanitiseReplacesForbiddenCharacters()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        QCOMPARE(MediaWikiTitle::sanitise(input), expected);
    }

    void sanitiseLimitsBytesKeepingTheSuffix()
    {
        // 200 three-byte characters: 600 bytes.
        const QString longTitle = QString(200, QChar(0x6C34)) + QStringLiteral(" (page 12).jpg");
        const QString title = MediaWikiTitle::sanitise(longTitle, 240, QStringLiteral(" (page 12).jpg"));
        QVERIFY(title.toUtf8().size() <= 240);
        QVERIFY(title.endsWith(QStringLiteral(" (page 12).jpg")));
        QCOMPARE(title.toUtf8().size(), 240 - (240 - 14) % 3);
        // Four-byte characters are never split.
        const QString emoji = MediaWikiTitle::sanitise(
            QString::fromUcs4(U"\U0001F600").repeated(80) + u".png", 240, QStringLiteral(".png"));
        QVERIFY(emoji.toUtf8().size() <= 240);
        QVERIFY(emoji.endsWith(u".png"));
        QCOMPARE(QString::fromUtf8(emoji.toUtf8()), emoji);
    }

    void emptyTitleIsAnError()
    {
        auto t = NameTemplate::parse(QStringLiteral("{nothing}{ext}"));
        const auto fields = TemplateFields::forFile(1, {}, item({}), file(QStringLiteral("a.jpg")), 1, 1);
        auto title = MediaWikiTitle::build(*t, fields);
        QVERIFY(!title);
        QVERIFY(title.error().message.contains(QStringLiteral("a.jpg")));
    }

    void pageTextEscapesMetadata()
    {
        auto page =
            PageText::create(PageText::defaultTemplate(), PageText::defaultSummary(),
                             {QStringLiteral("Uploaded with Gatehouse"), QStringLiteral("Batch {batch_name}"),
                              QStringLiteral("Category:Harbour [scans]")});
        QVERIFY(page);
        QJsonObject metadata{
            {QStringLiteral("title"), QStringLiteral("Harbour | [[Evil]] {{delete}} <script>")},
            {QStringLiteral("description"), QStringLiteral("* not a list\n== not a heading ==")},
            {QStringLiteral("date"), QStringLiteral("1923")},
            {QStringLiteral("creators"), QJsonArray{QStringLiteral("Ann ~~~~")}}};
        const auto fields = TemplateFields::forFile(3, QStringLiteral("Box 1"), item(metadata), file(), 1, 1);
        const QString text = page->text(fields);
        QVERIFY(text.startsWith(QStringLiteral("== {{int:filedesc}} ==\n{{Information\n")));
        QVERIFY2(text.contains(QStringLiteral("|description=Harbour &#124; &#91;&#91;Evil&#93;&#93; "
                                              "&#123;&#123;delete&#125;&#125; &lt;script&gt;\n")),
                 qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("&#42; not a list\n&#61;= not a heading ==")),
                 qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("|date=1923\n")));
        QVERIFY(text.contains(QStringLiteral("|author=Ann &#126;&#126;&#126;~\n")));
        QVERIFY(text.contains(QStringLiteral("|source=https://example.org/card-0001.jp2\n")));
        QVERIFY2(
            text.endsWith(QStringLiteral("\n[[Category:Uploaded with Gatehouse]]\n[[Category:Batch Box 1]]\n"
                                         "[[Category:Harbour (scans)]]\n")),
            qPrintable(text));
        QCOMPARE(page->summary(fields), QStringLiteral("Gatehouse upload: rec-17 (Box 1)"));
    }

    void keyNames()
    {
        const auto fields = TemplateFields::forFile(3, {}, item({}), file(), 1, 1);
        QCOMPARE(keyNameFor(fields, nullptr, {}).value(), QStringLiteral("3/rec-17/card-0001.jp2"));
        auto custom = NameTemplate::parse(QStringLiteral("access/{identifier}/{page}{ext}"));
        QCOMPARE(keyNameFor(fields, &*custom, {}).value(), QStringLiteral("access/rec-17/1.jp2"));
        auto escaping = NameTemplate::parse(QStringLiteral("../{identifier}"));
        auto refused = keyNameFor(fields, &*escaping, {});
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::UnsafePath);
    }

    void derivativeRules_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<QString>("normalized");
        QTest::newRow("full") << QStringLiteral("image/jp2=image/jpeg:q90:4000") << true
                              << QStringLiteral("image/jp2=image/jpeg:q90:4000");
        QTest::newRow("pattern") << QStringLiteral(" image/* = image/jpeg:2000 ") << true
                                 << QStringLiteral("image/*=image/jpeg:2000");
        QTest::newRow("order") << QStringLiteral("IMAGE/TIFF=image/png:1000:q5") << true
                               << QStringLiteral("image/tiff=image/png:q5:1000");
        QTest::newRow("bad quality") << QStringLiteral("image/jp2=image/jpeg:q101") << false << QString();
        QTest::newRow("bad size") << QStringLiteral("image/jp2=image/jpeg:0") << false << QString();
        QTest::newRow("unknown output") << QStringLiteral("image/jp2=application/pdf") << false << QString();
        QTest::newRow("no arrow") << QStringLiteral("image/jp2 image/jpeg") << false << QString();
    }

    void derivativeRules()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        QFETCH(QString, normalized);
        auto rule = DerivativeRule::parse(text);
        QCOMPARE(rule.ok(), valid);
        if (valid)
            QCOMPARE(rule->toText(), normalized);
        else
            QVERIFY(rule.error().message.contains(QStringLiteral("FROM=TO")));
    }

    void targetFilterPairs()
    {
        auto routes = TargetRoute::fromArguments(
            {QStringLiteral("upload"), QStringLiteral("3"), QStringLiteral("--target"),
             QStringLiteral("s3://bits/archive"), QStringLiteral("--filter"),
             QStringLiteral("mime:image/jp2"), QStringLiteral("--jobs"), QStringLiteral("2"),
             QStringLiteral("--target=local:/srv/meta"), QStringLiteral("--filter=name:*.xml"),
             QStringLiteral("--target"), QStringLiteral("mediawiki:https://w/api.php")});
        QVERIFY2(routes, routes ? "" : qPrintable(routes.error().message));
        QCOMPARE(routes->size(), 3);
        QCOMPARE(routes->at(0).spec, QStringLiteral("s3://bits/archive"));
        QCOMPARE(routes->at(0).filterText, QStringLiteral("mime:image/jp2"));
        QCOMPARE(routes->at(1).filterText, QStringLiteral("name:*.xml"));
        QVERIFY(routes->at(2).filterText.isEmpty());
        FileRecord jp2;
        jp2.name = QStringLiteral("p.jp2");
        jp2.mimetype = QStringLiteral("image/jp2");
        QVERIFY(routes->at(0).filter.matches(jp2));
        QVERIFY(!routes->at(1).filter.matches(jp2));
        QVERIFY(routes->at(2).filter.matches(jp2));

        auto early = TargetRoute::fromArguments({QStringLiteral("--filter"), QStringLiteral("mime:image/*")});
        QVERIFY(!early);
        QVERIFY(early.error().message.contains(QStringLiteral("before any --target")));
        auto twice = TargetRoute::fromArguments({QStringLiteral("--target"), QStringLiteral("local:/x"),
                                                 QStringLiteral("--filter"), QStringLiteral("a"),
                                                 QStringLiteral("--filter"), QStringLiteral("b")});
        QVERIFY(!twice);
        auto bad = TargetRoute::fromArguments({QStringLiteral("--target"), QStringLiteral("local:/x"),
                                               QStringLiteral("--filter"), QStringLiteral("size:>lots")});
        QVERIFY(!bad);
    }

    void derivativeRuleLists()
    {
        auto rules =
            DerivativeRule::parseList(QStringLiteral("image/jp2=image/jpeg:q90:4000; image/*=image/png"));
        QVERIFY(rules);
        QCOMPARE(rules->size(), 2);
        QCOMPARE(DerivativeRule::find(*rules, QStringLiteral("image/jp2"))->to, QStringLiteral("image/jpeg"));
        QCOMPARE(DerivativeRule::find(*rules, QStringLiteral("image/tiff"))->to, QStringLiteral("image/png"));
        QVERIFY(!DerivativeRule::find(*rules, QStringLiteral("application/xml")));
        QCOMPARE(rules->first().renamed(QStringLiteral("a.b/page.jp2")), QStringLiteral("a.b/page.jpg"));
        QCOMPARE(rules->first().renamed(QStringLiteral("a.b/page")), QStringLiteral("a.b/page.jpg"));
    }
};

QTEST_GUILESS_MAIN(tst_NameTemplate)
#include "tst_nametemplate.moc"
