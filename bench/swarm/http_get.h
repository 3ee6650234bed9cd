#pragma once
// The HTTP side of a simulated boot: GETs over one connection kept alive (as iPXE keeps its
// connection to a server), from the machine's own address and interface. Bodies are kept
// only when the caller reads them (scripts, configs); kernels and initrds are counted.
#include <optional>
#include <string>
#include <string_view>
#include <utility>  // boost 1.74 awaitable.hpp uses std::exchange without it

#include "timeline.h"
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "base/ipv4.h"

namespace vq::swarm {

struct Url {
    std::string host;  // an IPv4 literal: firmware here resolves no names
    uint16_t port = 80;
    std::string target;  // path and query
};

std::optional<Url> parseUrl(std::string_view text);
// `ref` relative to `base` (an absolute URL, an absolute path, or a relative path).
std::string resolveUrl(std::string_view base, std::string_view ref);

struct HttpAnswer {
    int status = 0;
    std::string body;  // empty unless kept
    size_t bytes = 0;  // body bytes received
};

class HttpClient {
public:
    HttpClient(const boost::asio::any_io_executor& ex, std::string ifname, Ipv4 local);

    // nullopt with `error` set on a network failure, a malformed answer or the deadline.
    boost::asio::awaitable<std::optional<HttpAnswer>> get(std::string_view url,
                                                          bool keep_body,
                                                          Clock::time_point deadline,
                                                          std::string& error,
                                                          Timeline& timeline);
    void close();

private:
    boost::asio::awaitable<bool> connect(const Url& url,
                                         std::string& error,
                                         unsigned& retries,
                                         Clock::time_point deadline);
    boost::asio::awaitable<std::optional<HttpAnswer>> exchange(const Url& url,
                                                               bool keep_body,
                                                               std::string& error,
                                                               bool& nothing_received);

    boost::asio::any_io_executor ex_;
    std::string ifname_;
    Ipv4 local_;
    boost::asio::ip::tcp::socket socket_;
    std::string connected_to_;  // "host:port" of the open connection, empty when none
    std::string buffer_;        // bytes read past the previous answer
};

}  // namespace vq::swarm
