#include "server/leader_record.h"

#include <charconv>
#include <vector>

namespace vq::server {
namespace {

std::optional<Endpoint> parseEndpoint(std::string_view s) {
    const auto colon = s.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == s.size())
        return std::nullopt;
    std::string_view host = s.substr(0, colon);
    const std::string_view port_text = s.substr(colon + 1);
    int port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port <= 0 ||
        port > 65535)
        return std::nullopt;
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    if (host.empty())
        return std::nullopt;
    return Endpoint{std::string(host), port};
}

std::vector<std::string_view> words(std::string_view s) {
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && s[i] == ' ')
            ++i;
        const size_t start = i;
        while (i < s.size() && s[i] != ' ')
            ++i;
        if (i > start)
            out.push_back(s.substr(start, i - start));
    }
    return out;
}

}  // namespace

std::string toString(const Endpoint& e) {
    const bool v6 = e.addr.find(':') != std::string::npos;
    return (v6 ? "[" + e.addr + "]" : e.addr) + ":" + std::to_string(e.port);
}

std::string encodeLeaderRecord(const LeaderRecord& record) {
    std::string out = record.id;
    auto add = [&out](const char* key, const std::optional<Endpoint>& e) {
        if (e)
            out += std::string(" ") + key + "=" + toString(*e);
    };
    add("server_api", record.server_api);
    add("user_api", record.user_api);
    add("gitter", record.gitter);
    return out;
}

LeaderRecord parseLeaderRecord(std::string_view value) {
    LeaderRecord r;
    const auto all = words(value);
    if (all.empty())
        return r;
    r.id = std::string(all.front());
    for (size_t i = 1; i < all.size(); ++i) {
        const auto eq = all[i].find('=');
        if (eq == std::string_view::npos)
            continue;
        const std::string_view key = all[i].substr(0, eq);
        auto endpoint = parseEndpoint(all[i].substr(eq + 1));
        if (key == "server_api")
            r.server_api = endpoint;
        else if (key == "user_api")
            r.user_api = endpoint;
        else if (key == "gitter")
            r.gitter = endpoint;
    }
    return r;
}

Endpoint advertisedEndpoint(const Endpoint& listen, std::string_view hostname) {
    if (listen.addr.empty() || listen.addr == "0.0.0.0" || listen.addr == "::" ||
        listen.addr == "[::]")
        return Endpoint{std::string(hostname), listen.port};
    return listen;
}

}  // namespace vq::server
