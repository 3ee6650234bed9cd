#include "etcd/transport.h"

namespace vq::etcd {

void StreamCancel::cancel() {
    std::function<void()> fn;
    {
        std::lock_guard lock(mu_);
        cancelled_ = true;
        fn = fn_;
    }
    if (fn)
        fn();
}

bool StreamCancel::cancelled() const {
    std::lock_guard lock(mu_);
    return cancelled_;
}

void StreamCancel::onCancel(std::function<void()> fn) {
    std::lock_guard lock(mu_);
    fn_ = std::move(fn);
}

}  // namespace vq::etcd
