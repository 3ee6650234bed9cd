#include "server/agent_registry.h"

#include <fmt/chrono.h>
#include <nlohmann/json.hpp>

namespace vq::server {

void AgentRegistry::touch(const std::string& site,
                          const std::string& agent,
                          const std::string& address,
                          std::optional<std::string> version,
                          std::optional<uint64_t> revision) {
    std::lock_guard lock(mu_);
    Record& r = agents_[{site, agent}];
    r.address = address;
    r.last_contact = std::chrono::system_clock::now();
    if (version)
        r.version = std::move(*version);
    if (revision)
        r.revision = *revision;
}

std::string AgentRegistry::json() const {
    nlohmann::json list = nlohmann::json::array();
    std::lock_guard lock(mu_);
    for (const auto& [key, r] : agents_) {
        const auto secs = std::chrono::time_point_cast<std::chrono::seconds>(r.last_contact);
        list.push_back({{"site", key.first},
                        {"agent", key.second},
                        {"version", r.version},
                        {"revision", r.revision},
                        {"address", r.address},
                        {"last_contact",
                         fmt::format("{:%Y-%m-%dT%H:%M:%SZ}",
                                     fmt::gmtime(std::chrono::system_clock::to_time_t(secs)))}});
    }
    return nlohmann::json{{"data", std::move(list)}}.dump();
}

size_t AgentRegistry::size() const {
    std::lock_guard lock(mu_);
    return agents_.size();
}

}  // namespace vq::server
