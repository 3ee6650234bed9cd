#include "etcd/client.h"

#include "etcd/codec.h"

namespace vq::etcd {

Watch::Watch(std::shared_ptr<Transport> transport,
             WatchRequest request,
             OnEvents on_events,
             OnEnd on_end)
    : cancel_(std::make_shared<StreamCancel>()) {
    thread_ = std::thread([transport = std::move(transport), request = std::move(request),
                           on_events = std::move(on_events), on_end = std::move(on_end),
                           cancel = cancel_] {
        Status why = Status::ok();
        Status st = transport->stream(
            "/v3/watch", codec::watchCreateRequest(request),
            [&](std::string_view line) {
                auto msg = codec::watchMessage(std::string(line));
                if (!msg) {
                    why = msg.status();
                    return false;
                }
                if (msg->canceled) {
                    why = Status::unavailable(
                        "etcd canceled the watch: " +
                        (msg->compact_revision != 0
                             ? "compacted at revision " + std::to_string(msg->compact_revision)
                             : msg->cancel_reason));
                    return false;
                }
                if (!msg->events.empty() && on_events)
                    on_events(msg->events, msg->revision);
                return true;
            },
            cancel);
        if (cancel->cancelled())
            return;
        if (!st)
            why = st;
        else if (why)
            why = Status::unavailable("the etcd watch ended");
        if (on_end)
            on_end(why);
    });
}

Watch::~Watch() {
    stop();
}

void Watch::stop() {
    cancel_->cancel();
    if (thread_.joinable())
        thread_.join();
}

Client::Client(std::shared_ptr<Transport> transport, ClientOptions options)
    : transport_(std::move(transport)), options_(options) {}

Result<std::string> Client::call(std::string_view path, const std::string& body) {
    auto reply = transport_->post(path, body, options_.timeout);
    if (!reply)
        return reply.status();
    if (reply->status != 200)
        return codec::errorOf(reply->status, reply->body);
    return std::move(reply->body);
}

Result<RangeResponse> Client::range(const RangeRequest& request) {
    auto body = call("/v3/kv/range", codec::rangeRequest(request));
    if (!body)
        return body.status();
    return codec::rangeResponse(*body);
}

Result<std::optional<KeyValue>> Client::get(const std::string& key) {
    RangeRequest req;
    req.key = key;
    auto r = range(req);
    if (!r)
        return r.status();
    if (r->kvs.empty())
        return std::optional<KeyValue>();
    return std::optional<KeyValue>(std::move(r->kvs.front()));
}

Result<RangeResponse> Client::getRange(const std::string& key,
                                       const std::string& range_end,
                                       bool keys_only) {
    RangeRequest req;
    req.key = key;
    req.range_end = range_end;
    req.keys_only = keys_only;
    req.limit = options_.page;
    RangeResponse all;
    for (;;) {
        auto page = range(req);
        if (!page)
            return page.status();
        if (req.revision == 0) {
            req.revision = page->revision;  // the next pages read the same snapshot
            all.revision = page->revision;
        }
        for (auto& kv : page->kvs)
            all.kvs.push_back(std::move(kv));
        if (!page->more || all.kvs.empty())
            break;
        req.key = all.kvs.back().key + std::string(1, '\0');
    }
    all.count = static_cast<int64_t>(all.kvs.size());
    return all;
}

Result<int64_t> Client::put(const std::string& key, const std::string& value, int64_t lease) {
    auto body = call("/v3/kv/put", codec::putRequest(key, value, lease));
    if (!body)
        return body.status();
    return codec::putResponse(*body);
}

Result<int64_t> Client::del(const std::string& key, const std::string& range_end) {
    auto body = call("/v3/kv/deleterange", codec::deleteRequest(key, range_end));
    if (!body)
        return body.status();
    return codec::deleteResponse(*body);
}

Result<TxnResponse> Client::txn(const std::vector<Compare>& compares,
                                const std::vector<Op>& success,
                                const std::vector<Op>& failure) {
    auto body = call("/v3/kv/txn", codec::txnRequest(compares, success, failure));
    if (!body)
        return body.status();
    return codec::txnResponse(*body);
}

Result<int64_t> Client::leaseGrant(int64_t ttl_seconds) {
    auto body = call("/v3/lease/grant", codec::leaseGrantRequest(ttl_seconds));
    if (!body)
        return body.status();
    auto lease = codec::leaseResponse(*body);
    if (!lease)
        return lease.status();
    if (lease->id == 0)
        return Status::unavailable("etcd granted no lease");
    return lease->id;
}

Result<int64_t> Client::leaseKeepAlive(int64_t id) {
    auto body = call("/v3/lease/keepalive", codec::leaseIdRequest(id));
    if (!body)
        return body.status();
    auto lease = codec::keepAliveResponse(*body);
    if (!lease)
        return lease.status();
    if (lease->ttl <= 0)
        return Status::notFound("etcd lease " + std::to_string(id) + " expired");
    return lease->ttl;
}

Status Client::leaseRevoke(int64_t id) {
    auto body = call("/v3/lease/revoke", codec::leaseIdRequest(id));
    return body ? Status::ok() : body.status();
}

std::unique_ptr<Watch> Client::watch(WatchRequest request,
                                     Watch::OnEvents on_events,
                                     Watch::OnEnd on_end) {
    return std::make_unique<Watch>(transport_, std::move(request), std::move(on_events),
                                   std::move(on_end));
}

}  // namespace vq::etcd
