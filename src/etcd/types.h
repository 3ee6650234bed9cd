#pragma once
// The parts of etcd's v3 KV, lease and watch API this project uses, as plain values: what a
// key holds, conditions a transaction compares, the operations it runs, and watch events.
// Revisions, versions and lease ids are etcd's int64s.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vq::etcd {

struct KeyValue {
    std::string key{};
    std::string value{};
    int64_t create_revision = 0;
    int64_t mod_revision = 0;
    int64_t version = 0;  // 0: the key does not exist (in compares)
    int64_t lease = 0;
    bool operator==(const KeyValue&) const = default;
};

// The end of the range of every key starting with `prefix` (etcd's "prefix + 1").
std::string prefixEnd(std::string_view prefix);

struct RangeRequest {
    std::string key{};
    std::string range_end{};  // empty: `key` alone
    int64_t limit = 0;        // 0: no limit
    int64_t revision = 0;     // 0: the newest
    bool keys_only = false;
    bool count_only = false;
    static RangeRequest prefix(std::string_view p) {
        return RangeRequest{std::string(p), prefixEnd(p)};
    }
};

struct RangeResponse {
    int64_t revision = 0;  // the store's revision when it answered
    std::vector<KeyValue> kvs;
    bool more = false;
    int64_t count = 0;
};

struct Compare {
    enum class Target { version, create_revision, mod_revision, value };
    enum class Result { equal, greater, less, not_equal };
    std::string key{};
    Target target = Target::version;
    Result result = Result::equal;
    int64_t number = 0;   // version and revisions
    std::string value{};  // Target::value

    static Compare modRevision(std::string k, int64_t rev) {
        return Compare{std::move(k), Target::mod_revision, Result::equal, rev, {}};
    }
    static Compare createRevision(std::string k, int64_t rev) {
        return Compare{std::move(k), Target::create_revision, Result::equal, rev, {}};
    }
    // The key does not exist.
    static Compare absent(std::string k) {
        return Compare{std::move(k), Target::version, Result::equal, 0, {}};
    }
};

struct Op {
    enum class Kind { put, del, range };
    Kind kind = Kind::range;
    std::string key{};
    std::string value{};      // put
    std::string range_end{};  // del, range
    int64_t lease = 0;        // put

    static Op put(std::string k, std::string v, int64_t lease_id = 0) {
        return Op{Kind::put, std::move(k), std::move(v), {}, lease_id};
    }
    static Op del(std::string k) { return Op{Kind::del, std::move(k), {}, {}, 0}; }
    static Op delPrefix(std::string_view p) {
        return Op{Kind::del, std::string(p), {}, prefixEnd(p), 0};
    }
    static Op get(std::string k) { return Op{Kind::range, std::move(k), {}, {}, 0}; }
};

struct OpResponse {
    Op::Kind kind = Op::Kind::range;
    RangeResponse range;  // Kind::range
    int64_t deleted = 0;  // Kind::del
};

struct TxnResponse {
    bool succeeded = false;
    int64_t revision = 0;
    std::vector<OpResponse> responses;  // of the branch that ran
};

struct WatchEvent {
    enum class Type { put, del };
    Type type = Type::put;
    KeyValue kv;
};

struct WatchRequest {
    std::string key{};
    std::string range_end{};
    int64_t start_revision = 0;  // 0: from now on
};

}  // namespace vq::etcd
