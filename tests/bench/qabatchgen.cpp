// gatehouse-qabatchgen OUT_DIR PAGES [WIDTH HEIGHT RATIO ALTO_LINES]: a clean newspaper batch for the check
// benchmark (tests/bench/check.sh), made by the same generator as the QA tests: JPEG 2000 pages from
// opj_compress, MIX/MODS/ALTO valid against the published schemas, an .md5 beside every file. Pages are
// spread over editions of 20.

#include <QCoreApplication>
#include <QThread>

#include "newspaperbatch.h"

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 3) {
        qCritical("usage: gatehouse-qabatchgen OUT_DIR PAGES [WIDTH HEIGHT RATIO ALTO_LINES]");
        return 2;
    }
    gh::test::NewspaperBatch::Spec spec;
    const int pages = args[2].toInt();
    spec.width = args.value(3, QStringLiteral("4000")).toInt();
    spec.height = args.value(4, QStringLiteral("5000")).toInt();
    spec.compressionRatio = args.value(5, QStringLiteral("20")).toInt();
    spec.altoLines = args.value(6, QStringLiteral("750")).toInt();
    spec.encoderThreads = QThread::idealThreadCount();
    spec.pagesPerEdition = std::min(pages, 20);
    spec.editions.clear();
    for (int done = 0, e = 0; done < pages; done += spec.pagesPerEdition, ++e)
        spec.editions.append(QStringLiteral("1795-%1-%2-01")
                                 .arg(1 + e / 28, 2, 10, QLatin1Char('0'))
                                 .arg(1 + e % 28, 2, 10, QLatin1Char('0')));
    if (pages % spec.pagesPerEdition != 0 && pages > spec.pagesPerEdition) {
        qCritical("PAGES must be at most 20 or a multiple of 20");
        return 2;
    }
    gh::test::NewspaperBatch generator;
    QString error;
    const QString dir = generator.generate(args[1], spec, &error);
    if (dir.isEmpty()) {
        qCritical("%s", qPrintable(error));
        return 1;
    }
    printf("%s\n", qPrintable(dir));
    return 0;
}
