#pragma once
// The agents the server has heard from, for `GET /agents` on the User API: site, agent id,
// version, the revision it reported serving, its address and when it last called.

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

namespace vq::server {

class AgentRegistry {
public:
    // Records a call; unset fields keep what the agent said before.
    void touch(const std::string& site,
               const std::string& agent,
               const std::string& address,
               std::optional<std::string> version = std::nullopt,
               std::optional<uint64_t> revision = std::nullopt);
    // {"data": [{"site", "agent", "version", "revision", "address", "last_contact"}]}
    std::string json() const;
    size_t size() const;

private:
    struct Record {
        std::string version;
        uint64_t revision = 0;
        std::string address;
        std::chrono::system_clock::time_point last_contact;
    };
    mutable std::mutex mu_;
    std::map<std::pair<std::string, std::string>, Record> agents_;
};

}  // namespace vq::server
