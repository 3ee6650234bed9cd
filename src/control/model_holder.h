#pragma once
// The current model: an immutable snapshot swapped whole. Readers take a shared_ptr copy
// for the length of one request, so a reload never changes a model under a request and
// never drops one.

#include <memory>
#include <mutex>

#include "model/model.h"

namespace vq::control {

class ModelHolder {
public:
    std::shared_ptr<const model::Model> get() const {
        std::lock_guard lock(mu_);
        return model_;
    }
    void set(std::shared_ptr<const model::Model> m) {
        std::lock_guard lock(mu_);
        model_.swap(m);
        // The old snapshot (in m) is released outside no lock-sensitive path: readers hold
        // their own references.
    }

private:
    mutable std::mutex mu_;
    std::shared_ptr<const model::Model> model_;
};

}  // namespace vq::control
