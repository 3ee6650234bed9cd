#include "remote/remote_links.h"

#include "auth/agent_tokens.h"
#include "remote/model_loader.h"
#include <nlohmann/json.hpp>

#include "base/log.h"
#include "model/sot_bundle.h"
#include "model/sot_delta.h"

namespace vq::remote {
namespace wire = control::wire;

namespace {

StatusCode codeForHttp(unsigned status) {
    switch (status) {
        case 400:
            return StatusCode::invalid_argument;
        case 403:
            return StatusCode::permission_denied;
        case 404:
            return StatusCode::not_found;
        case 409:
            return StatusCode::failed_precondition;
        case 503:
            return StatusCode::unavailable;
        default:
            return StatusCode::unknown;
    }
}

// The boot after `boot` in the host's workflow (what the server will serve once it has the
// checkpoint), or `boot` itself when it is the last.
control::ServedBoot nextBoot(const model::Model& m,
                             const model::Host& host,
                             std::string_view boot) {
    const model::Workflow* wf = m.workflow(host.workflow);
    if (wf == nullptr)
        return control::ServedBoot{std::string(boot), 0};
    for (size_t i = 0; i < wf->stages.size(); ++i) {
        if (wf->stages[i].boot == boot && i + 1 < wf->stages.size())
            return control::ServedBoot{wf->stages[i + 1].boot, static_cast<uint32_t>(i + 1)};
    }
    return control::ServedBoot{std::string(boot), 0};
}

const model::Host* findHost(const model::Model& m, const std::string& site, std::string_view name) {
    const model::Site* s = m.site(site);
    if (s == nullptr)
        return nullptr;
    for (const auto& h : s->hosts) {
        if (h.name == name)
            return &h;
    }
    return nullptr;
}

}  // namespace

RemoteLinks::RemoteLinks(RemoteOptions options, std::unique_ptr<ServerSession> session)
    : options_(std::move(options)),
      session_(std::move(session)),
      tasks_(std::make_unique<RemoteTasks>(*session_)),
      cache_(options_.cache_dir) {}

Result<std::unique_ptr<RemoteLinks>> RemoteLinks::create(RemoteOptions options) {
    auto session = ServerSession::create(options.session);
    if (!session)
        return session.status();
    std::unique_ptr<RemoteLinks> r(new RemoteLinks(std::move(options), std::move(*session)));
    auto checkpoints = DiskQueue::open(r->options_.cache_dir / "queued-checkpoints.jsonl",
                                       r->options_.disk_checkpoints);
    if (!checkpoints)
        return checkpoints.status().prefixed("SavePath");
    auto events =
        DiskQueue::open(r->options_.cache_dir / "queued-events.jsonl", r->options_.disk_events);
    if (!events)
        return events.status().prefixed("SavePath");
    r->queued_checkpoints_ = std::move(*checkpoints);
    r->queued_events_ = std::move(*events);
    return r;
}

RemoteLinks::~RemoteLinks() {
    stop();
}

Status RemoteLinks::start(std::chrono::milliseconds wait) {
    loadCache();
    watcher_ = std::thread([this] { watchLoop(); });
    manifester_ = std::thread([this] { manifestLoop(); });
    sender_ = std::thread([this] { senderLoop(); });
    for (size_t i = 1; i < options_.senders; ++i)
        extra_senders_.emplace_back([this] { extraSenderLoop(); });
    std::unique_lock lock(rev_mu_);
    if (!have_revision_.wait_for(lock, wait, [this] { return latest_ != nullptr; })) {
        lock.unlock();
        stop();
        std::string why;
        {
            std::lock_guard elock(error_mu_);
            why = last_error_.empty() ? "no answer" : last_error_;
        }
        return Status::unavailable("no model to serve: " + why + "; and " +
                                   options_.cache_dir.string() + " holds no cached revision");
    }
    return Status::ok();
}

void RemoteLinks::stop() {
    stopping_ = true;
    pause_cv_.notify_all();
    events_cv_.notify_all();
    for (auto* t : {&watcher_, &manifester_, &sender_}) {
        if (t->joinable())
            t->join();
    }
    for (auto& t : extra_senders_)
        t.join();
    extra_senders_.clear();
}

bool RemoteLinks::pause(std::chrono::milliseconds d) {
    std::unique_lock lock(pause_mu_);
    pause_cv_.wait_for(lock, d, [this] { return stopping(); });
    return !stopping();
}

void RemoteLinks::noteError(std::string why) {
    std::lock_guard lock(error_mu_);
    last_error_ = std::move(why);
}

void RemoteLinks::setConnected(bool up) {
    if (up)
        last_contact_ = auth::nowSeconds();
    if (connected_.exchange(up) != up) {
        if (up) {
            VQ_LOG_INFO("SERVER_CONNECTED addr={}:{}", options_.session.client.host,
                        options_.session.client.port);
        } else {
            VQ_LOG_WARN("SERVER_UNREACHABLE addr={}:{} serving_revision={} (from cache)",
                        options_.session.client.host, options_.session.client.port,
                        server_revision_);
        }
    }
}

void RemoteLinks::loadCache() {
    auto cached = cache_.loadRevision();
    if (!cached) {
        VQ_LOG_INFO("AGENT_CACHE_EMPTY dir={}", options_.cache_dir.string());
        return;
    }
    std::vector<std::pair<uint64_t, std::string>> chain;
    for (auto& d : cached->deltas)
        chain.emplace_back(d.base, std::move(d.blob));
    Status adopted = Status::ok();
    {
        std::unique_lock sot_lock(sot_mu_);
        adopted =
            install(cached->info, sot_.loadChain(cached->blob, chain), cached->blob.size(), {});
    }
    if (Status st = adopted; !st) {
        VQ_LOG_WARN("AGENT_CACHE_UNUSABLE dir={} reason=\"{}\"", options_.cache_dir.string(),
                    st.message());
        return;
    }
    if (auto m = cache_.loadManifest()) {
        if (auto decoded = wire::decodeManifest(*m)) {
            std::lock_guard lock(manifest_mu_);
            manifest_ = std::move(decoded->hosts);
            manifest_follow_ = decoded->follow;
        }
    }
    // The older revisions hosts were pinned to, as cached beside it.
    for (uint64_t r : cache_.pinnedRevisions()) {
        auto blob = cache_.loadPinned(r);
        if (!blob)
            continue;
        std::unique_lock sot_lock(sot_mu_);
        auto loaded = sot_.load(*blob);  // whole: not made the base
        sot_lock.unlock();
        if (!loaded) {
            VQ_LOG_WARN("AGENT_CACHE_PINNED_UNUSABLE revision={} reason=\"{}\"", r,
                        loaded.message());
            continue;
        }
        auto rev = std::make_shared<control::ModelRevision>();
        rev->number = r;
        rev->loaded = std::chrono::system_clock::now();
        rev->model = loaded->model;
        std::lock_guard lock(rev_mu_);
        held_[r] = std::move(rev);
        cached_pins_.insert(r);
    }
    VQ_LOG_INFO("AGENT_CACHE_LOADED server_revision={} hosts_in_manifest={}", cached->info.revision,
                manifest_.size());
}

// Loads a revision the server sent (whole or as a delta) or the cache held, and serves it.
// The cache is written after the agent serves it: it matters only for the next start.
Status RemoteLinks::adopt(const wire::RevisionInfo& info, const std::string& blob, bool save) {
    std::unique_lock sot_lock(sot_mu_);
    return install(info, sot_.load(blob), blob.size(), save ? &blob : nullptr);
}

Status RemoteLinks::install(const wire::RevisionInfo& info,
                            Result<ServedSot::Loaded> loaded,
                            size_t bytes,
                            const std::string* save) {
    if (!loaded)
        return loaded.status();
    if (loaded->model->site(options_.session.site_id) == nullptr)
        return Status::invalidArgument("site " + options_.session.site_id +
                                       " is not in the revision received");
    uint64_t seq = 0;
    {
        std::lock_guard lock(rev_mu_);
        seq = sequence_ + 1;
    }
    auto rev = std::make_shared<control::ModelRevision>();
    rev->number = seq;
    rev->source_id = info.source_id;
    rev->commit = info.commit;
    rev->loaded = std::chrono::system_clock::now();
    rev->model = loaded->model;
    const bool from_delta = loaded->from_delta;
    const uint64_t base = sot_.base();
    sot_.accept(*loaded, info.revision);
    {
        std::lock_guard lock(rev_mu_);
        sequence_ = seq;
        server_revision_ = info.revision;
        held_[info.revision] = rev;
    }
    publish(std::move(rev));
    VQ_LOG_INFO("AGENT_REVISION server_revision={} local={} bytes={} delta={}", info.revision, seq,
                bytes, from_delta);
    if (save != nullptr) {
        // A delta joins the cached chain; a whole bundle, or a delta the chain takes no more
        // of, starts it again (the delta applied to what the cache held, packed whole).
        Status st =
            from_delta ? cache_.saveDelta(info, base, *save) : Status::failedPrecondition("whole");
        if (st.code() == StatusCode::failed_precondition) {
            st = cache_.saveRevision({info, from_delta ? model::packSot(sot_.files()) : *save, {}});
        }
        if (!st)
            VQ_LOG_WARN("AGENT_CACHE_WRITE_FAILED reason=\"{}\"", st.message());
    }
    return Status::ok();
}

void RemoteLinks::publish(control::RevisionPtr rev) {
    std::lock_guard order(publish_mu_);
    std::map<uint64_t, OnRevision> subscribers;
    {
        std::lock_guard lock(rev_mu_);
        latest_ = rev;
        subscribers = subscribers_;
    }
    have_revision_.notify_all();
    for (auto& [id, fn] : subscribers)
        fn(rev);
}

control::RevisionPtr RemoteLinks::latest() const {
    std::lock_guard lock(rev_mu_);
    return latest_;
}

uint64_t RemoteLinks::subscribe(OnRevision on_revision) {
    std::lock_guard order(publish_mu_);
    control::RevisionPtr now;
    uint64_t id = 0;
    {
        std::lock_guard lock(rev_mu_);
        id = next_subscriber_++;
        subscribers_[id] = on_revision;
        now = latest_;
    }
    if (now)
        on_revision(now);
    return id;
}

void RemoteLinks::unsubscribe(uint64_t id) {
    std::lock_guard order(publish_mu_);
    std::lock_guard lock(rev_mu_);
    subscribers_.erase(id);
}

void RemoteLinks::watchLoop() {
    while (!stopping()) {
        uint64_t known = 0;
        {
            std::lock_guard lock(rev_mu_);
            known = server_revision_;
        }
        https::ClientRequest req;
        req.target = std::string(wire::kWatch) + "?revision=" + std::to_string(known) +
                     "&wait=" + std::to_string(options_.watch_wait.count());
        req.timeout = options_.watch_wait + std::chrono::seconds(10);
        auto resp = session_->send(req);
        if (!resp || resp->status != 200) {
            if (!resp) {
                noteError(resp.message());
                if (resp.code() == StatusCode::permission_denied)
                    VQ_LOG_ERROR("AGENT_LOGIN_REFUSED reason=\"{}\"", resp.message());
                else
                    setConnected(false);
            } else {
                noteError("the server refused the watch: " + wire::errorMessage(resp->body));
                VQ_LOG_WARN("AGENT_WATCH_REFUSED status={} reason=\"{}\"", resp->status,
                            wire::errorMessage(resp->body));
            }
            pause(options_.retry);
            continue;
        }
        setConnected(true);
        auto info = wire::decodeRevision(resp->body);
        if (!info || info->revision == 0 || info->revision == known) {
            if (info) {
                std::lock_guard lock(rev_mu_);
                server_newest_ = info->revision;
            }
            continue;
        }
        {
            std::lock_guard lock(rev_mu_);
            server_newest_ = info->revision;
        }
        // A delta against the revision held when the server still has that one.
        Status st = fetchRevision(*info, sot_.base());
        if (!st && st.code() == StatusCode::failed_precondition)
            st = fetchRevision(*info, 0);
        if (!st && st.code() == StatusCode::unavailable) {
            pause(options_.retry);
            continue;
        }
        if (!st) {
            VQ_LOG_ERROR("AGENT_REVISION_REFUSED server_revision={} reason=\"{}\"", info->revision,
                         st.message());
            // Not asked again until the server has another one.
            std::lock_guard lock(rev_mu_);
            server_revision_ = info->revision;
            continue;
        }
    }
}

Result<https::ClientResponse> RemoteLinks::downloadBundle(uint64_t revision, uint64_t have) {
    https::ClientRequest get;
    get.target = std::string(wire::kBundle) + "?revision=" + std::to_string(revision);
    if (have != 0)
        get.target += "&have=" + std::to_string(have);
    get.timeout = std::chrono::seconds(120);
    return session_->send(get);
}

// unavailable when the download failed (asked again), another error when the revision is
// refused (failed_precondition: a delta that does not apply to the files held).
Status RemoteLinks::fetchRevision(const wire::RevisionInfo& info, uint64_t have) {
    auto bundle = downloadBundle(info.revision, have);
    if (!bundle || bundle->status != 200) {
        const std::string why = bundle ? wire::errorMessage(bundle->body) : bundle.message();
        VQ_LOG_WARN("AGENT_BUNDLE_FAILED revision={} reason=\"{}\"", info.revision, why);
        return Status::unavailable(why);
    }
    Status st = adopt(info, bundle->body, true);
    if (!st && model::isSotDelta(bundle->body))
        return Status::failedPrecondition(st.message());
    if (st)
        keepPinned();  // the manifest may have come first
    return st;
}

void RemoteLinks::report(std::string_view, const HostEvent& event) {
    std::string line = wire::encodeEvent(event);
    std::lock_guard lock(events_mu_);
    if (events_.size() >= options_.memory_events) {
        events_dropped_.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    events_.push_back(std::move(line));
    if (events_.size() >= options_.batch)
        events_cv_.notify_all();
}

Result<std::string> RemoteLinks::checkpoint(std::string_view site,
                                            std::string_view host,
                                            std::string_view boot) {
    const std::string line = wire::encodeCheckpoint({std::string(host), std::string(boot)});
    auto queue = [&]() -> Result<std::string> {
        if (!queued_checkpoints_->push(line))
            return Status::unavailable("server unreachable and the checkpoint queue is full");
        // Serve what the server will serve once it has the checkpoint: the next stage.
        if (auto rev = latest(); rev && rev->model) {
            if (const model::Host* h = findHost(*rev->model, std::string(site), host)) {
                std::lock_guard lock(manifest_mu_);
                control::ServedBoot next = nextBoot(*rev->model, *h, boot);
                if (auto it = manifest_.find(h->name); it != manifest_.end())
                    next.revision = it->second.revision;  // still provisioning from it
                setLocally(h->name, std::move(next));
            }
        }
        VQ_LOG_WARN("CHECKPOINT_QUEUED host={} boot={} queued={}", host, boot,
                    queued_checkpoints_->size());
        return std::string("checkpoint queued: the server is unreachable, it gets it when back");
    };
    // Earlier checkpoints still queued go first.
    if (queued_checkpoints_->size() > 0)
        return queue();
    https::ClientRequest req;
    req.method = http::Method::post;
    req.target = std::string(wire::kCheckpoint);
    req.body = line;
    req.timeout = std::chrono::seconds(10);
    auto resp = session_->send(req);
    if (!resp) {
        if (resp.code() != StatusCode::unavailable)
            return resp.status();
        setConnected(false);
        return queue();
    }
    setConnected(true);
    // 503: the server cannot store it now (a server that does not lead and has no leader
    // to forward to): kept, as through an outage.
    if (resp->status == 503)
        return queue();
    if (resp->status != 200)
        return Status::withCode(codeForHttp(resp->status), wire::errorMessage(resp->body));
    auto answer = wire::decodeCheckpointAnswer(resp->body);
    if (!answer)
        return answer.status();
    {
        std::lock_guard lock(manifest_mu_);
        setLocally(std::string(host), answer->served);
    }
    return answer->summary;
}

bool RemoteLinks::sendEvents(const std::vector<std::string>& encoded) {
    std::string body = "{\"events\":[";
    for (size_t i = 0; i < encoded.size(); ++i) {
        if (i > 0)
            body += ',';
        body += encoded[i];
    }
    body += "]}";
    https::ClientRequest req;
    req.method = http::Method::post;
    req.target = std::string(wire::kEvents);
    req.body = std::move(body);
    auto resp = session_->send(req);
    if (!resp) {
        setConnected(false);
        return false;
    }
    setConnected(true);
    if (resp->status == 503)
        return false;  // the server cannot take it now: kept for later
    if (resp->status != 200) {
        // The server will never take this batch (malformed): dropping it keeps the rest moving.
        VQ_LOG_WARN("AGENT_EVENTS_REFUSED status={} count={} reason=\"{}\"", resp->status,
                    encoded.size(), wire::errorMessage(resp->body));
        events_dropped_.fetch_add(encoded.size());
        return true;
    }
    events_sent_.fetch_add(encoded.size());
    return true;
}

// Delivers queued checkpoints in order; false when the server is still away.
bool RemoteLinks::drainCheckpoints() {
    while (!stopping()) {
        auto next = queued_checkpoints_->front(1);
        if (next.empty())
            return true;
        https::ClientRequest req;
        req.method = http::Method::post;
        req.target = std::string(wire::kCheckpoint);
        req.body = next.front();
        req.timeout = std::chrono::seconds(10);
        auto resp = session_->send(req);
        if (!resp) {
            setConnected(false);
            return false;
        }
        setConnected(true);
        if (resp->status == 503)
            return false;  // the server cannot store it yet: it stays queued
        if (resp->status == 200) {
            VQ_LOG_INFO("CHECKPOINT_DELIVERED {} -> {}", next.front(),
                        wire::errorMessage(resp->body));
        } else {
            VQ_LOG_WARN("CHECKPOINT_REFUSED {} status={} reason=\"{}\"", next.front(), resp->status,
                        wire::errorMessage(resp->body));
        }
        if (Status st = queued_checkpoints_->pop(1); !st)
            VQ_LOG_WARN("AGENT_QUEUE_WRITE_FAILED reason=\"{}\"", st.message());
    }
    return false;
}

void RemoteLinks::senderLoop() {
    const auto flush_every = std::chrono::milliseconds(200);
    for (;;) {
        std::vector<std::string> batch;
        {
            std::unique_lock lock(events_mu_);
            events_cv_.wait_for(lock, flush_every,
                                [this] { return stopping() || events_.size() >= options_.batch; });
            const size_t n = std::min(events_.size(), options_.batch);
            batch.assign(std::make_move_iterator(events_.begin()),
                         std::make_move_iterator(events_.begin() + static_cast<ptrdiff_t>(n)));
            events_.erase(events_.begin(), events_.begin() + static_cast<ptrdiff_t>(n));
        }
        bool up = queued_checkpoints_->size() == 0 || drainCheckpoints();
        if (up && queued_events_->size() > 0) {
            auto old = queued_events_->front(options_.batch);
            if (sendEvents(old)) {
                if (Status st = queued_events_->pop(old.size()); !st)
                    VQ_LOG_WARN("AGENT_QUEUE_WRITE_FAILED reason=\"{}\"", st.message());
            } else {
                up = false;
            }
        }
        if (!batch.empty() && (!up || !sendEvents(batch))) {
            // Kept on disk until the server is back.
            for (const auto& line : batch) {
                if (!queued_events_->push(line))
                    events_dropped_.fetch_add(1);
            }
        }
        if (stopping()) {
            return;
        }
        if (!up)
            pause(options_.retry);
    }
}

// Sends full batches beside senderLoop while the server answers and nothing waits in the
// outage queues; anything else (a partial batch, an outage, the queues) is left to
// senderLoop, so events are never reordered by an outage. A batch it fails to send goes to
// the on-disk queue, as senderLoop's would.
void RemoteLinks::extraSenderLoop() {
    while (!stopping()) {
        std::vector<std::string> batch;
        {
            std::unique_lock lock(events_mu_);
            events_cv_.wait_for(lock, std::chrono::milliseconds(200),
                                [this] { return stopping() || events_.size() >= options_.batch; });
            if (stopping() || events_.size() < options_.batch || !connected_.load() ||
                queued_checkpoints_->size() > 0 || queued_events_->size() > 0)
                continue;
            batch.assign(
                std::make_move_iterator(events_.begin()),
                std::make_move_iterator(events_.begin() + static_cast<ptrdiff_t>(options_.batch)));
            events_.erase(events_.begin(),
                          events_.begin() + static_cast<ptrdiff_t>(options_.batch));
        }
        if (!sendEvents(batch)) {
            for (const auto& line : batch) {
                if (!queued_events_->push(line))
                    events_dropped_.fetch_add(1);
            }
            pause(options_.retry);
        }
    }
}

bool RemoteLinks::inSync() const {
    if (!connected_.load() || queued_checkpoints_->size() > 0 || queued_events_->size() > 0)
        return false;
    {
        std::lock_guard lock(manifest_mu_);
        if (!manifest_current_)
            return false;
    }
    std::lock_guard lock(rev_mu_);
    return latest_ != nullptr && server_revision_ == server_newest_;
}

std::string RemoteLinks::statusJson() const {
    nlohmann::json j;
    j["in_sync"] = inSync();
    j["connected"] = connected_.load();
    {
        std::lock_guard lock(rev_mu_);
        j["server_revision"] = server_revision_;
        j["server_newest"] = server_newest_;
        j["revision"] = sequence_;
    }
    j["queued_checkpoints"] = queued_checkpoints_->size();
    j["queued_events"] = queued_events_->size();
    j["events_sent"] = events_sent_.load();
    j["events_dropped"] = events_dropped_.load();
    j["last_contact"] = last_contact_.load();
    return j.dump();
}

void RemoteLinks::collect(metrics::Exposition& out) const {
    uint64_t behind = 0;
    {
        std::lock_guard lock(rev_mu_);
        behind = server_newest_ > server_revision_ ? server_newest_ - server_revision_ : 0;
    }
    auto num = [](auto v) { return static_cast<double>(v); };
    out.gauge("vaquero_agent_in_sync",
              "1 while connected, serving the server's newest revision, nothing queued.", {},
              inSync() ? 1 : 0);
    out.gauge("vaquero_agent_connected", "1 while the server answers.", {},
              connected_.load() ? 1 : 0);
    out.gauge("vaquero_agent_revisions_behind",
              "Revisions the server announced that the agent does not serve yet.", {}, num(behind));
    out.gauge("vaquero_agent_queue_length", "Items waiting in the on-disk outage queues.",
              {{"queue", "checkpoints"}}, num(queued_checkpoints_->size()));
    out.gauge("vaquero_agent_queue_length", "Items waiting in the on-disk outage queues.",
              {{"queue", "events"}}, num(queued_events_->size()));
    out.counter("vaquero_agent_events_sent_total", "Events delivered to the server.", {},
                num(events_sent_.load()));
    out.counter("vaquero_agent_events_dropped_total",
                "Events dropped because the outage queue was full.", {},
                num(events_dropped_.load()));
    out.gauge("vaquero_agent_last_contact_timestamp_seconds",
              "When the server last answered (Unix time; 0: never).", {},
              num(last_contact_.load()));
}

}  // namespace vq::remote
