#pragma once

#include <functional>
#include <memory>

#include <QHash>
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
    //! References resolve against \a manifestPath's folder inside \a package; archives the manifest points
    //! into are opened with the limits and cancel flag of \a options.
    static ManifestFiles inPackage(const Package &package, const QString &manifestPath,
                                   const IntakeOptions &options = {});
    //! References resolve against the folder of \a document, or against its original URL if it has one.
    static ManifestFiles besideDocument(const Document &document, const IntakeOptions &options = {});

    //! The manifest, as messages name it ("mets.xml" in a package, the full path of a document).
    QString manifestName() const { return m_manifestName; }
    //! The package the manifest is in, or null for a standalone document.
    const Package *package() const { return m_package; }

    /*!
        Fills \a file's source, name (the last segment of the reference) and, for bad references, status and
        error. \a line is the manifest line that lists it. Returns the package member's path when the
        reference names one (present or not), so the caller can tell listed members from unlisted ones.

        A reference may point into an archive that is itself a member (or, for a standalone manifest, a file
        beside it): \c images.zip#page1.tif, or a path that goes through the archive, \c images.zip/page1.tif.
        The archive is opened (once per manifest) and the file located inside it; a member it does not hold
        is \c missing, an archive that cannot be opened gives the reason. The archive's own path is returned
        then, so it is not listed again as an unlisted member.
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
    //! Splits a reference into the archive it goes through and the member inside it, when \a exists says
    //! which prefix is a file: "a.zip#x.tif" or "a.zip/x.tif" → {"a.zip", "x.tif"}; empty when neither.
    static std::pair<QString, QString> splitArchivePath(const QString &path,
                                                        const std::function<bool(const QString &)> &exists);
    //! Locates \a member of the archive \a archivePath (a package member, or a path on disk for a
    //! standalone manifest) into \a file.
    void locateInArchive(const QString &archivePath, const QString &member, const QString &where,
                         FileDraft &file) const;

    const Package *m_package = nullptr;
    IntakeOptions m_options;
    //! Archives opened by references, by path; shared by copies, which are the same manifest's.
    std::shared_ptr<QHash<QString, std::shared_ptr<Result<std::unique_ptr<Package>>>>> m_archives =
        std::make_shared<QHash<QString, std::shared_ptr<Result<std::unique_ptr<Package>>>>>();
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
