#pragma once
// What a `vaquero server` with Etcd.HA stores as the value of <Root>/leader while it leads:
// its id (host/pid@UserApi, for operators) and where its ServerAPI, User API and Gitter
// listen, so that the other servers know where to forward what only the leader may do.
//   "vq1/4242@127.0.0.1:24604 server_api=10.0.0.5:24601 user_api=10.0.0.5:24604"
// Parsing is lenient: a value without endpoints (an older server) is only an id; a field
// that does not parse is absent, never an error.

#include <optional>
#include <string>
#include <string_view>

#include "server/config.h"

namespace vq::server {

struct LeaderRecord {
    std::string id;
    std::optional<Endpoint> server_api;
    std::optional<Endpoint> user_api;
    std::optional<Endpoint> gitter;  // only when the SoT is fed from git
};

std::string encodeLeaderRecord(const LeaderRecord& record);
LeaderRecord parseLeaderRecord(std::string_view value);

// The address others reach a listener on: its configured address, or `hostname` when it
// listens on every address (0.0.0.0, ::, empty).
Endpoint advertisedEndpoint(const Endpoint& listen, std::string_view hostname);

// "host:port", IPv6 hosts in brackets.
std::string toString(const Endpoint& e);

}  // namespace vq::server
