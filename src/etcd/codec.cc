#include "etcd/codec.h"

#include <charconv>

#include <nlohmann/json.hpp>

#include "base/base64.h"

namespace vq::etcd::codec {
namespace {

using nlohmann::json;

Status malformed(std::string_view what) {
    return Status::unavailable("etcd answered malformed JSON: " + std::string(what));
}

// int64 fields come as strings ("5") or, from some proxies, as numbers; missing is 0.
bool readInt(const json& obj, const char* name, int64_t& out) {
    out = 0;
    auto it = obj.find(name);
    if (it == obj.end() || it->is_null())
        return true;
    if (it->is_number_integer()) {
        out = it->get<int64_t>();
        return true;
    }
    if (!it->is_string())
        return false;
    const auto& s = it->get_ref<const std::string&>();
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size();
}

bool readBytes(const json& obj, const char* name, std::string& out) {
    out.clear();
    auto it = obj.find(name);
    if (it == obj.end() || it->is_null())
        return true;
    if (!it->is_string())
        return false;
    auto decoded = base64Decode(it->get_ref<const std::string&>());
    if (!decoded)
        return false;
    out = std::move(*decoded);
    return true;
}

bool readBool(const json& obj, const char* name) {
    auto it = obj.find(name);
    return it != obj.end() && it->is_boolean() && it->get<bool>();
}

Result<json> parse(const std::string& body) {
    json j = json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return malformed("not an object");
    return j;
}

int64_t headerRevision(const json& j) {
    int64_t rev = 0;
    if (auto h = j.find("header"); h != j.end() && h->is_object())
        readInt(*h, "revision", rev);
    return rev;
}

Result<KeyValue> keyValue(const json& j) {
    if (!j.is_object())
        return malformed("kv");
    KeyValue kv;
    if (!readBytes(j, "key", kv.key) || !readBytes(j, "value", kv.value) ||
        !readInt(j, "create_revision", kv.create_revision) ||
        !readInt(j, "mod_revision", kv.mod_revision) || !readInt(j, "version", kv.version) ||
        !readInt(j, "lease", kv.lease))
        return malformed("kv");
    return kv;
}

Result<RangeResponse> range(const json& j) {
    RangeResponse r;
    r.revision = headerRevision(j);
    r.more = readBool(j, "more");
    if (!readInt(j, "count", r.count))
        return malformed("count");
    if (auto kvs = j.find("kvs"); kvs != j.end()) {
        if (!kvs->is_array())
            return malformed("kvs");
        for (const auto& item : *kvs) {
            auto kv = keyValue(item);
            if (!kv)
                return kv.status();
            r.kvs.push_back(std::move(*kv));
        }
    }
    return r;
}

json opJson(const Op& op) {
    switch (op.kind) {
        case Op::Kind::put: {
            json p{{"key", base64Encode(op.key)}, {"value", base64Encode(op.value)}};
            if (op.lease != 0)
                p["lease"] = std::to_string(op.lease);
            return json{{"request_put", p}};
        }
        case Op::Kind::del: {
            json d{{"key", base64Encode(op.key)}};
            if (!op.range_end.empty())
                d["range_end"] = base64Encode(op.range_end);
            return json{{"request_delete_range", d}};
        }
        case Op::Kind::range:
            break;
    }
    json r{{"key", base64Encode(op.key)}};
    if (!op.range_end.empty())
        r["range_end"] = base64Encode(op.range_end);
    return json{{"request_range", r}};
}

const char* targetName(Compare::Target t) {
    switch (t) {
        case Compare::Target::version:
            return "VERSION";
        case Compare::Target::create_revision:
            return "CREATE";
        case Compare::Target::mod_revision:
            return "MOD";
        case Compare::Target::value:
            return "VALUE";
    }
    return "VERSION";
}

const char* resultName(Compare::Result r) {
    switch (r) {
        case Compare::Result::equal:
            return "EQUAL";
        case Compare::Result::greater:
            return "GREATER";
        case Compare::Result::less:
            return "LESS";
        case Compare::Result::not_equal:
            return "NOT_EQUAL";
    }
    return "EQUAL";
}

json compareJson(const Compare& c) {
    json j{{"key", base64Encode(c.key)},
           {"target", targetName(c.target)},
           {"result", resultName(c.result)}};
    switch (c.target) {
        case Compare::Target::version:
            j["version"] = std::to_string(c.number);
            break;
        case Compare::Target::create_revision:
            j["create_revision"] = std::to_string(c.number);
            break;
        case Compare::Target::mod_revision:
            j["mod_revision"] = std::to_string(c.number);
            break;
        case Compare::Target::value:
            j["value"] = base64Encode(c.value);
            break;
    }
    return j;
}

}  // namespace

std::string rangeRequest(const RangeRequest& r) {
    json j{{"key", base64Encode(r.key)}};
    if (!r.range_end.empty())
        j["range_end"] = base64Encode(r.range_end);
    if (r.limit != 0)
        j["limit"] = std::to_string(r.limit);
    if (r.revision != 0)
        j["revision"] = std::to_string(r.revision);
    if (r.keys_only)
        j["keys_only"] = true;
    if (r.count_only)
        j["count_only"] = true;
    return j.dump();
}

std::string putRequest(const std::string& key, const std::string& value, int64_t lease) {
    return opJson(Op::put(key, value, lease))["request_put"].dump();
}

std::string deleteRequest(const std::string& key, const std::string& range_end) {
    Op op = Op::del(key);
    op.range_end = range_end;
    return opJson(op)["request_delete_range"].dump();
}

std::string txnRequest(const std::vector<Compare>& compares,
                       const std::vector<Op>& success,
                       const std::vector<Op>& failure) {
    json j = json::object();
    json c = json::array();
    for (const auto& cmp : compares)
        c.push_back(compareJson(cmp));
    json s = json::array();
    for (const auto& op : success)
        s.push_back(opJson(op));
    json f = json::array();
    for (const auto& op : failure)
        f.push_back(opJson(op));
    j["compare"] = std::move(c);
    j["success"] = std::move(s);
    j["failure"] = std::move(f);
    return j.dump();
}

std::string leaseGrantRequest(int64_t ttl_seconds) {
    return json{{"TTL", std::to_string(ttl_seconds)}}.dump();
}

std::string leaseIdRequest(int64_t id) {
    return json{{"ID", std::to_string(id)}}.dump();
}

std::string watchCreateRequest(const WatchRequest& w) {
    json c{{"key", base64Encode(w.key)}};
    if (!w.range_end.empty())
        c["range_end"] = base64Encode(w.range_end);
    if (w.start_revision != 0)
        c["start_revision"] = std::to_string(w.start_revision);
    return json{{"create_request", c}}.dump();
}

Result<RangeResponse> rangeResponse(const std::string& body) {
    auto j = parse(body);
    if (!j)
        return j.status();
    return range(*j);
}

Result<int64_t> putResponse(const std::string& body) {
    auto j = parse(body);
    if (!j)
        return j.status();
    return headerRevision(*j);
}

Result<int64_t> deleteResponse(const std::string& body) {
    auto j = parse(body);
    if (!j)
        return j.status();
    int64_t deleted = 0;
    if (!readInt(*j, "deleted", deleted))
        return malformed("deleted");
    return deleted;
}

Result<TxnResponse> txnResponse(const std::string& body) {
    auto j = parse(body);
    if (!j)
        return j.status();
    TxnResponse t;
    t.revision = headerRevision(*j);
    t.succeeded = readBool(*j, "succeeded");
    if (auto rs = j->find("responses"); rs != j->end()) {
        if (!rs->is_array())
            return malformed("responses");
        for (const auto& item : *rs) {
            if (!item.is_object())
                return malformed("response");
            OpResponse out;
            if (auto r = item.find("response_range"); r != item.end()) {
                auto rr = range(*r);
                if (!rr)
                    return rr.status();
                out.kind = Op::Kind::range;
                out.range = std::move(*rr);
            } else if (auto d = item.find("response_delete_range"); d != item.end()) {
                out.kind = Op::Kind::del;
                if (!d->is_object() || !readInt(*d, "deleted", out.deleted))
                    return malformed("response_delete_range");
            } else {
                out.kind = Op::Kind::put;
            }
            t.responses.push_back(std::move(out));
        }
    }
    return t;
}

Result<Lease> leaseResponse(const std::string& body) {
    auto j = parse(body);
    if (!j)
        return j.status();
    Lease l;
    if (!readInt(*j, "ID", l.id) || !readInt(*j, "TTL", l.ttl))
        return malformed("lease");
    return l;
}

Result<Lease> keepAliveResponse(const std::string& body) {
    const size_t nl = body.find('\n');
    auto j = parse(nl == std::string::npos ? body : body.substr(0, nl));
    if (!j)
        return j.status();
    if (auto e = j->find("error"); e != j->end())
        return Status::unavailable("etcd keep-alive failed: " + e->dump());
    auto r = j->find("result");
    if (r == j->end() || !r->is_object())
        return malformed("keep-alive result");
    Lease l;
    if (!readInt(*r, "ID", l.id) || !readInt(*r, "TTL", l.ttl))
        return malformed("lease");
    return l;
}

Result<WatchMessage> watchMessage(const std::string& line) {
    auto j = parse(line);
    if (!j)
        return j.status();
    if (auto e = j->find("error"); e != j->end())
        return Status::unavailable("etcd watch failed: " + e->dump());
    auto r = j->find("result");
    if (r == j->end() || !r->is_object())
        return malformed("watch result");
    WatchMessage m;
    m.revision = headerRevision(*r);
    m.created = readBool(*r, "created");
    m.canceled = readBool(*r, "canceled");
    if (auto reason = r->find("cancel_reason"); reason != r->end() && reason->is_string())
        m.cancel_reason = reason->get<std::string>();
    if (!readInt(*r, "compact_revision", m.compact_revision))
        return malformed("compact_revision");
    if (auto events = r->find("events"); events != r->end()) {
        if (!events->is_array())
            return malformed("events");
        for (const auto& e : *events) {
            if (!e.is_object())
                return malformed("event");
            WatchEvent ev;
            if (auto type = e.find("type"); type != e.end() && *type == "DELETE")
                ev.type = WatchEvent::Type::del;
            auto kv = e.find("kv");
            if (kv == e.end())
                return malformed("event kv");
            auto parsed = keyValue(*kv);
            if (!parsed)
                return parsed.status();
            ev.kv = std::move(*parsed);
            m.events.push_back(std::move(ev));
        }
    }
    return m;
}

Status errorOf(unsigned http_status, const std::string& body) {
    json j = json::parse(body, nullptr, false);
    int code = 0;
    std::string message = "HTTP " + std::to_string(http_status);
    if (j.is_object()) {
        if (auto c = j.find("code"); c != j.end() && c->is_number_integer())
            code = c->get<int>();
        if (auto m = j.find("message"); m != j.end() && m->is_string())
            message = m->get<std::string>();
    }
    message = "etcd: " + message;
    switch (code) {
        case 3:
        case 8:  // a message above the gateway's gRPC limit
        case 11:
            return Status::invalidArgument(message);
        case 4:
            return Status::deadlineExceeded(message);
        case 5:
            return Status::notFound(message);
        case 6:
            return Status::conflict(message);
        case 7:
        case 16:
            return Status::permissionDenied(message);
        case 9:
            return Status::failedPrecondition(message);
        default:
            return Status::unavailable(message);
    }
}

}  // namespace vq::etcd::codec
