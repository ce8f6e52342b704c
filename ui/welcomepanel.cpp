#include "welcomepanel.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QGridLayout>
#include <QLabel>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

namespace gh {

namespace {

QPushButton *bigButton(QWidget *parent, QStyle::StandardPixmap icon, const QString &text, const QString &name)
{
    auto *button = new QPushButton(parent->style()->standardIcon(icon), text, parent);
    button->setObjectName(name);
    button->setMinimumHeight(button->fontMetrics().height() * 2 + 8);
    button->setIconSize(QSize(24, 24));
    return button;
}

QLabel *hint(QWidget *parent, const QString &text)
{
    auto *label = new QLabel(text, parent);
    label->setWordWrap(true);
    label->setForegroundRole(QPalette::PlaceholderText);
    return label;
}

} // namespace

WelcomePanel::WelcomePanel(QWidget *parent)
    : QWidget(parent)
    , m_hotFolder(new QLabel(this))
    , m_sample(new QLabel(this))
{
    setObjectName(QStringLiteral("welcomePanel"));
    setAccessibleName(tr("Welcome"));
    auto *outer = new QVBoxLayout(this);
    outer->addStretch(1);

    auto *column = new QWidget(this);
    column->setMaximumWidth(640);
    auto *layout = new QVBoxLayout(column);

    auto *title = new QLabel(tr("Welcome to Gatehouse"), column);
    QFont big = title->font();
    big.setPointSizeF(big.pointSizeF() * 1.6);
    big.setBold(true);
    title->setFont(big);
    layout->addWidget(title);
    layout->addWidget(hint(column, tr("Take a delivery into the archive: Gatehouse copies or downloads every "
                                      "file into the store, checks it against the checksums that came with "
                                      "it, and shows you every problem before anything goes further.")));
    layout->addSpacing(12);

    auto *grid = new QGridLayout;
    grid->setColumnStretch(1, 1);
    int row = 0;
    auto add = [&](QPushButton *button, const QString &text) {
        grid->addWidget(button, row, 0);
        grid->addWidget(hint(column, text), row++, 1);
    };
    QPushButton *folder =
        bigButton(column, QStyle::SP_DirOpenIcon, tr("Open &Folder…"), QStringLiteral("welcomeOpenFolder"));
    add(folder, tr("A folder of files, a newspaper batch, a BagIt bag or a METS package."));
    QPushButton *file =
        bigButton(column, QStyle::SP_FileIcon, tr("Open F&ile…"), QStringLiteral("welcomeOpenFile"));
    add(file, tr("A zip, tar or 7z archive, a IIIF or METS manifest, a spreadsheet or a list of URLs."));
    QPushButton *web = bigButton(column, QStyle::SP_DriveNetIcon, tr("Open &Web Address…"),
                                 QStringLiteral("welcomeOpenWeb"));
    add(web, tr("A IIIF manifest or collection on the web."));
    QPushButton *hot = bigButton(column, QStyle::SP_FileDialogContentsView, tr("&Watch a Folder…"),
                                 QStringLiteral("welcomeHotFolder"));
    m_hotFolder->setWordWrap(true);
    m_hotFolder->setForegroundRole(QPalette::PlaceholderText);
    grid->addWidget(hot, row, 0);
    grid->addWidget(m_hotFolder, row++, 1);
    layout->addLayout(grid);
    layout->addSpacing(12);

    m_sample->setObjectName(QStringLiteral("welcomeSample"));
    m_sample->setTextFormat(Qt::RichText);
    m_sample->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
    m_sample->setWordWrap(true);
    layout->addWidget(m_sample);
    layout->addWidget(
        hint(column, tr("You can also drop a folder, a file or a web address on this window.")));

    auto *centre = new QHBoxLayout;
    centre->addStretch(1);
    centre->addWidget(column, 4);
    centre->addStretch(1);
    outer->addLayout(centre);
    outer->addStretch(2);

    connect(folder, &QPushButton::clicked, this, &WelcomePanel::openFolderRequested);
    connect(file, &QPushButton::clicked, this, &WelcomePanel::openFileRequested);
    connect(web, &QPushButton::clicked, this, &WelcomePanel::openWebAddressRequested);
    connect(hot, &QPushButton::clicked, this, &WelcomePanel::hotFolderRequested);
    connect(m_sample, &QLabel::linkActivated, this, [this] { emit sampleRequested(m_sampleDir); });
    setHotFolder({});
    setSampleDir(findSample());
}

void WelcomePanel::setHotFolder(const QString &dir)
{
    m_hotFolder->setText(
        dir.isEmpty() ? tr("New deliveries copied into a watched folder are loaded and checked on their "
                           "own. No folder is watched now.")
                      : tr("Watching %1: new deliveries there are loaded and checked on their own.")
                            .arg(QDir::toNativeSeparators(dir)));
}

void WelcomePanel::setSampleDir(const QString &dir)
{
    m_sampleDir = dir;
    m_sample->setVisible(!dir.isEmpty());
    m_sample->setText(tr("New to Gatehouse? <a href=\"sample\">Open the sample batch</a>: a box of postcards "
                         "with checksum sidecars, one of them deliberately wrong."));
}

QString WelcomePanel::findSample()
{
    const QDir app(QCoreApplication::applicationDirPath());
    for (const QString &relative : {QStringLiteral("../sample/postcards-1923"),
                                    QStringLiteral("../share/gatehouse/sample/postcards-1923")}) {
        const QFileInfo candidate(app.filePath(relative));
        if (candidate.isDir())
            return candidate.canonicalFilePath();
    }
    return {};
}

} // namespace gh
