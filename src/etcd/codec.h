#pragma once
// etcd's v3 messages as the JSON gateway spells them: bytes in base64, int64s as strings
// (numbers accepted too), zero values left out, enums by name. Decoding never trusts its
// input: anything malformed is an error, never a crash.

#include <string>

#include "etcd/types.h"

#include "base/result.h"

namespace vq::etcd::codec {

std::string rangeRequest(const RangeRequest& r);
std::string putRequest(const std::string& key, const std::string& value, int64_t lease);
std::string deleteRequest(const std::string& key, const std::string& range_end);
std::string txnRequest(const std::vector<Compare>& compares,
                       const std::vector<Op>& success,
                       const std::vector<Op>& failure);
std::string leaseGrantRequest(int64_t ttl_seconds);
std::string leaseIdRequest(int64_t id);
std::string watchCreateRequest(const WatchRequest& w);

Result<RangeResponse> rangeResponse(const std::string& body);
// The revision the write was applied at.
Result<int64_t> putResponse(const std::string& body);
// How many keys were deleted.
Result<int64_t> deleteResponse(const std::string& body);
Result<TxnResponse> txnResponse(const std::string& body);
struct Lease {
    int64_t id = 0;
    int64_t ttl = 0;  // seconds left; 0: the lease is gone
};
Result<Lease> leaseResponse(const std::string& body);
// A keep-alive answers one streamed line {"result": {...}}.
Result<Lease> keepAliveResponse(const std::string& body);

struct WatchMessage {
    int64_t revision = 0;
    bool created = false;
    bool canceled = false;
    std::string cancel_reason;
    int64_t compact_revision = 0;
    std::vector<WatchEvent> events;
};
Result<WatchMessage> watchMessage(const std::string& line);

// A non-200 answer of the gateway ({"code":N,"message":..}) as a Status: etcd's gRPC code
// mapped (5 not_found, 9 failed_precondition, 14 unavailable, 4 deadline, 3 invalid, ...).
Status errorOf(unsigned http_status, const std::string& body);

}  // namespace vq::etcd::codec
