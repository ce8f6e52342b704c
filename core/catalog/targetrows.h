#pragma once

#include <QList>

#include "model/filestate.h"
#include "util/result.h"

namespace gh {

class Catalog;

/*!
    Upserts \a targets (the file_targets rows) in the transaction the caller holds on \a catalog: what
    Catalog::recordTargets() does in a transaction of its own, for a caller that writes more in the same one
    (the upload settles the duplicate decisions it carried out with the rows that say so). Kept out of
    catalog.h so that the header every module includes stays as it is.
*/
Status writeTargetRows(Catalog &catalog, const QList<FileTargetRecord> &targets);

} // namespace gh
