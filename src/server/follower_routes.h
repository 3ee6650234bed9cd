#pragma once
// What a server that does not lead (Etcd.HA) does with each ServerAPI call an agent makes.
// Login, revisions and bundles it answers itself, from the revisions the leader stored in
// etcd (follower_revisions.h). Everything else it forwards to the leader's ServerAPI (the
// endpoint the leader publishes in <Root>/leader, leader_record.h), with the agent's session
// token, and relays the answer. Calls that change state or hand out work (events,
// checkpoints, tasks and their results) are leader-only: the follower sends them once and
// answers 503 when the leader does not answer, so the agent keeps them (a checkpoint is
// acknowledged only once the leader stored it). The manifest (computed from the leader's
// state engine) is a read: sent again once to a freshly read leader when the first is gone,
// as are the answered-here reads when a follower is set up without them.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "server/leader_record.h"

namespace vq::server {

struct ForwardRule {
    bool known = false;          // a ServerAPI route
    bool leader_only = false;    // changes state or hands out work: sent at most once
    bool long_poll = false;      // the leader may hold it up to its `wait` query (seconds)
    bool answered_here = false;  // from what the leader stored in etcd
    std::string_view content_type = "application/json";  // of the leader's answer
};

ForwardRule forwardRule(std::string_view path);

// How long to wait for the leader's answer: a long poll's `wait` (capped by the watch
// timeout, which is also what the leader applies when `wait` is absent or 0), plus a margin
// for the exchange itself; other calls get the margin only.
std::chrono::milliseconds forwardTimeout(const ForwardRule& rule,
                                         std::optional<uint64_t> wait_s,
                                         std::chrono::milliseconds watch_timeout);

// Where a call goes: the leader's ServerAPI, or why it cannot (the 503's reason).
struct ForwardTarget {
    std::optional<Endpoint> endpoint;
    std::string why_not;
};

// `leader_value` is <Root>/leader's value (empty: nobody leads); `self_id` is this server's
// id: a leader that is this very server is taking over, and its follower listener must not
// send calls to itself.
ForwardTarget forwardTarget(std::string_view leader_value, std::string_view self_id);

}  // namespace vq::server
