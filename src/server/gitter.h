#pragma once
// The Gitter (config `Gitter`, default 127.0.0.1:24603): receives a git hosting's push
// webhooks on POST <Endpoint>/<GitHook.ID> (default /postreceive/<id>) and refreshes every
// git SoT bound to that hook. Answers:
//   404  no GitHook with that ID
//   401  the hook has a Secret and the delivery's X-Hub-Signature-256 (or, for older
//        hooks, X-Hub-Signature) is missing or wrong; nothing is fetched
//   400  not a push event body
//   200  ping events; a push that loaded (JSON: each SoT's outcome, revision commit)
//   202  a push to a ref no SoT follows, or an event other than push: ignored
//   422  the pushed SoT has errors (listed, file:line:col); the last good one keeps serving
//   502  the repository could not be fetched
// A push of a tag refreshes every SoT of the hook: a site's env.release_tag may name it.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "http/request.h"
#include "http/response.h"
#include "http/router.h"
#include "server/config.h"
#include "server/push_target.h"

namespace vq::http {
class Server;
}

namespace vq::server {

// The largest delivery read (GitHub caps its payloads at 25 MB; a push event of a SoT
// repository is a few kB, large ones list many commits).
inline constexpr uint64_t kWebhookBodyLimit = 4 * 1024 * 1024;

class Gitter {
public:
    // `sources` must outlive the Gitter.
    Gitter(GitterConfig config, std::vector<GitHookConfig> hooks, std::vector<PushTarget*> sources);
    ~Gitter();

    // One delivery; req.rest is the hook ID (what follows <Endpoint>/).
    http::Response handle(const http::Request& req) const;
    // The path prefix routed to handle(): "<Endpoint>/".
    std::string routePrefix() const;

    // Listens on Gitter.Addr:Port; a port that cannot be bound is an error.
    Status start();
    void stop();
    uint16_t port() const;  // 0 when not listening

private:
    GitterConfig config_;
    std::vector<GitHookConfig> hooks_;
    std::vector<PushTarget*> sources_;
    std::unique_ptr<http::Server> listener_;
};

}  // namespace vq::server
