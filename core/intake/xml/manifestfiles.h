#pragma once

#include <QSet>

#include "intake/package.h"
#include "safexml.h"

namespace gh {

/*!
    \class gh::ManifestFiles
    Where the files a manifest (METS, IMS CP) lists are: members of the package the manifest came in, files
    beside a standalone manifest on disk, or URLs relative to a manifest that was downloaded. resolve() turns
    one reference into a FileDraft with its source filled in, or with a status and an error naming the
    manifest and line when intake already knows the file is bad: \c missing (not in the package),
    \c unsafe-path (absolute, or leaving the manifest's folder) or \c unsupported (a scheme Gatehouse cannot
    fetch). Remote references (http, https) become source URLs for the fetch stage.
*/
class ManifestFiles
{
    Q_DECLARE_TR_FUNCTIONS(gh::ManifestFiles)

public:
    //! References resolve against \a manifestPath's folder inside \a package.
    static ManifestFiles inPackage(const Package &package, const QString &manifestPath);
    //! References resolve against the folder of \a document, or against its original URL if it has one.
    static ManifestFiles besideDocument(const Document &document);

    //! The manifest, as messages name it ("mets.xml" in a package, the full path of a document).
    QString manifestName() const { return m_manifestName; }
    //! The package the manifest is in, or null for a standalone document.
    const Package *package() const { return m_package; }

    /*!
        Fills \a file's source, name (the last segment of the reference) and, for bad references, status and
        error. \a line is the manifest line that lists it. Returns the package member's path when the
        reference names one (present or not), so the caller can tell listed members from unlisted ones.
    */
    QString resolve(const QString &href, int line, FileDraft &file) const;

    /*!
        Package members that no reference named, as FileDrafts named by their path (members the package
        refused keep their status). Operating-system litter and the manifest itself are left out. Empty for a
        standalone document, whose folder is not the manifest's to list.
    */
    QList<FileDraft> unlisted(const QSet<QString> &referenced) const;

    //! The manifest itself as a file, so it is archived with what it describes.
    FileDraft manifestFile() const;
    //! The manifest's file name without folders ("mets.xml").
    QString manifestFileName() const;

private:
    const Package *m_package = nullptr;
    QString m_manifestPath; //!< In the package, or absolute.
    QString m_manifestName;
    QString m_baseDir;      //!< Package-relative folder ("" for the root), or an absolute folder.
    QString m_canonicalDir; //!< For documents: the folder with links resolved, to keep references inside it.
    QString m_baseUrl;      //!< For documents that were downloaded.
};

//! Reads a standalone XML document for an ingester, refusing files over XmlDocument's size limit.
Result<XmlDocument> readXmlDocument(const QString &path);

//! The single top-level folder all of \a package's members are in ("book1" for a zip of a folder), or "".
QString singleTopLevelFolder(const Package &package);

//! A file name that is safe on every platform: no separators, reserved characters or control characters,
//! no leading or trailing dots and spaces, at most \a maxLength characters. Empty in, empty out.
QString sanitizeFileName(const QString &name, int maxLength = 120);

//! Makes \a name unique among \a taken by adding "-2", "-3", … before its extension; records the result.
QString uniqueFileName(const QString &name, QSet<QString> &taken);

} // namespace gh
