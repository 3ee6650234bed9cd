#pragma once
// Where the server and its agents meet. The agent asks its server for exactly four things,
// each a small interface defined here, below both: the model revision to serve, the state
// manifest (which boot each host is served now), somewhere to report what hosts did
// (events, checkpoints), and the tasks to run on its site. `standalone` implements them
// in-process (the server object itself); `server` and `agent` will implement them over
// HTTPS. server/ and agent/ never include each other.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "control/revision.h"

#include "base/event.h"
#include "base/result.h"
#include "model/model.h"

namespace vq::control {

// Model revisions, pushed. The agent subscribes once; `onRevision` is called with the
// newest revision at once (when there is one) and then with every revision accepted after
// it, in order, from the publisher's thread: it must be quick and must not call back.
class RevisionFeed {
public:
    using OnRevision = std::function<void(const RevisionPtr&)>;
    virtual ~RevisionFeed() = default;
    virtual RevisionPtr latest() const = 0;  // null before the first accepted load
    // A revision by number, for hosts pinned to one older than the latest; null when it is
    // unknown (the caller serves the latest). Implementations that keep only the latest may
    // leave this as it is.
    virtual RevisionPtr revision(uint64_t number) const {
        RevisionPtr r = latest();
        return r && r->number == number ? r : nullptr;
    }
    // Returns a subscription id for unsubscribe().
    virtual uint64_t subscribe(OnRevision on_revision) = 0;
    virtual void unsubscribe(uint64_t id) = 0;
};

// Which boot of its workflow a host is served now, and from which revision: a host is
// pinned to the revision it is being provisioned (or was provisioned) from, so a host in
// the middle of an install never gets a half-new config.
struct ServedBoot {
    std::string boot;  // empty: the host has no workflow stage and no group boot
    uint32_t stage = 0;
    uint64_t revision = 0;  // 0: the latest
};

// The state manifest: the server's view of every host's current boot.
class StateManifest {
public:
    virtual ~StateManifest() = default;
    // `model` is the snapshot the agent renders from (the host and site belong to it).
    virtual ServedBoot served(const model::Site& site,
                              const model::Host& host,
                              const model::Model& model) = 0;
};

// What the agent's services saw, reported up.
class EventReport {
public:
    virtual ~EventReport() = default;
    // Every boot event of the site (DHCP, TFTP, HTTP); must be cheap and thread-safe: it runs
    // on every request, so it takes the event by reference and copies only what it keeps.
    virtual void report(std::string_view site, const HostEvent& event) = 0;
    // A host's checkpoint for `boot`: the server moves its workflow on and answers one line
    // for the host ("stage done: install -> disk (stage 2/2)"). Errors carry their kind:
    // not_found for an unknown host or boot, unavailable when the server cannot store it.
    virtual Result<std::string> checkpoint(std::string_view site,
                                           std::string_view host,
                                           std::string_view boot) = 0;
};

// Work the server hands to a site's agents (power actions, containers). The server decides;
// the agent runs and reports back.
struct Task {
    std::string id;
    std::string host;
    std::string kind;  // e.g. "power.cycle"
    std::string args;  // JSON
};

class TaskSource {
public:
    virtual ~TaskSource() = default;
    virtual std::vector<Task> pending(std::string_view site, std::string_view agent) = 0;
};

// The four together, as an agent is given them. Every pointer must outlive the agent.
struct Links {
    RevisionFeed* revisions = nullptr;
    StateManifest* manifest = nullptr;
    EventReport* report = nullptr;
    TaskSource* tasks = nullptr;
};

}  // namespace vq::control
