#include "remote/remote_tasks.h"

#include "control/wire.h"

namespace vq::remote {
namespace wire = control::wire;

Result<std::vector<control::Task>> RemoteTasks::lease(std::string_view site,
                                                      std::string_view,
                                                      size_t max,
                                                      std::chrono::milliseconds wait) {
    https::ClientRequest req;
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(wait).count();
    req.target = std::string(wire::kTasks) + "?wait=" + std::to_string(seconds) +
                 "&max=" + std::to_string(max);
    req.timeout = wait + std::chrono::seconds(10);
    auto resp = session_.send(req);
    if (!resp)
        return resp.status();
    if (resp->status != 200)
        return Status::unavailable("tasks refused (" + std::to_string(resp->status) +
                                   "): " + wire::errorMessage(resp->body));
    auto tasks = wire::decodeTasks(resp->body);
    if (!tasks)
        return tasks.status();
    for (auto& t : *tasks)
        t.site = std::string(site);
    return tasks;
}

Status RemoteTasks::complete(std::string_view,
                             std::string_view,
                             const std::vector<control::TaskResult>& results) {
    for (size_t at = 0; at < results.size(); at += wire::kMaxTasksPerCall) {
        const auto end = std::min(results.size(), at + wire::kMaxTasksPerCall);
        https::ClientRequest req;
        req.method = http::Method::post;
        req.target = std::string(wire::kTaskResults);
        req.body = wire::encodeTaskResults(
            std::vector<control::TaskResult>(results.begin() + static_cast<ptrdiff_t>(at),
                                             results.begin() + static_cast<ptrdiff_t>(end)));
        req.timeout = std::chrono::seconds(30);
        auto resp = session_.send(req);
        if (!resp)
            return resp.status();
        // A server that cannot take them now (5xx) gets them again; a refusal (4xx) would
        // refuse them forever: they are dropped, the server's deadline decides.
        if (resp->status >= 500)
            return Status::unavailable("task results refused (" + std::to_string(resp->status) +
                                       "): " + wire::errorMessage(resp->body));
    }
    return Status::ok();
}

}  // namespace vq::remote
