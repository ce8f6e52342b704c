#pragma once

#include <atomic>
#include <memory>
#include <optional>

#include <QCoreApplication>
#include <QJsonObject>

#include "derivative.h"
#include "mediawiki/pagetext.h"
#include "nametemplate.h"
#include "target.h"

namespace gh {

class BitStore;

/*!
    \class gh::DeliveryOptions
    How one run delivers files to one target.
*/
struct DeliveryOptions
{
    QString batchName;
    qint64 batchId = 0;
    NameTemplate titleTemplate; //!< Empty: the target's own default.
    PageText page;              //!< MediaWiki page text, summary and categories.
    QList<DerivativeRule> derive;
    std::shared_ptr<DerivativeConverter> converter; //!< Needed when derive has rules.
    QString workDir; //!< Where derivatives are made and resumable uploads keep their state.
    //! Curator decisions (or rules) to send despite warnings, by file id.
    QSet<qint64> ignoreWarnings;
};

/*!
    \class gh::DeliveryItem
    One file on its way to one target, and where it ended up.
*/
struct DeliveryItem
{
    FileRecord file;
    ItemRecord item;
    int page = 1;  //!< Position among the item's files that go to this target.
    int pages = 1; //!< How many of the item's files go to this target.

    // Filled by prepare().
    QString remoteName;
    UploadSource source;
    std::optional<Derivative> derivative;
    QString ruleText; //!< The conversion rule applied, if any.
    QString pageText;
    QString summary;

    // Filled by lookUp(), send() and verify().
    TargetState state = TargetState::Pending;
    QString message;
    QJsonObject reported;
    bool verified = false;
    bool transient = false;
    bool fatal = false;
    //! lookUp() found nothing under our name: bytes there after our request are ours.
    bool nameWasFree = false;
    QList<EventRecord> events;

    //! What was (or is to be) sent: the derivative's digests where there is one.
    Digests sentDigests() const { return derivative ? derivative->digests : file.digests; }
    qint64 sentSize() const { return derivative ? derivative->size : file.size; }
    //! "item/name" for messages and the transfers view.
    QString label() const { return file.item + u'/' + file.name; }
};

/*!
    \class gh::UploadJournal
    Where interrupted uploads keep what they need to continue (a wiki's stash key and offset), one small JSON
    file per file and target, written atomically after every chunk; a later run reads it back.
*/
class UploadJournal
{
public:
    UploadJournal(const QString &workDir, const QString &targetSpec);
    QJsonObject load(qint64 fileId) const;
    void save(qint64 fileId, const QJsonObject &state) const;
    void remove(qint64 fileId) const;
    /*!
        A mark that this file's bytes are on their way to the target, set before sending and cleared once
        the catalog records the outcome (settled()): a run that finds our bytes under our name while the
        mark is there knows that an interrupted run of its own delivered them (uploaded, not already there
        before us: a rejection withdraws them).
    */
    void markSending(qint64 fileId) const;
    bool wasSending(qint64 fileId) const;
    void settled(qint64 fileId) const;
    QString dir() const { return m_dir; }

private:
    QString path(qint64 fileId) const;
    QString markPath(qint64 fileId) const;
    QString m_dir;
};

/*!
    \class gh::TargetDelivery
    What the upload stage does with each file for one target, in the order it does it, each step callable
    from worker threads:

    \list 1
    \li prepare(): the conversion rule's derivative, if one applies (recorded with a PREMIS \c creation
        event that links it to the original), the remote name from the title or key template, and the
        page text.
    \li lookUp(): asks the target, for many files at once, whether it holds these bytes under our name
        (already there, nothing sent), our name holds other bytes, or our bytes live elsewhere (needs a
        decision); otherwise the file is to be sent. After a crash the next run asks again before sending.
    \li send(): uploads, resumably; warnings become outcomes, never ignored unless decided.
    \li verify(): reads back what the target holds for many files at once; a difference is
        \c target-mismatch, never success.
    \endlist

    Each step appends PREMIS events (\c creation, \c transfer, \c fixity check) with the target in the
    detail.
*/
class TargetDelivery
{
    Q_DECLARE_TR_FUNCTIONS(gh::TargetDelivery)

public:
    TargetDelivery(Target &target, BitStore &store, const DeliveryOptions &options);

    Target &target() const { return m_target; }
    const DeliveryOptions &options() const { return m_options; }

    //! Makes the derivative, the name and the page text. A failure marks the item failed. Without
    //! \a convert, a file a rule applies to is named as its derivative would be, but nothing is converted
    //! (previews).
    void prepare(DeliveryItem &item, const std::shared_ptr<std::atomic_bool> &cancel,
                 bool convert = true) const;
    //! Settles what the target already has; items left Pending are to be sent. Fails when the target cannot
    //! be asked at all.
    Status lookUp(const QList<DeliveryItem *> &items, const std::shared_ptr<std::atomic_bool> &cancel) const;
    //! Sends one item (state Pending after lookUp()).
    void send(DeliveryItem &item, const std::function<void(qint64, qint64)> &progress,
              const std::shared_ptr<std::atomic_bool> &cancel) const;
    //! Checks the items that send() left Uploaded.
    Status verify(const QList<DeliveryItem *> &items) const;
    //! Removes a derivative's temporary file.
    static void cleanUp(DeliveryItem &item);
    //! The catalog recorded \a fileId's outcome at this target: its sending mark goes.
    void settled(qint64 fileId) const { m_journal.settled(fileId); }

    //! A PREMIS event about \a item's file.
    static EventRecord event(const DeliveryItem &item, const QString &type, const QString &outcome,
                             const QString &detail);

private:
    Target &m_target;
    BitStore &m_store;
    DeliveryOptions m_options;
    UploadJournal m_journal;
};

} // namespace gh
