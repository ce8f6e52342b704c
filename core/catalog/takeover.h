#pragma once

#include <QSet>
#include <QString>

#include "model/stage.h"
#include "util/result.h"

namespace gh {

class Catalog;

/*!
    \page takeover
    Files taken over from another process. A process that dies after storing a file's bytes but before
    recording it leaves an object nobody knows of; whoever takes the file over must look for it before
    sending the bytes again, or they are sent twice. Catalog::claimFiles() names, in ClaimedPage::takenOver,
    the files whose lease belonged to another owner (one that ran out, or that expireLeases() ended) when it
    took them; a file claimed fresh is not among them. FileStage::takeTakenOver() collects them for the stage.
*/

/*!
    Lets every lease \a owner holds on \a stage of batch \a batchId run out at once (a process on this
    machine that is gone): the files become claimable, and their claim sees that they were someone else's.
*/
Status expireLeases(Catalog &catalog, qint64 batchId, Stage stage, const QString &owner);

} // namespace gh
