#pragma once
// The server's model revisions: every accepted SoT load gets the next number and is pushed
// to every subscriber (the agents), in order. Keeps the newest `keep` revisions in memory,
// by default only the newest: a 100,000-host model is large, and whoever still serves an
// older one holds it itself. Older revisions some host is pinned to come from `older`
// (the server keeps them, and loads them from the store after a restart).

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <vector>

#include "control/links.h"

#include "base/result.h"

namespace vq::server {

class RevisionLog : public control::RevisionFeed {
public:
    explicit RevisionLog(size_t keep = 1) : keep_(keep == 0 ? 1 : keep) {}

    // Before any publication (at start). The next number handed out: numbers survive
    // restarts, never reused.
    void setNextNumber(uint64_t next);
    // Where numbers come from (the store: durable before a number is used, so none is
    // handed out twice, also across restarts); given the log's own next number as a floor.
    // Without it numbers are counted in memory. A refusal publishes nothing.
    void setNumbering(std::function<Result<uint64_t>(uint64_t at_least)> fn);
    // Makes `rev` (already numbered, e.g. the stored revision the SoT still equals) the
    // latest, without telling subscribers (there are none yet).
    void adopt(control::RevisionPtr rev);
    // Called with every new revision, numbered, before any subscriber sees it (to store it).
    void setBeforePublish(std::function<void(const control::ModelRevision&)> fn);
    // Where revision() looks for numbers no longer kept here.
    void setOlder(std::function<control::RevisionPtr(uint64_t)> fn);

    // Numbers and publishes a new revision; returns it, or null when no number could be
    // had (nothing is published: the caller tries again later). `files`: what the model was
    // loaded from, when the caller has them (see ModelRevision::files).
    control::RevisionPtr publish(std::shared_ptr<const model::Model> model,
                                 std::string source_id,
                                 std::string commit = {},
                                 std::shared_ptr<const std::vector<NamedFile>> files = nullptr);
    // A kept revision by number, or null.
    control::RevisionPtr find(uint64_t number) const;

    control::RevisionPtr latest() const override;
    control::RevisionPtr revision(uint64_t number) const override;
    uint64_t subscribe(OnRevision on_revision) override;
    // As subscribe(), but told after every subscribe()r: for slow work (planning a rollout
    // over every host) that must not delay what agents are told.
    uint64_t subscribeLast(OnRevision on_revision);
    void unsubscribe(uint64_t id) override;

private:
    uint64_t add(OnRevision on_revision, std::map<uint64_t, OnRevision>& to);
    // publish_mu_ orders publications and subscriptions, so a subscriber sees every
    // revision once, in order; mu_ guards the data for readers.
    std::mutex publish_mu_;
    mutable std::mutex mu_;
    size_t keep_;
    uint64_t next_number_ = 1;
    uint64_t next_subscriber_ = 1;
    std::vector<control::RevisionPtr> kept_;  // oldest first
    std::map<uint64_t, OnRevision> subscribers_, last_subscribers_;
    std::function<void(const control::ModelRevision&)> before_publish_;
    std::function<control::RevisionPtr(uint64_t)> older_;
    std::function<Result<uint64_t>(uint64_t)> numbering_;
};

}  // namespace vq::server
