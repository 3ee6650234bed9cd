#include "store/etcd_rollout_store.h"

#include <algorithm>
#include <charconv>

#include <openssl/evp.h>

#include "store/state_json.h"

namespace vq::store {
namespace {

std::string sha256Hex(std::string_view bytes) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < len; ++i) {
        out += kHex[digest[i] >> 4];
        out += kHex[digest[i] & 15];
    }
    return out;
}

std::optional<uint64_t> parseNumber(std::string_view v) {
    uint64_t n = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || p != v.data() + v.size())
        return std::nullopt;
    return n;
}

}  // namespace

Result<workflow::RolloutState> EtcdRolloutStore::loadRollout(size_t history) {
    auto kvs = readSiteRecords(writer_->client(), keys_);
    if (!kvs)
        return kvs.status();
    workflow::RolloutState state;
    auto follow = writer_->client().get(keys_.rolloutFollow());
    if (!follow)
        return follow.status();
    if (*follow) {
        auto n = parseNumber((*follow)->value);
        if (!n)
            return Status::internal(keys_.rolloutFollow() + ": not a number: " + (*follow)->value);
        state.follow = *n;
    }
    std::lock_guard lock(mu_);
    history_.clear();
    for (const auto& kv : *kvs) {
        auto parsed = keys_.parse(kv.key);
        if (!parsed)
            continue;
        if (parsed->kind == "hosts") {
            auto h = json::host(kv.value);
            if (!h)
                return h.status().prefixed(kv.key);
            state.hosts.push_back(std::move(*h));
        } else if (parsed->kind == "flows") {
            auto f = json::flow(kv.value);
            if (!f)
                return f.status().prefixed(kv.key);
            state.flows.push_back(std::move(*f));
        } else if (parsed->kind == "history") {
            auto h = json::history(kv.value);
            if (!h)
                return h.status().prefixed(kv.key);
            const std::string key = parsed->site + "/" + parsed->name;
            auto& kept = history_[key];
            kept.assign(h->begin(), h->end());
            while (kept.size() > history)
                kept.pop_front();
            state.history[key] = std::vector<workflow::StoredTransition>(kept.begin(), kept.end());
        }
    }
    return state;
}

workflow::RolloutStore::Ticket EtcdRolloutStore::saveRollout(
    workflow::RolloutChanges changes,
    std::vector<workflow::StoredTransition> transitions,
    size_t history) {
    std::lock_guard lock(mu_);
    // etcd refuses two puts of one key in a transaction: the newest record of each wins.
    std::map<std::string, std::string> puts;
    for (const auto& h : changes.hosts)
        puts[keys_.record("hosts", h.key)] = json::ofHost(h);
    for (const auto& f : changes.flows)
        puts[keys_.record("flows", f.id)] = json::ofFlow(f);
    std::vector<etcd::Op> ops;
    for (auto& [key, value] : puts)
        ops.push_back(etcd::Op::put(key, std::move(value)));
    std::set<std::string> touched;
    for (auto& t : transitions) {
        auto& kept = history_[t.transition.host];
        touched.insert(t.transition.host);
        kept.push_back(std::move(t));
        while (kept.size() > history)
            kept.pop_front();
    }
    for (const auto& host : touched) {
        const auto& kept = history_[host];
        ops.push_back(etcd::Op::put(
            keys_.record("history", host),
            json::ofHistory(std::vector<workflow::StoredTransition>(kept.begin(), kept.end()))));
    }
    // Last: the writer keeps the order, so it lands with the records or after them.
    if (changes.follow != 0)
        ops.push_back(etcd::Op::put(keys_.rolloutFollow(), std::to_string(changes.follow)));
    return writer_->submit(std::move(ops));
}

Status EtcdRolloutStore::wait(Ticket ticket) {
    return writer_->wait(ticket);
}

Status EtcdRolloutStore::saveRevision(const workflow::StoredRevision& revision) {
    json::RevisionMeta meta;
    meta.revision = revision;
    meta.revision.bundle.clear();
    meta.size = revision.bundle.size();
    meta.chunks = (revision.bundle.size() + kChunkBytes - 1) / kChunkBytes;
    meta.sha256 = sha256Hex(revision.bundle);
    // A revision written again (same number) starts from nothing (etcd refuses a delete
    // and a put of one key in one transaction, hence two writes); its metadata goes last.
    VQ_TRY(writer_->write({etcd::Op::delPrefix(keys_.revisionDir(revision.number))}));
    std::vector<etcd::Op> ops;
    for (uint64_t i = 0; i < meta.chunks; ++i) {
        ops.push_back(etcd::Op::put(keys_.revisionChunk(revision.number, i),
                                    revision.bundle.substr(i * kChunkBytes, kChunkBytes)));
    }
    ops.push_back(etcd::Op::put(keys_.revisionMeta(revision.number), json::ofRevisionMeta(meta)));
    return writer_->write(ops);
}

Result<uint64_t> EtcdRolloutStore::allocateRevisionNumber(uint64_t at_least) {
    // Only one server writes (the leader, its writes fenced), and revisions are published
    // one at a time: read, then write the next number before this one is used. The stored
    // revisions count too, for a keyspace written before the counter existed (or migrated).
    auto counter = writer_->client().get(keys_.revisionCounter());
    if (!counter)
        return counter.status();
    uint64_t number = std::max<uint64_t>(at_least, 1);
    if (*counter) {
        auto stored = parseNumber((*counter)->value);
        if (!stored)
            return Status::error(keys_.revisionCounter() + ": not a number: " + (*counter)->value);
        number = std::max(number, *stored);
    }
    auto numbers = revisionNumbers();
    if (!numbers)
        return numbers.status();
    if (!numbers->empty())
        number = std::max(number, numbers->back() + 1);
    VQ_TRY(writer_->write({etcd::Op::put(keys_.revisionCounter(), std::to_string(number + 1))}));
    return number;
}

Result<std::vector<uint64_t>> EtcdRolloutStore::revisionNumbers() {
    const std::string prefix = keys_.revisionsPrefix();
    auto keys = writer_->client().getRange(prefix, etcd::prefixEnd(prefix), true);
    if (!keys)
        return keys.status();
    std::vector<uint64_t> out;
    for (const auto& kv : keys->kvs) {
        std::string_view rest(kv.key);
        rest.remove_prefix(prefix.size());
        if (!rest.ends_with("/meta"))
            continue;
        rest.remove_suffix(5);
        uint64_t n = 0;
        auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), n);
        if (ec == std::errc() && p == rest.data() + rest.size())
            out.push_back(n);
    }
    std::sort(out.begin(), out.end());
    return out;
}

Result<std::optional<workflow::StoredRevision>> EtcdRolloutStore::revision(uint64_t number) {
    using Found = std::optional<workflow::StoredRevision>;
    auto kv = writer_->client().get(keys_.revisionMeta(number));
    if (!kv)
        return kv.status();
    if (!*kv)
        return Found();
    auto meta = json::revisionMeta((*kv)->value);
    if (!meta)
        return meta.status();
    const std::string chunks = keys_.revisionDir(number) + "chunk/";
    auto parts = writer_->client().getPrefix(chunks);
    if (!parts)
        return parts.status();
    workflow::StoredRevision out = meta->revision;
    for (const auto& part : parts->kvs)
        out.bundle += part.value;
    if (parts->kvs.size() != meta->chunks || out.bundle.size() != meta->size ||
        sha256Hex(out.bundle) != meta->sha256)
        return Status::internal("etcd store: revision " + std::to_string(number) +
                                " is damaged (its chunks do not match its size and hash)");
    return Found(std::move(out));
}

Result<std::optional<workflow::StoredRevision>> EtcdRolloutStore::latestRevision() {
    auto numbers = revisionNumbers();
    if (!numbers)
        return numbers.status();
    if (numbers->empty())
        return std::optional<workflow::StoredRevision>();
    return revision(numbers->back());
}

Status EtcdRolloutStore::pruneRevisions(size_t keep, const std::set<uint64_t>& pinned) {
    auto numbers = revisionNumbers();
    if (!numbers)
        return numbers.status();
    std::vector<etcd::Op> ops;
    const size_t n = numbers->size();
    for (size_t i = 0; i + keep < n; ++i) {
        const uint64_t number = (*numbers)[i];
        if (pinned.contains(number))
            continue;
        // One range: metadata and chunks go in the same transaction.
        ops.push_back(etcd::Op::delPrefix(keys_.revisionDir(number)));
    }
    return writer_->write(ops);
}

}  // namespace vq::store
