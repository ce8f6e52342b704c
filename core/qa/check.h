#pragma once

#include <memory>
#include <optional>

#include <QByteArray>
#include <QCoreApplication>
#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QString>

#include "catalog/checkrecords.h"
#include "intake/xml/safexml.h"
#include "jp2structure.h"
#include "model/finding.h"
#include "model/records.h"
#include "qaprofile.h"
#include "schemaset.h"

namespace gh {

class ImageAnalyser;

/*!
    \class gh::CheckEnvironment
    What every check of one run shares, read-only while the run lasts and safe to read from any thread: the
    batch, the QA profile, the schemas (if any) and the image analyser (if the process has one).
*/
struct CheckEnvironment
{
    Q_DECLARE_TR_FUNCTIONS(gh::CheckEnvironment)

public:
    BatchRecord batch; //!< Id, name, source and what intake detected; no counts.
    QaProfile profile;
    std::shared_ptr<const SchemaSet> schemas; //!< Null when no schemas are configured or they failed to open.
    QString schemasProblem;                   //!< Why there are none, for the batch's note.
    std::shared_ptr<const ImageAnalyser> analyser; //!< Null in a process without image decoding.
    //! Whether a check of the run reads XML files' trees (Check::readsXmlTree()); when none does,
    //! xml-wellformed and xml-schema read each file in one pass without building its tree.
    bool xmlTreeNeeded = true;

    //! Whether intake read the batch as a newspaper batch (the layout page checks are defined for).
    bool isNewspaper() const;
    //! Where \a file is, for messages: its path inside the batch's source, else its URL, else item/name.
    QString displayPath(const FileRecord &file) const;
    //! displayPath(), with ", line N" when \a line is positive.
    QString where(const FileRecord &file, int line = 0) const;
};

/*!
    \class gh::FindingSink
    Where one check reports what it found. Findings get the check's name and severity (the profile may
    override it), and the file, item and batch they concern. A check across files also says which files it
    judged, so each of them gets its PREMIS event.
*/
class FindingSink
{
public:
    FindingSink(const CheckEnvironment &environment, const QString &check, FindingSeverity severity);

    //! The file the per-file pass is looking at; report() without a file concerns it.
    void setSubject(const FileRecord *file);

    void report(const QString &message, int line = 0);
    void report(FindingSeverity severity, const QString &message, int line = 0);
    //! A finding about \a file (checks across files).
    void reportOn(const FileRecord &file, const QString &message, int line = 0);
    void reportOn(const FileRecord &file, FindingSeverity severity, const QString &message, int line = 0);
    //! A finding about an item as a whole.
    void reportOnItem(const ItemRecord &item, const QString &message);
    //! A finding about the batch as a whole (a check that was skipped, and why).
    void reportOnBatch(FindingSeverity severity, const QString &message);
    //! Notes that the check judged \a file, found wanting or not (checks across files).
    void judged(const FileRecord &file);
    //! In the per-file pass: the check turned out not to apply to the subject after all (an XML file whose
    //! namespace has no schema), so it gets no event.
    void notApplicable() { m_notApplicable = true; }
    bool isNotApplicable() const { return m_notApplicable; }

    const QString &check() const { return m_check; }
    const CheckEnvironment &environment() const { return m_environment; }
    const QList<FindingRecord> &findings() const { return m_findings; }
    QList<FindingRecord> takeFindings() { return std::exchange(m_findings, {}); }
    //! The files judged, as (file id, item id), in the order first judged.
    const QList<std::pair<qint64, qint64>> &judgedFiles() const { return m_judged; }

private:
    void add(qint64 itemId, qint64 fileId, FindingSeverity severity, const QString &message, int line);

    const CheckEnvironment &m_environment;
    QString m_check;
    FindingSeverity m_severity;
    std::optional<FindingSeverity> m_override;
    const FileRecord *m_subject = nullptr;
    bool m_notApplicable = false;
    QList<FindingRecord> m_findings;
    QList<std::pair<qint64, qint64>> m_judged;
    QSet<qint64> m_judgedIds;
};

/*!
    \class gh::CheckSubject
    One file as the per-file checks see it. What several checks need is worked out once and shared: the
    first bytes, the parsed XML (through the safe reader), the JPEG 2000 structure, the image statistics of
    one reduced decode (or the ones kept from an earlier run when the content is the same). Checks record
    the facts the checks across files compare in facts(). A subject belongs to one thread.
*/
class CheckSubject
{
    Q_DECLARE_TR_FUNCTIONS(gh::CheckSubject)

public:
    /*!
        \a path is where the stored copy can be read on this machine, empty when the file has no bytes here
        (not fetched, missing, empty). \a kept are statistics an earlier run kept for the file.
    */
    CheckSubject(const CheckEnvironment &environment, const FileRecord &file, const QString &path,
                 std::optional<ImageStatistics> kept = std::nullopt);
    ~CheckSubject();
    CheckSubject(const CheckSubject &) = delete;
    CheckSubject &operator=(const CheckSubject &) = delete;

    const CheckEnvironment &environment() const { return m_environment; }
    const FileRecord &file() const { return m_file; }
    QString path() const { return m_path; }
    //! Whether there are bytes to read: a stored copy that is not empty.
    bool hasContent() const;
    //! environment().where(file(), line).
    QString where(int line = 0) const;
    //! The file's name, lower-cased, for suffix tests.
    const QString &lowerName() const { return m_lowerName; }

    //! The first 4 KiB of the content (empty without content).
    const QByteArray &head();
    //! Whether the file is XML, by its sniffed type, its name or its first bytes.
    bool isXml();
    //! The parsed document; call only when isXml(). Parsed once, through the safe reader.
    const Result<XmlDocument> &xml();
    //! Whether xml-wellformed and xml-schema use streamedXml(): no check of the run reads the tree and
    //! none has been built.
    bool streamsXml() const;
    /*!
        The file read once without a tree (XmlDocument::stream()) and, when the run has schemas, validated
        in the same pass; the error is the one xml() would give. Without schemas the outcome is NoSchema
        and only the namespace is set. Call only when isXml().
    */
    const Result<SchemaSet::Validation> &streamedXml();
    //! Whether the file is JPEG 2000, by content, sniffed type or name.
    bool isJpeg2000();
    //! The JPEG 2000 structure; call only when isJpeg2000(). Read once.
    const Jp2Structure &jp2();
    //! Whether the image analyser (if any) handles this file.
    bool isImage();
    //! The statistics of one reduced decode, or the kept ones for the same content; null when the file
    //! is not an image, has no content, or the process has no analyser.
    const ImageStatistics *image();
    //! Statistics decoded in this pass, to be kept in the catalog.
    std::optional<ImageStatistics> newImageStatistics() const;

    QJsonObject &facts() { return m_facts; }

private:
    const CheckEnvironment &m_environment;
    const FileRecord &m_file;
    QString m_path;
    QString m_lowerName;
    std::optional<QByteArray> m_head;
    std::optional<bool> m_isXml;
    std::optional<Result<XmlDocument>> m_xml;
    std::optional<Result<SchemaSet::Validation>> m_streamed;
    std::optional<bool> m_isJpeg2000;
    std::optional<Jp2Structure> m_jp2;
    std::optional<bool> m_isImage;
    std::optional<ImageStatistics> m_kept;
    std::optional<ImageStatistics> m_image;
    bool m_imageDecoded = false;
    QJsonObject m_facts;
};

class BatchPass;

/*!
    \class gh::Check
    One automatic QA check: a binding name (\c xml-schema), the severity of what it finds, and the work.
    A check looks at files one at a time in the per-file pass (appliesTo(), checkFile(): reentrant, called on
    any thread), and/or compares files across the batch afterwards (startBatch()), reading the facts the
    per-file pass recorded. Checks are registered in the CheckRegistry; the QA profile picks which run.
*/
class Check
{
public:
    virtual ~Check();
    //! The binding name: CLI output, catalog, profile keys, the \c check:NAME filter.
    virtual QString name() const = 0;
    //! The severity of its findings unless it says otherwise for one (the profile may override both).
    virtual FindingSeverity severity() const = 0;
    //! One translated sentence: what the check checks.
    virtual QString description() const = 0;
    //! The PREMIS event type of its per-file events.
    virtual QString eventType() const;

    //! Whether the per-file pass runs checkFile() on \a subject (and records an event for it).
    virtual bool appliesTo(CheckSubject &subject) const;
    virtual void checkFile(CheckSubject &subject, FindingSink &sink) const;
    //! A pass over the batch's items after the per-file pass, for checks across files; null for none.
    virtual std::unique_ptr<BatchPass> startBatch(const CheckEnvironment &environment) const;
    //! Facts this check records in the per-file pass without judging the file (for its batch pass).
    virtual void gatherFacts(CheckSubject &subject) const;
    //! Whether it reads XML files' parsed trees (CheckSubject::xml()), so the run builds them.
    virtual bool readsXmlTree() const;
};

/*!
    \class gh::BatchPass
    A check's pass over a batch's items, in catalog order, one item at a time; finish() reports what only
    the whole batch shows.
*/
class BatchPass
{
public:
    virtual ~BatchPass();
    virtual void item(const CheckedItem &item, FindingSink &sink) = 0;
    virtual void finish(FindingSink &sink);
};

/*!
    \class gh::ImageAnalyser
    Decodes images for the image checks; implemented above core (Gatehouse::Imaging), which links Qt Gui,
    and installed in the CheckRegistry at start-up. Reentrant: analyse() runs on many threads at once.
*/
class ImageAnalyser
{
public:
    virtual ~ImageAnalyser();
    //! Whether it decodes a file whose content starts with \a head and whose sniffed type is \a mimetype.
    virtual bool handles(const QByteArray &head, const QString &mimetype) const = 0;
    /*!
        Decodes \a path at a reduced size whose longer side is at least \a sampleSize (never a full decode
        of a large JPEG 2000 page) and measures it. A file that does not decode gives statistics whose
        error says why.
    */
    virtual ImageStatistics analyse(const QString &path, int sampleSize) const = 0;
};

} // namespace gh
