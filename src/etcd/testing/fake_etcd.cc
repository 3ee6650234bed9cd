#include "etcd/testing/fake_etcd.h"

#include <nlohmann/json.hpp>

#include "base/base64.h"

namespace vq::etcd {
namespace {

using nlohmann::json;

std::string bytesOf(const json& j, const char* name) {
    auto it = j.find(name);
    if (it == j.end() || !it->is_string())
        return {};
    return base64Decode(it->get<std::string>()).value_or(std::string());
}

int64_t intOf(const json& j, const char* name) {
    auto it = j.find(name);
    if (it == j.end())
        return 0;
    if (it->is_number_integer())
        return it->get<int64_t>();
    if (it->is_string())
        return std::stoll(it->get<std::string>());
    return 0;
}

json kvJson(const KeyValue& kv) {
    json j{{"key", base64Encode(kv.key)},
           {"create_revision", std::to_string(kv.create_revision)},
           {"mod_revision", std::to_string(kv.mod_revision)},
           {"version", std::to_string(kv.version)}};
    if (!kv.value.empty())
        j["value"] = base64Encode(kv.value);
    if (kv.lease != 0)
        j["lease"] = std::to_string(kv.lease);
    return j;
}

json header(int64_t revision) {
    return json{{"revision", std::to_string(revision)}};
}

std::string errorBody(int code, const std::string& message) {
    return json{{"error", message}, {"message", message}, {"code", code}}.dump();
}

bool inRange(const std::string& k, const std::string& key, const std::string& end) {
    if (end.empty())
        return k == key;
    if (end == std::string(1, '\0'))
        return k >= key;
    return k >= key && k < end;
}

}  // namespace

void FakeEtcd::setDown(bool down) {
    std::lock_guard lock(mu_);
    down_ = down;
    changed_.notify_all();
}

void FakeEtcd::setMaxRequestBytes(size_t n) {
    std::lock_guard lock(mu_);
    max_request_ = n;
}

int64_t FakeEtcd::revision() const {
    std::lock_guard lock(mu_);
    return revision_;
}

size_t FakeEtcd::requests() const {
    std::lock_guard lock(mu_);
    return requests_;
}

std::vector<WatchEvent> FakeEtcd::history() const {
    std::lock_guard lock(mu_);
    std::vector<WatchEvent> out;
    for (const auto& a : log_)
        out.push_back(a.event);
    return out;
}

void FakeEtcd::expireLease(int64_t id) {
    std::lock_guard lock(mu_);
    auto it = leases_.find(id);
    if (it == leases_.end())
        return;
    const std::set<std::string> keys = it->second;
    leases_.erase(it);
    lease_ttl_.erase(id);
    if (keys.empty())
        return;
    ++revision_;
    for (const auto& k : keys)
        deleteLocked(k, {});
    changed_.notify_all();
}

void FakeEtcd::putLocked(const std::string& key, const std::string& value, int64_t lease) {
    KeyValue& kv = kvs_[key];
    if (kv.version == 0)
        kv.create_revision = revision_;
    if (kv.lease != 0 && kv.lease != lease)
        leases_[kv.lease].erase(key);
    kv.key = key;
    kv.value = value;
    kv.mod_revision = revision_;
    ++kv.version;
    kv.lease = lease;
    if (lease != 0)
        leases_[lease].insert(key);
    log_.push_back(Applied{revision_, WatchEvent{WatchEvent::Type::put, kv}});
}

int64_t FakeEtcd::deleteLocked(const std::string& key, const std::string& range_end) {
    int64_t n = 0;
    for (auto it = kvs_.begin(); it != kvs_.end();) {
        if (!inRange(it->first, key, range_end)) {
            ++it;
            continue;
        }
        if (it->second.lease != 0)
            leases_[it->second.lease].erase(it->first);
        KeyValue gone;
        gone.key = it->first;
        gone.mod_revision = revision_;
        log_.push_back(Applied{revision_, WatchEvent{WatchEvent::Type::del, gone}});
        it = kvs_.erase(it);
        ++n;
    }
    return n;
}

std::vector<const KeyValue*> FakeEtcd::rangeLocked(const std::string& key,
                                                   const std::string& range_end) const {
    std::vector<const KeyValue*> out;
    for (const auto& [k, kv] : kvs_) {
        if (inRange(k, key, range_end))
            out.push_back(&kv);
    }
    return out;
}

Result<TransportReply> FakeEtcd::post(std::string_view path,
                                      const std::string& body,
                                      std::chrono::milliseconds) {
    std::lock_guard lock(mu_);
    ++requests_;
    if (down_)
        return Status::unavailable("no etcd member answered (fake cluster down)");
    TransportReply reply;
    reply.status = 200;
    if (body.size() > max_request_) {
        reply.status = 400;
        reply.body = errorBody(3, "etcdserver: request is too large");
        return reply;
    }
    try {
        reply.body = handle(path, body, reply.status);
    } catch (const std::exception& e) {
        reply.status = 400;
        reply.body = errorBody(3, e.what());
    }
    return reply;
}

std::string FakeEtcd::handle(std::string_view path, const std::string& body, unsigned& status) {
    const json req = json::parse(body);
    auto rangeJson = [&](const json& r) {
        const auto hits = rangeLocked(bytesOf(r, "key"), bytesOf(r, "range_end"));
        const int64_t limit = intOf(r, "limit");
        json out{{"header", header(revision_)}};
        json kvs = json::array();
        for (const KeyValue* kv : hits) {
            if (limit > 0 && static_cast<int64_t>(kvs.size()) == limit) {
                out["more"] = true;
                break;
            }
            kvs.push_back(kvJson(*kv));
        }
        if (!kvs.empty())
            out["kvs"] = kvs;
        if (!hits.empty())
            out["count"] = std::to_string(hits.size());
        return out;
    };
    auto checkLease = [&](int64_t lease) {
        if (lease != 0 && !lease_ttl_.contains(lease))
            throw std::runtime_error("etcdserver: requested lease not found");
    };
    if (path == "/v3/kv/range")
        return rangeJson(req).dump();
    if (path == "/v3/kv/put") {
        const int64_t lease = intOf(req, "lease");
        if (lease != 0 && !lease_ttl_.contains(lease)) {
            status = 404;
            return errorBody(5, "etcdserver: requested lease not found");
        }
        ++revision_;
        putLocked(bytesOf(req, "key"), bytesOf(req, "value"), lease);
        changed_.notify_all();
        return json{{"header", header(revision_)}}.dump();
    }
    if (path == "/v3/kv/deleterange") {
        const int64_t before = revision_;
        ++revision_;
        const int64_t n = deleteLocked(bytesOf(req, "key"), bytesOf(req, "range_end"));
        if (n == 0)
            revision_ = before;
        changed_.notify_all();
        json out{{"header", header(revision_)}};
        if (n > 0)
            out["deleted"] = std::to_string(n);
        return out.dump();
    }
    if (path == "/v3/kv/txn") {
        bool ok = true;
        for (const auto& c : req.value("compare", json::array())) {
            const std::string key = bytesOf(c, "key");
            auto it = kvs_.find(key);
            const KeyValue none;
            const KeyValue& kv = it == kvs_.end() ? none : it->second;
            const std::string target = c.value("target", "VERSION");
            const std::string result = c.value("result", "EQUAL");
            int cmp = 0;
            if (target == "VALUE") {
                const std::string v = bytesOf(c, "value");
                if (it == kvs_.end()) {
                    ok = false;
                    continue;
                }
                cmp = kv.value < v ? -1 : (kv.value > v ? 1 : 0);
            } else {
                int64_t have = kv.version;
                int64_t want = intOf(c, "version");
                if (target == "CREATE") {
                    have = kv.create_revision;
                    want = intOf(c, "create_revision");
                } else if (target == "MOD") {
                    have = kv.mod_revision;
                    want = intOf(c, "mod_revision");
                }
                cmp = have < want ? -1 : (have > want ? 1 : 0);
            }
            const bool holds = (result == "EQUAL" && cmp == 0) ||
                               (result == "GREATER" && cmp > 0) || (result == "LESS" && cmp < 0) ||
                               (result == "NOT_EQUAL" && cmp != 0);
            ok = ok && holds;
        }
        const json ops = req.value(ok ? "success" : "failure", json::array());
        bool writes = false;
        for (const auto& op : ops) {
            if (op.contains("request_put")) {
                checkLease(intOf(op["request_put"], "lease"));
                writes = true;
            }
            if (op.contains("request_delete_range"))
                writes = true;
        }
        if (writes)
            ++revision_;
        json responses = json::array();
        bool wrote = false;
        for (const auto& op : ops) {
            if (op.contains("request_put")) {
                const json& p = op["request_put"];
                putLocked(bytesOf(p, "key"), bytesOf(p, "value"), intOf(p, "lease"));
                wrote = true;
                responses.push_back(json{{"response_put", {{"header", header(revision_)}}}});
            } else if (op.contains("request_delete_range")) {
                const json& d = op["request_delete_range"];
                const int64_t n = deleteLocked(bytesOf(d, "key"), bytesOf(d, "range_end"));
                wrote = wrote || n > 0;
                json r{{"header", header(revision_)}};
                if (n > 0)
                    r["deleted"] = std::to_string(n);
                responses.push_back(json{{"response_delete_range", r}});
            } else if (op.contains("request_range")) {
                responses.push_back(json{{"response_range", rangeJson(op["request_range"])}});
            }
        }
        if (writes && !wrote)
            --revision_;
        changed_.notify_all();
        json out{{"header", header(revision_)}};
        if (ok)
            out["succeeded"] = true;
        if (!responses.empty())
            out["responses"] = responses;
        return out.dump();
    }
    if (path == "/v3/lease/grant") {
        const int64_t id = next_lease_++;
        lease_ttl_[id] = intOf(req, "TTL");
        leases_[id];
        return json{{"header", header(revision_)},
                    {"ID", std::to_string(id)},
                    {"TTL", std::to_string(lease_ttl_[id])}}
            .dump();
    }
    if (path == "/v3/lease/keepalive") {
        const int64_t id = intOf(req, "ID");
        json r{{"header", header(revision_)}, {"ID", std::to_string(id)}};
        if (auto it = lease_ttl_.find(id); it != lease_ttl_.end())
            r["TTL"] = std::to_string(it->second);
        return json{{"result", r}}.dump() + "\n";
    }
    if (path == "/v3/lease/revoke") {
        const int64_t id = intOf(req, "ID");
        auto it = leases_.find(id);
        if (it == leases_.end()) {
            status = 404;
            return errorBody(5, "etcdserver: requested lease not found");
        }
        const std::set<std::string> keys = it->second;
        leases_.erase(it);
        lease_ttl_.erase(id);
        if (!keys.empty()) {
            ++revision_;
            for (const auto& k : keys)
                deleteLocked(k, {});
            changed_.notify_all();
        }
        return json{{"header", header(revision_)}}.dump();
    }
    status = 404;
    return errorBody(12, "unknown path");
}

Status FakeEtcd::stream(std::string_view path,
                        const std::string& body,
                        const std::function<bool(std::string_view)>& on_line,
                        const std::shared_ptr<StreamCancel>& cancel) {
    if (path != "/v3/watch")
        return Status::notFound("the fake etcd streams /v3/watch only");
    const json req = json::parse(body, nullptr, false);
    if (req.is_discarded() || !req.contains("create_request"))
        return Status::invalidArgument("bad watch request");
    const json& c = req["create_request"];
    const std::string key = bytesOf(c, "key");
    const std::string end = bytesOf(c, "range_end");
    const int64_t start = intOf(c, "start_revision");
    cancel->onCancel([this] {
        std::lock_guard lock(mu_);
        changed_.notify_all();
    });
    std::unique_lock lock(mu_);
    if (down_) {
        lock.unlock();
        cancel->onCancel(nullptr);
        return Status::unavailable("no etcd member answered (fake cluster down)");
    }
    size_t cursor = 0;
    while (cursor < log_.size() && (start == 0 || log_[cursor].revision < start))
        ++cursor;
    if (start == 0)
        cursor = log_.size();
    auto send = [&](const json& result) {
        const std::string line = json{{"result", result}}.dump();
        lock.unlock();
        const bool more = on_line(line);
        lock.lock();
        return more;
    };
    bool more = send(json{{"header", header(revision_)}, {"created", true}});
    while (more && !cancel->cancelled() && !down_) {
        if (cursor == log_.size()) {
            changed_.wait(lock);
            continue;
        }
        json events = json::array();
        const int64_t rev = log_[cursor].revision;
        for (; cursor < log_.size() && log_[cursor].revision == rev; ++cursor) {
            const WatchEvent& e = log_[cursor].event;
            if (!inRange(e.kv.key, key, end))
                continue;
            json ev{{"kv", kvJson(e.kv)}};
            if (e.type == WatchEvent::Type::del)
                ev["type"] = "DELETE";
            events.push_back(ev);
        }
        if (!events.empty())
            more = send(json{{"header", header(rev)}, {"events", events}});
    }
    const bool lost = down_ && !cancel->cancelled();
    lock.unlock();
    cancel->onCancel(nullptr);
    return lost ? Status::unavailable("etcd member lost") : Status::ok();
}

}  // namespace vq::etcd
