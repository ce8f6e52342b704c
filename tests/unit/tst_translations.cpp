// Every string a curator can see is translated into Danish and German, and no translation loses a
// placeholder or an accelerator: a missing %1 shows the wrong file name, a lost & breaks a keyboard shortcut.
// The catalogues are also current: lupdate over the sources finds no string they do not hold.
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>

namespace {

struct Message
{
    QString context;
    QString source;
    QStringList translations; // one, or one per numerus form
    bool unfinished = false;
    bool numerus = false;
    qint64 line = 0;
};

QList<Message> readCatalogue(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = file.errorString();
        return {};
    }
    QList<Message> messages;
    QXmlStreamReader xml(&file);
    QString context;
    Message current;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        const auto name = xml.name();
        if (name == u"name") {
            context = xml.readElementText();
        } else if (name == u"message") {
            current = Message{
                context,         {}, {}, false, xml.attributes().value(QStringLiteral("numerus")) == u"yes",
                xml.lineNumber()};
        } else if (name == u"source") {
            current.source = xml.readElementText();
        } else if (name == u"translation") {
            const auto type = xml.attributes().value(QStringLiteral("type"));
            current.unfinished = type == u"unfinished";
            if (type == u"obsolete" || type == u"vanished")
                continue;
            if (current.numerus) {
                while (xml.readNextStartElement())
                    current.translations.append(xml.readElementText());
            } else {
                current.translations.append(xml.readElementText());
            }
            messages.append(current);
        }
    }
    if (xml.hasError())
        *error = QStringLiteral("%1:%2: %3").arg(path).arg(xml.lineNumber()).arg(xml.errorString());
    return messages;
}

QStringList placeholders(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral("%L?(\\d+|n)"));
    QStringList found;
    for (auto it = pattern.globalMatch(text); it.hasNext();)
        found.append(it.next().captured(0));
    found.sort();
    found.removeDuplicates();
    return found;
}

bool hasAccelerator(QString text)
{
    // "&&" is a literal ampersand; HTML entities such as &amp; are not accelerators either.
    static const QRegularExpression pattern(QStringLiteral("&(?!&|[a-z]+;|#)"));
    return text.remove(QStringLiteral("&&")).contains(pattern);
}

} // namespace

class TestTranslations : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void complete_data()
    {
        QTest::addColumn<QString>("path");
        for (const char *language : {"da", "de"})
            QTest::newRow(language) << QStringLiteral(GATEHOUSE_SOURCE_DIR "/translations/gatehouse_%1.ts")
                                           .arg(QLatin1String(language));
    }

    void complete()
    {
        QFETCH(QString, path);
        QString error;
        const QList<Message> messages = readCatalogue(path, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(messages.size() > 100);
        QStringList problems;
        for (const Message &m : messages) {
            const QString where = QStringLiteral("%1:%2 [%3] \"%4\"")
                                      .arg(QFileInfo(path).fileName())
                                      .arg(m.line)
                                      .arg(m.context, m.source);
            if (m.unfinished || m.translations.isEmpty()) {
                problems.append(where + QStringLiteral(": not translated"));
                continue;
            }
            for (const QString &t : m.translations) {
                if (t.trimmed().isEmpty())
                    problems.append(where + QStringLiteral(": empty translation"));
                else if (placeholders(t) != placeholders(m.source))
                    problems.append(where +
                                    QStringLiteral(": placeholders %1 became %2")
                                        .arg(placeholders(m.source).join(u' '), placeholders(t).join(u' ')));
                else if (hasAccelerator(m.source) != hasAccelerator(t))
                    problems.append(where +
                                    QStringLiteral(": the keyboard accelerator (&) was lost or added"));
            }
            if (m.numerus && m.translations.size() != 2)
                problems.append(where + QStringLiteral(": needs two plural forms"));
        }
        QVERIFY2(problems.isEmpty(), qPrintable(QStringLiteral("%1 problem(s):\n").arg(problems.size()) +
                                                problems.mid(0, 40).join(u'\n')));
    }

    void current_data() { complete_data(); }

    // A tr() string added to the sources but never brought into the catalogues would show in English and pass
    // complete(): refresh a copy with lupdate, as the update_translations target does, and compare.
    void current()
    {
        QFETCH(QString, path);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString copy = dir.filePath(QFileInfo(path).fileName());
        QVERIFY(QFile::copy(path, copy));
        QFile::setPermissions(copy, QFile::ReadOwner | QFile::WriteOwner);
        QProcess lupdate;
        lupdate.setWorkingDirectory(QStringLiteral(GATEHOUSE_SOURCE_DIR));
        lupdate.setProcessChannelMode(QProcess::MergedChannels);
        lupdate.start(QStringLiteral(GATEHOUSE_LUPDATE),
                      {QStringLiteral("-silent"), QStringLiteral("-no-obsolete"),
                       QStringLiteral("-locations"), QStringLiteral("none"), QStringLiteral("core"),
                       QStringLiteral("ui"), QStringLiteral("app"), QStringLiteral("-ts"), copy});
        QVERIFY2(lupdate.waitForFinished(240000), "lupdate did not finish");
        QVERIFY2(lupdate.exitCode() == 0, lupdate.readAll().constData());

        QString error;
        QSet<QString> held;
        for (const Message &m : readCatalogue(path, &error))
            held.insert(m.context + u'\x1f' + m.source);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QStringList missing;
        for (const Message &m : readCatalogue(copy, &error)) {
            if (!held.contains(m.context + u'\x1f' + m.source))
                missing.append(QStringLiteral("[%1] \"%2\"").arg(m.context, m.source));
        }
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY2(missing.isEmpty(),
                 qPrintable(QStringLiteral("%1 string(s) of the sources are not in %2 (run ninja -C build "
                                           "update_translations, then translate them):\n%3")
                                .arg(missing.size())
                                .arg(QFileInfo(path).fileName(), missing.mid(0, 40).join(u'\n'))));
    }
};

QTEST_GUILESS_MAIN(TestTranslations)
#include "tst_translations.moc"
