#pragma once
// The agent's authenticated line to its server: logs in with the shared secret (a login JWT
// of {site_id, agent_id, exp}), keeps the session token the server answers and renews it a
// minute before it expires, or at once when the server refuses it. Thread-safe.
//
// The renewal runs on the monotonic clock, from the lifetime the server answers
// (`expires_in`): a wall clock that jumps, or differs from the server's, neither makes the
// agent log in again on every request nor keep a session the server no longer accepts
// (that one is refused and renewed at once). The login token's own minute of validity is
// the one thing that reads the agent's wall clock: it must be within a minute of the
// server's when the agent logs in.

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "https/tls_client.h"

#include "base/result.h"

namespace vq::remote {

struct SessionOptions {
    https::TlsClientOptions client;
    std::string shared_secret;
    std::string site_id;
    std::string agent_id;
    std::string version;
};

class ServerSession {
public:
    static Result<std::unique_ptr<ServerSession>> create(SessionOptions options);

    // Sends with the session token (logging in first when needed). Transport failures are
    // `unavailable`, and so is a login answered 503 (a server without a leader to ask); a
    // refused login is `permission_denied` with the server's reason; any
    // other HTTP answer is returned as is.
    Result<https::ClientResponse> send(https::ClientRequest request);
    // Logs in now (start-up checks, tests).
    Status login();

private:
    ServerSession(SessionOptions options, std::unique_ptr<https::TlsClient> client);
    Result<std::string> token();

    SessionOptions options_;
    std::unique_ptr<https::TlsClient> client_;
    std::mutex mu_;
    std::string session_;
    std::chrono::steady_clock::time_point renew_at_{};
};

}  // namespace vq::remote
