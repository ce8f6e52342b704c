#include "transferoptions.h"

namespace gh {

HttpEngineOptions TransferOptions::engineOptions() const
{
    HttpEngineOptions o;
    o.jobs = jobs;
    o.perHost = perHost;
    o.userAgent = userAgent;
    o.contact = contact;
    o.connectTimeoutMs = connectTimeoutMs;
    o.lowSpeedLimit = lowSpeedLimit;
    o.lowSpeedSeconds = lowSpeedSeconds;
    o.caBundle = caBundle;
    return o;
}

RetryPolicy TransferOptions::retryPolicy() const
{
    RetryPolicy p;
    p.maxAttempts = maxAttempts;
    p.backoffBaseMs = backoffBaseMs;
    p.backoffMaxMs = backoffMaxMs;
    p.retryAfterMaxMs = retryAfterMaxMs;
    return p;
}

} // namespace gh
