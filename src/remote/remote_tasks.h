#pragma once
// control::TaskSource over the ServerAPI: the agent's long poll for its site's tasks
// (GET /v1/tasks) and its reports (POST /v1/tasks/results), on the agent's session. The
// site is the session's; a transport failure is `unavailable`, so the executor tries again.

#include "control/links.h"
#include "remote/server_session.h"

namespace vq::remote {

class RemoteTasks : public control::TaskSource {
public:
    explicit RemoteTasks(ServerSession& session) : session_(session) {}

    Result<std::vector<control::Task>> lease(std::string_view site,
                                             std::string_view agent,
                                             size_t max,
                                             std::chrono::milliseconds wait) override;
    Status complete(std::string_view site,
                    std::string_view agent,
                    const std::vector<control::TaskResult>& results) override;

private:
    ServerSession& session_;
};

}  // namespace vq::remote
