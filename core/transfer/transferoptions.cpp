#include "transferoptions.h"

#include "util/version.h"

namespace gh {

QString TransferOptions::effectiveUserAgent() const
{
    if (!userAgent.isEmpty())
        return userAgent;
    // Crawler discipline: say who we are and how to reach whoever runs this.
    return QStringLiteral("Gatehouse/%1 (archival ingest; +%2)").arg(versionString(), contact);
}

} // namespace gh
