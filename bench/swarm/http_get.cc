#include "http_get.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>

#include "await_util.h"
#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <sys/socket.h>

namespace vq::swarm {

namespace {

using asio::ip::tcp;

constexpr size_t kMaxHeader = 64 * 1024;
constexpr size_t kMaxKeptBody = 4 * 1024 * 1024;

bool iequalsPrefix(std::string_view line, std::string_view name) {
    if (line.size() < name.size())
        return false;
    for (size_t i = 0; i < name.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(line[i])) != name[i])
            return false;
    return true;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

}  // namespace

std::optional<Url> parseUrl(std::string_view text) {
    constexpr std::string_view scheme = "http://";
    if (text.substr(0, scheme.size()) != scheme)
        return std::nullopt;
    text.remove_prefix(scheme.size());
    const size_t slash = text.find('/');
    std::string_view authority = text.substr(0, slash);
    Url u;
    u.target = slash == std::string_view::npos ? "/" : std::string(text.substr(slash));
    const size_t colon = authority.find(':');
    u.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
        auto port = authority.substr(colon + 1);
        auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), u.port);
        if (ec != std::errc() || p != port.data() + port.size())
            return std::nullopt;
    }
    if (!Ipv4::parse(u.host))
        return std::nullopt;
    return u;
}

std::string resolveUrl(std::string_view base, std::string_view ref) {
    if (ref.find("://") != std::string_view::npos)
        return std::string(ref);
    const size_t scheme_end = base.find("://");
    const size_t path_start =
        base.find('/', scheme_end == std::string_view::npos ? 0 : scheme_end + 3);
    const std::string_view origin = base.substr(0, path_start);
    if (!ref.empty() && ref.front() == '/')
        return std::string(origin) + std::string(ref);
    std::string_view path = path_start == std::string_view::npos ? "/" : base.substr(path_start);
    path = path.substr(0, path.find('?'));
    return std::string(origin) + std::string(path.substr(0, path.rfind('/') + 1)) +
           std::string(ref);
}

HttpClient::HttpClient(const asio::any_io_executor& ex, std::string ifname, Ipv4 local)
    : ex_(ex), ifname_(std::move(ifname)), local_(local), socket_(ex) {}

void HttpClient::close() {
    boost::system::error_code ignored;
    socket_.close(ignored);
    connected_to_.clear();
    buffer_.clear();
}

asio::awaitable<bool> HttpClient::connect(const Url& url,
                                          std::string& error,
                                          unsigned& retries,
                                          Clock::time_point deadline) {
    // iPXE sends its SYN again (and resolves the address again) until its TCP timeout: an
    // address that did not resolve, or a SYN lost on the way, is tried again every second
    // until the request's deadline closes the socket.
    for (;;) {
        close();
        boost::system::error_code ec;
        socket_.open(tcp::v4(), ec);
        if (!ec && ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_BINDTODEVICE,
                                ifname_.c_str(), static_cast<socklen_t>(ifname_.size())) != 0)
            ec = boost::system::error_code(errno, boost::system::system_category());
        if (!ec)
            socket_.bind(tcp::endpoint(asio::ip::address_v4(local_.value()), 0), ec);
        if (!ec) {
            tcp::endpoint to(asio::ip::make_address_v4(url.host), url.port);
            co_await socket_.async_connect(to, asio::redirect_error(asio::use_awaitable, ec));
        }
        if (!ec) {
            socket_.set_option(tcp::no_delay(true), ec);
            connected_to_ = url.host + ":" + std::to_string(url.port);
            co_return true;
        }
        error = "connect " + url.host + ":" + std::to_string(url.port) + ": " + ec.message();
        close();
        if (ec != asio::error::host_unreachable && ec != asio::error::timed_out &&
            ec != asio::error::network_unreachable)
            co_return false;
        if (Clock::now() + std::chrono::seconds(1) >= deadline)
            co_return false;
        ++retries;
        asio::steady_timer pause(ex_, std::chrono::seconds(1));
        co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

asio::awaitable<std::optional<HttpAnswer>> HttpClient::exchange(const Url& url,
                                                                bool keep_body,
                                                                std::string& error,
                                                                bool& nothing_received) {
    nothing_received = true;
    const std::string request = "GET " + url.target + " HTTP/1.1\r\nHost: " + connected_to_ +
                                "\r\nUser-Agent: iPXE/1.21.1\r\nConnection: keep-alive\r\n\r\n";
    boost::system::error_code ec;
    co_await asio::async_write(socket_, asio::buffer(request),
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
        error = "send: " + ec.message();
        co_return std::nullopt;
    }
    std::array<char, 64 * 1024> chunk;
    size_t header_end;
    while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
        if (buffer_.size() > kMaxHeader) {
            error = "answer header larger than 64 KiB";
            co_return std::nullopt;
        }
        size_t n = co_await socket_.async_read_some(asio::buffer(chunk),
                                                    asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            error = "reading answer: " + ec.message();
            co_return std::nullopt;
        }
        nothing_received = false;
        buffer_.append(chunk.data(), n);
    }
    nothing_received = false;
    HttpAnswer answer;
    std::string_view head(buffer_.data(), header_end);
    if (head.substr(0, 9) != "HTTP/1.1 " && head.substr(0, 9) != "HTTP/1.0 ") {
        error = "not an HTTP answer";
        co_return std::nullopt;
    }
    std::from_chars(head.data() + 9, head.data() + std::min<size_t>(head.size(), 12),
                    answer.status);
    std::optional<size_t> length;
    bool close_after = head.substr(0, 9) == "HTTP/1.0 ";
    size_t pos = head.find("\r\n");
    while (pos != std::string_view::npos && pos < head.size()) {
        size_t next = head.find("\r\n", pos + 2);
        std::string_view line =
            head.substr(pos + 2, next == std::string_view::npos ? head.npos : next - pos - 2);
        if (iequalsPrefix(line, "content-length:")) {
            auto v = trim(line.substr(15));
            size_t n = 0;
            if (std::from_chars(v.data(), v.data() + v.size(), n).ec == std::errc())
                length = n;
        } else if (iequalsPrefix(line, "transfer-encoding:")) {
            error = "chunked answers are not read by this client";
            co_return std::nullopt;
        } else if (iequalsPrefix(line, "connection:") && trim(line.substr(11)) == "close") {
            close_after = true;
        }
        pos = next;
    }
    buffer_.erase(0, header_end + 4);
    auto take = [&](std::string_view data) {
        answer.bytes += data.size();
        if (keep_body)
            answer.body.append(data);
    };
    if (length) {
        const size_t now = std::min(*length, buffer_.size());
        take(std::string_view(buffer_).substr(0, now));
        buffer_.erase(0, now);
        while (answer.bytes < *length) {
            size_t want = std::min(chunk.size(), *length - answer.bytes);
            size_t n = co_await socket_.async_read_some(
                asio::buffer(chunk.data(), want), asio::redirect_error(asio::use_awaitable, ec));
            if (ec) {
                error = "body cut at " + std::to_string(answer.bytes) + " of " +
                        std::to_string(*length) + " bytes: " + ec.message();
                co_return std::nullopt;
            }
            take(std::string_view(chunk.data(), n));
        }
    } else {
        take(buffer_);
        buffer_.clear();
        for (;;) {
            size_t n = co_await socket_.async_read_some(
                asio::buffer(chunk), asio::redirect_error(asio::use_awaitable, ec));
            if (ec)
                break;  // the end of the body is the end of the connection
            take(std::string_view(chunk.data(), n));
        }
        close_after = true;
    }
    if (keep_body && answer.body.size() > kMaxKeptBody) {
        error = "answer body larger than 4 MiB";
        co_return std::nullopt;
    }
    if (close_after)
        close();
    co_return answer;
}

asio::awaitable<std::optional<HttpAnswer>> HttpClient::get(std::string_view text,
                                                           bool keep_body,
                                                           Clock::time_point deadline,
                                                           std::string& error,
                                                           Timeline& timeline) {
    auto url = parseUrl(text);
    if (!url) {
        error = "not an http:// URL with an IPv4 host: " + std::string(text);
        co_return std::nullopt;
    }
    Deadline guard(ex_, deadline, [this] {
        boost::system::error_code ignored;
        socket_.close(ignored);
    });
    // A kept-alive connection the server has closed fails before any answer: once, like
    // iPXE's connection pool, the request is sent again on a new connection.
    for (int attempt = 0; attempt < 2; ++attempt) {
        const bool reused =
            !connected_to_.empty() && connected_to_ == url->host + ":" + std::to_string(url->port);
        if (!reused && !co_await connect(*url, error, timeline.http_retries, deadline))
            break;
        bool nothing_received = false;
        auto answer = co_await exchange(*url, keep_body, error, nothing_received);
        if (answer) {
            error.clear();  // a connect tried again before this answer is no error
            co_return answer;
        }
        close();
        if (!(reused && nothing_received) || guard.passed())
            break;
        ++timeline.http_retries;
    }
    if (guard.passed())
        error = "no complete answer before the deadline (" + error + ")";
    error = std::string(text) + ": " + error;
    co_return std::nullopt;
}

}  // namespace vq::swarm
