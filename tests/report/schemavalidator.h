#pragma once

#include <utility>

#include <QString>
#include <QStringList>

// Validates XML files against the published schemas with libxml2: the OASIS catalog of shared/schemas is
// loaded once, network access is refused, so every import resolves to the local copies or fails.
namespace gh::test {

QString schemasDir();
/*!
    Problems found validating \a xmlPath against the schemas \a xsds (paths relative to schemasDir(), with
    their target namespaces); empty when valid. Several schemas are combined by a wrapper schema that imports
    them all, the way a METS document carrying PREMIS is validated: METS takes its xmlData laxly, and with the
    PREMIS schema loaded as well every PREMIS element in it is checked in full.
*/
QStringList validateFile(const QString &xmlPath, const QList<std::pair<QString, QString>> &xsds);

} // namespace gh::test
