#pragma once

#include <atomic>
#include <functional>
#include <memory>

#include <QCoreApplication>
#include <QJsonObject>

#include "catalog/itemcache.h"
#include "deliverygate.h"
#include "targetdelivery.h"
#include "uploadplan.h"

namespace gh {

class BitStore;
class Catalog;

/*!
    \class gh::UploadPreview
    What an upload would do, without sending anything: for every file a target takes, the name it would get,
    the page text and summary (wikis), the conversion rule that would apply, and what the target holds under
    that name now. Files with a conversion rule are looked up by name only (their bytes exist only once
    converted). Used by \c upload --dry-run and by the GUI's preview of a file.

    Each file gives one JSON object:
    \code
    {"file": 12, "item": "rec-17", "path": "scans/p1.jp2", "target": "mediawiki:https://…/api.php",
     "name": "Harbour - rec-17 (page 1).jpg", "derive": "image/jp2=image/jpeg:q90:4000",
     "text": "== {{int:filedesc}} ==…", "summary": "…", "state": "would-upload", "message": "…"}
    \endcode
    with \c state one of \c would-upload, \c already-there, \c needs-decision (name taken or bytes
    elsewhere), \c name-exists (a converted file whose name is taken: the bytes decide once converted), or
    \c failed (no usable name).
*/
class UploadPreview
{
    Q_DECLARE_TR_FUNCTIONS(gh::UploadPreview)

public:
    UploadPreview(Catalog &catalog, BitStore &store, qint64 batchId, const UploadSettings &settings);

    //! Previews every file of \a route; \a sink gets one object per file, in file order.
    Status run(Target &target, const TargetRoute &route, const std::function<void(const QJsonObject &)> &sink,
               const std::shared_ptr<std::atomic_bool> &cancel = {});
    //! The preview of one file for \a route (the GUI's preview pane).
    Result<QJsonObject> file(Target &target, const TargetRoute &route, qint64 fileId);

    //! What a preview's \c state key means, in words for the curator ("Would be uploaded").
    static QString stateText(const QString &key);

    //! The delivery options a run of \a settings uses for \a target (title template, page text, rules).
    static Result<DeliveryOptions> deliveryOptions(const UploadSettings &settings, const Target &target,
                                                   qint64 batchId, const QString &batchName,
                                                   const QString &workDir);

private:
    //! \a gates: what the upload would be held to (the duplicate decisions), applied as the upload does.
    Status previewGroup(Target &target, const DeliveryOptions &options, const DeliveryGates &gates,
                        QList<DeliveryItem> &items, const std::function<void(const QJsonObject &)> &sink);

    Catalog &m_catalog;
    BitStore &m_store;
    qint64 m_batchId;
    UploadSettings m_settings;
    QString m_batchName;
    ItemCache m_items{m_catalog};
};

} // namespace gh
