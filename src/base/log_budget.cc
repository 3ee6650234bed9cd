#include "base/log_budget.h"

#include "base/log.h"

namespace vq {

bool LogBudget::take() {
    const auto now = std::chrono::steady_clock::now();
    uint64_t report = 0;
    bool ok = false;
    {
        std::lock_guard lock(mu_);
        if (now - window_ >= std::chrono::seconds(1)) {
            window_ = now;
            used_ = 0;
            report = suppressed_;
            suppressed_ = 0;
        }
        ok = used_ < per_second_;
        if (ok)
            ++used_;
        else
            ++suppressed_;
    }
    if (report > 0)
        VQ_LOG_WARN("LOG_SUPPRESSED what={} lines={} in_the_last_second_or_more", what_, report);
    return ok;
}

}  // namespace vq
