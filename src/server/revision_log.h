#pragma once
// The server's model revisions: every accepted SoT load gets the next number and is pushed
// to every subscriber (the agents), in order. Keeps the newest `keep` revisions in memory,
// by default only the newest: a 100,000-host model is large, and whoever still serves an
// older one holds it itself. Durable revisions and pinning belong to the store.

#include <cstdint>
#include <map>
#include <mutex>
#include <vector>

#include "control/links.h"

namespace vq::server {

class RevisionLog : public control::RevisionFeed {
public:
    explicit RevisionLog(size_t keep = 1) : keep_(keep == 0 ? 1 : keep) {}

    // Numbers and publishes a new revision; returns it.
    control::RevisionPtr publish(std::shared_ptr<const model::Model> model,
                                 std::string source_id,
                                 std::string commit = {});
    // A kept revision by number, or null.
    control::RevisionPtr find(uint64_t number) const;

    control::RevisionPtr latest() const override;
    uint64_t subscribe(OnRevision on_revision) override;
    void unsubscribe(uint64_t id) override;

private:
    // publish_mu_ orders publications and subscriptions, so a subscriber sees every
    // revision once, in order; mu_ guards the data for readers.
    std::mutex publish_mu_;
    mutable std::mutex mu_;
    size_t keep_;
    uint64_t next_number_ = 1;
    uint64_t next_subscriber_ = 1;
    std::vector<control::RevisionPtr> kept_;  // oldest first
    std::map<uint64_t, OnRevision> subscribers_;
};

}  // namespace vq::server
