#pragma once
// A tiny blocking HTTP client for tests, over loopback only.

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace vq::testing {

struct HttpReply {
    unsigned status = 0;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
    std::string header(const std::string& lower_name) const {
        auto it = headers.find(lower_name);
        return it == headers.end() ? std::string() : it->second;
    }
};

// One request on its own connection; status 0 when the connection failed.
HttpReply httpGet(uint16_t port,
                  const std::string& target,
                  const std::vector<std::pair<std::string, std::string>>& headers = {},
                  const std::string& method = "GET");

// Several requests on one keep-alive connection.
std::vector<HttpReply> httpGetKeepAlive(uint16_t port, const std::vector<std::string>& targets);

// Sends raw bytes, returns everything the server sends until it closes (bounded by 5 s).
std::string rawExchange(uint16_t port, const std::string& bytes);

}  // namespace vq::testing
