#pragma once
// control::Links over the network: what `vaquero agent` gives its Agent so that the agent
// runs exactly as in `standalone`, fed by a server it pulls from (servers never call
// agents). A watch thread long-polls the site's revisions and downloads each new one's
// bundle (a delta when it can); a manifest thread long-polls the state manifest; a sender thread
// delivers events in batches and whatever the outage queued. Everything needed to keep booting
// known hosts is cached under the cache directory, so the agent serves through an outage and starts
// without its server; checkpoints and events taken meanwhile wait in bounded on-disk queues.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>

#include "control/links.h"
#include "control/wire.h"
#include "metrics/exposition.h"
#include "remote/disk_queue.h"
#include "remote/model_loader.h"
#include "remote/remote_tasks.h"
#include "remote/revision_cache.h"
#include "remote/server_session.h"

#include "base/result.h"

namespace vq::remote {

struct RemoteOptions {
    SessionOptions session;
    std::filesystem::path cache_dir;  // <SavePath>/agent/<site>/<agent>
    size_t memory_events = 100'000;   // events waiting to be sent; more are dropped (counted)
    size_t disk_events = 100'000;     // events kept on disk while the server is away
    size_t disk_checkpoints = 100'000;
    size_t batch = 5'000;  // events per request (the server takes up to 10,000)
    // Requests of full batches in flight at once: the server reads each on a thread of its
    // own. The first sender alone also delivers the outage queues, in order.
    size_t senders = 2;
    std::chrono::seconds watch_wait{3};  // long poll per request (bounds stop() too)
    // The manifest is long-polled too; this is the least time between two fetches of it.
    std::chrono::milliseconds manifest_interval{100};
    std::chrono::milliseconds retry{500};  // after a failed call
};

class RemoteLinks : public control::RevisionFeed,
                    public control::StateManifest,
                    public control::EventReport {
public:
    static Result<std::unique_ptr<RemoteLinks>> create(RemoteOptions options);
    ~RemoteLinks() override;

    // Loads the cache, starts the threads, then waits up to `wait` for a revision to serve
    // (from the cache or the server). Fails when there is none: the server is unreachable
    // (or refuses) and nothing is cached.
    Status start(std::chrono::milliseconds wait);
    void stop();
    control::Links links() { return control::Links{this, this, this, tasks_.get()}; }

    // Connected, serving the server's newest revision and manifest, nothing queued.
    bool inSync() const;
    // For the agent's /ready: in_sync, connected, revisions, queue sizes, drops.
    std::string statusJson() const;
    // The same for /metrics: sync state, revisions behind, queue lengths, events sent/dropped.
    void collect(metrics::Exposition& out) const;

    // control::RevisionFeed
    control::RevisionPtr latest() const override;
    // By the server's revision number, as the manifest names it: the newest revision and the
    // older ones hosts are pinned to (kept from before, or fetched when pinned).
    control::RevisionPtr revision(uint64_t number) const override;
    uint64_t subscribe(OnRevision on_revision) override;
    void unsubscribe(uint64_t id) override;
    // control::StateManifest
    control::ServedBoot served(const model::Site& site,
                               const model::Host& host,
                               const model::Model& model) override;
    // control::EventReport
    void report(std::string_view site, const HostEvent& event) override;
    Result<std::string> checkpoint(std::string_view site,
                                   std::string_view host,
                                   std::string_view boot) override;

private:
    RemoteLinks(RemoteOptions options, std::unique_ptr<ServerSession> session);
    void loadCache();
    Status adopt(const control::wire::RevisionInfo& info, const std::string& blob, bool save);
    // Serves a loaded revision; with `save`, the blob received is cached too. sot_mu_ held.
    Status install(const control::wire::RevisionInfo& info,
                   Result<ServedSot::Loaded> loaded,
                   size_t bytes,
                   const std::string* save);
    Status fetchRevision(const control::wire::RevisionInfo& info, uint64_t have);
    // GET bundle: `revision` whole, or as a delta against `have` (0: none) when the server
    // still has it.
    Result<https::ClientResponse> downloadBundle(uint64_t revision, uint64_t have);
    void publish(control::RevisionPtr rev);
    void watchLoop();
    void manifestLoop();
    void senderLoop();
    void extraSenderLoop();
    bool refreshManifest();
    // Keeps the revisions the manifest serves hosts from (fetching those missing) and
    // drops the others.
    void keepPinned();
    void fetchPinned(uint64_t revision);  // pinning_mu_ held
    void cachePinned(uint64_t newest);    // pinning_mu_ held
    bool sendEvents(const std::vector<std::string>& encoded);
    bool drainCheckpoints();
    void setConnected(bool up);
    // Sleeps up to `d`; false when stopping.
    bool pause(std::chrono::milliseconds d);
    bool stopping() const { return stopping_.load(); }

    RemoteOptions options_;
    std::unique_ptr<ServerSession> session_;
    std::unique_ptr<RemoteTasks> tasks_;  // on session_
    RevisionCache cache_;
    // The newest revision's files and parses; pinned older revisions are loaded through it.
    std::mutex sot_mu_;
    ServedSot sot_;
    std::unique_ptr<DiskQueue> queued_checkpoints_;
    std::unique_ptr<DiskQueue> queued_events_;

    // Revisions (what the Agent serves).
    mutable std::mutex rev_mu_;
    std::mutex publish_mu_;  // orders publications and subscriptions
    control::RevisionPtr latest_;
    uint64_t sequence_ = 0;         // local revision numbers: the server's may restart
    uint64_t server_revision_ = 0;  // the server's number of latest_
    uint64_t server_newest_ = 0;    // the newest the server announced
    // By server number: latest_ and the older revisions hosts are pinned to, and up to
    // kHeldAhead newer than the followed one.
    static constexpr size_t kHeldAhead = 8;
    std::map<uint64_t, control::RevisionPtr> held_;
    std::set<uint64_t> pinned_missing_;  // pinned, and the server no longer has them
    std::mutex pinning_mu_;              // one keepPinned() at a time
    std::set<uint64_t> cached_pins_;     // pinned revisions cached on disk (pinning_mu_)
    std::map<uint64_t, OnRevision> subscribers_;
    uint64_t next_subscriber_ = 1;
    std::condition_variable have_revision_;

    // The manifest, by host name.
    mutable std::mutex manifest_mu_;
    std::unordered_map<std::string, control::ServedBoot> manifest_;
    // What the manifest said of hosts this agent changed itself since (checkpoint answers,
    // queued checkpoints), nullopt for a host it did not have: a delta names only what moved
    // on the server, so a local change the server undid meanwhile (an override) is put back
    // from here. manifest_mu_.
    std::unordered_map<std::string, std::optional<control::ServedBoot>> local_base_;
    void setLocally(const std::string& host, control::ServedBoot served);  // manifest_mu_ held
    bool manifest_current_ = false;
    uint64_t manifest_changes_ = 0;  // the server's change count the manifest reflects
    uint64_t manifest_follow_ = 0;   // what a host's revision 0 means (Manifest::follow)
    std::set<uint64_t> pins_;        // the revisions the manifest's entries name
    bool pins_dirty_ = true;         // an entry moved since pins_ was counted
    std::string saved_manifest_;     // the JSON last written to the cache

    // Events waiting for the sender.
    mutable std::mutex events_mu_;
    std::condition_variable events_cv_;
    std::deque<std::string> events_;
    std::atomic<uint64_t> events_dropped_{0};
    std::atomic<uint64_t> events_sent_{0};

    mutable std::mutex error_mu_;
    std::string last_error_;  // why the server was last unreachable or refused us
    void noteError(std::string why);

    std::atomic<bool> connected_{false};
    std::atomic<int64_t> last_contact_{0};
    std::atomic<bool> stopping_{false};
    std::mutex pause_mu_;
    std::condition_variable pause_cv_;
    std::thread watcher_, manifester_, sender_;
    std::vector<std::thread> extra_senders_;
};

}  // namespace vq::remote
