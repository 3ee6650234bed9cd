#include "http_client.h"

#include <utility>
// (keep <utility> first: Boost 1.74 needs it)
#include <algorithm>
#include <cctype>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace vq::testing {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

namespace {

HttpReply toReply(bhttp::response<bhttp::string_body>& res) {
    HttpReply r;
    r.status = res.result_int();
    for (const auto& f : res) {
        std::string name(f.name_string().data(), f.name_string().size());
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        r.headers[name] = std::string(f.value().data(), f.value().size());
    }
    r.body = std::move(res.body());
    return r;
}

HttpReply exchange(beast::tcp_stream& stream,
                   beast::flat_buffer& buffer,
                   const std::string& target,
                   const std::vector<std::pair<std::string, std::string>>& headers,
                   const std::string& method,
                   bool keep_alive) {
    bhttp::request<bhttp::empty_body> req{bhttp::string_to_verb(method), target, 11};
    req.set(bhttp::field::host, "127.0.0.1");
    for (const auto& [k, v] : headers)
        req.set(k, v);
    req.keep_alive(keep_alive);
    beast::error_code ec;
    stream.expires_after(std::chrono::seconds(10));
    bhttp::write(stream, req, ec);
    if (ec)
        return {};
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(1ull << 30);
    if (method == "HEAD")
        parser.skip(true);
    bhttp::read(stream, buffer, parser, ec);
    if (ec)
        return {};
    return toReply(parser.get());
}

}  // namespace

HttpReply httpGet(uint16_t port,
                  const std::string& target,
                  const std::vector<std::pair<std::string, std::string>>& headers,
                  const std::string& method) {
    net::io_context ioc;
    beast::tcp_stream stream(ioc);
    beast::error_code ec;
    stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
    if (ec)
        return {};
    beast::flat_buffer buffer;
    return exchange(stream, buffer, target, headers, method, false);
}

std::vector<HttpReply> httpGetKeepAlive(uint16_t port, const std::vector<std::string>& targets) {
    net::io_context ioc;
    beast::tcp_stream stream(ioc);
    beast::error_code ec;
    stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
    std::vector<HttpReply> out;
    if (ec)
        return out;
    beast::flat_buffer buffer;
    for (const auto& t : targets)
        out.push_back(exchange(stream, buffer, t, {}, "GET", true));
    return out;
}

std::string rawExchange(uint16_t port, const std::string& bytes) {
    net::io_context ioc;
    beast::tcp_stream stream(ioc);
    beast::error_code ec;
    stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
    if (ec)
        return {};
    stream.expires_after(std::chrono::seconds(5));
    net::write(stream.socket(), net::buffer(bytes), ec);
    std::string out;
    char buf[4096];
    for (int i = 0; i < 10000; ++i) {
        const size_t n = stream.socket().read_some(net::buffer(buf), ec);
        out.append(buf, n);
        if (ec)
            break;
    }
    return out;
}

}  // namespace vq::testing
