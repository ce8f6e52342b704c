#include "pluralforms.h"

#include <QCoreApplication>
#include <QTranslator>
#include <QVariant>

namespace gh {

void installEnglishPluralForms()
{
    auto *app = QCoreApplication::instance();
    if (!app || app->property("gh.pluralForms").toBool())
        return;
    auto *translator = new QTranslator(app);
    if (translator->load(QStringLiteral(":/i18n/gatehouse_en.qm"))) {
        QCoreApplication::installTranslator(translator);
        app->setProperty("gh.pluralForms", true);
    } else {
        delete translator;
    }
}

} // namespace gh
