#include "server/sot_status_route.h"

#include "git/url_redaction.h"
#include <fmt/chrono.h>
#include <nlohmann/json.hpp>

#include "server/git_sot_source.h"

namespace vq::server {
namespace {

std::string isoTime(std::chrono::system_clock::time_point t) {
    return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", std::chrono::floor<std::chrono::seconds>(t));
}

nlohmann::json attemptJson(const GitSotAttempt& a) {
    nlohmann::json j{{"trigger", a.trigger},
                     {"at", isoTime(a.at)},
                     {"outcome", std::string(toString(a.outcome))},
                     {"commit", a.commit},
                     {"errors", a.errors},
                     {"release_tags", a.release_tags}};
    if (!a.reason.empty())
        j["reason"] = a.reason;
    if (!a.config.empty())
        j["config"] = a.config;
    return j;
}

nlohmann::json sotJson(const SotSourceConfig& sot, const GitSotSource* git) {
    nlohmann::json j{{"id", sot.id}};
    if (git == nullptr) {
        j["kind"] = "local";
        j["root"] = sot.root;
    } else {
        j["kind"] = "git";
        j["url"] = git::urlWithoutCredentials(git->hook().url);
        j["hook"] = git->hook().id;
        j["branch"] = sot.branch;
        j["served_commit"] = git->servedCommit();
        const auto last = git->lastAttempt();
        if (!last.trigger.empty())
            j["last_attempt"] = attemptJson(last);
    }
    return j;
}

}  // namespace

void addSotStatusRoute(http::Router& router, const std::vector<SotView>& views) {
    router.exact("/sot", [views](const http::Request&) {
        nlohmann::json all = nlohmann::json::array();
        for (const auto& v : views) {
            if (v.sot != nullptr)
                all.push_back(sotJson(*v.sot, v.git));
        }
        const nlohmann::json body = all.size() == 1 ? all[0] : nlohmann::json{{"sots", all}};
        return http::Response::json(200, body.dump(2) + "\n");
    });
}

}  // namespace vq::server
