// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>
// (keep the include above first)
#include "https/tls_client.h"
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <openssl/x509v3.h>

namespace vq::https {
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using net::redirect_error;
using net::use_awaitable;

namespace {

// The name or address the certificate must carry, and SNI for names.
bool expectPeer(SSL* ssl_handle, const std::string& host) {
    boost::system::error_code ec;
    net::ip::make_address(host, ec);
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl_handle);
    if (!ec)
        return X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) == 1;
    if (SSL_set_tlsext_host_name(ssl_handle, host.c_str()) != 1)
        return false;
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    return X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size()) == 1;
}

std::string describe(const beast::error_code& ec, SSL* ssl_handle) {
    if (ec.category() == net::error::get_ssl_category()) {
        const long verify = SSL_get_verify_result(ssl_handle);
        if (verify != X509_V_OK)
            return std::string("certificate refused: ") + X509_verify_cert_error_string(verify);
    }
    return ec.message();
}

}  // namespace

struct TlsClient::Connection {
    explicit Connection(ssl::context& tls) : stream(ctx, tls) {}
    net::io_context ctx{1};
    beast::ssl_stream<beast::tcp_stream> stream;
    beast::flat_buffer buffer;
    bool connected = false;
    std::chrono::steady_clock::time_point idle_since{};
};

TlsClient::TlsClient(TlsClientOptions options, std::shared_ptr<ssl::context> tls)
    : options_(std::move(options)), tls_(std::move(tls)) {}

TlsClient::~TlsClient() = default;

Result<std::unique_ptr<TlsClient>> TlsClient::create(TlsClientOptions options) {
    auto ctx = clientContext(options.trust);
    if (!ctx)
        return ctx.status();
    return std::unique_ptr<TlsClient>(new TlsClient(std::move(options), std::move(*ctx)));
}

uint64_t TlsClient::connectionsOpened() const {
    std::lock_guard lock(mu_);
    return opened_;
}

std::unique_ptr<TlsClient::Connection> TlsClient::take() const {
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(mu_);
    while (!idle_.empty()) {
        std::unique_ptr<Connection> c = std::move(idle_.back());
        idle_.pop_back();
        if (now - c->idle_since < options_.idle_timeout)
            return c;
    }
    ++opened_;
    return std::make_unique<Connection>(*tls_);
}

void TlsClient::giveBack(std::unique_ptr<Connection> c) const {
    c->idle_since = std::chrono::steady_clock::now();
    std::lock_guard lock(mu_);
    if (idle_.size() < options_.idle_connections)
        idle_.push_back(std::move(c));
}

Result<ClientResponse> TlsClient::send(const ClientRequest& request) const {
    for (int attempt = 0;; ++attempt) {
        std::unique_ptr<Connection> c = take();
        bool retryable = false;
        bool reusable = false;
        auto r = exchange(*c, request, retryable, reusable);
        if (r && reusable) {
            giveBack(std::move(c));
        } else if (!r && retryable && attempt == 0) {
            continue;  // the server had closed that idle connection: once more, on a new one
        }
        return r;
    }
}

Result<ClientResponse> TlsClient::exchange(Connection& c,
                                           const ClientRequest& request,
                                           bool& retryable,
                                           bool& reusable) const {
    Result<ClientResponse> result = Status::unavailable("no answer");
    const std::string where = options_.host + ":" + std::to_string(options_.port);
    const bool reused = c.connected;
    auto& stream = c.stream;

    auto run = [&]() -> net::awaitable<void> {
        beast::error_code ec;
        auto fail = [&](std::string_view step, std::string why) {
            result = Status::unavailable("server " + where + ": " + std::string(step) + ": " + why);
        };
        auto& lowest = beast::get_lowest_layer(stream);
        if (!c.connected) {
            tcp::resolver resolver(c.ctx);
            auto endpoints = co_await resolver.async_resolve(
                options_.host, std::to_string(options_.port), redirect_error(use_awaitable, ec));
            if (ec)
                co_return fail("resolve", ec.message());
            lowest.expires_after(options_.connect_timeout);
            co_await lowest.async_connect(endpoints, redirect_error(use_awaitable, ec));
            if (ec)
                co_return fail("connect", ec.message());
            if (!options_.trust.insecure_skip_verify &&
                !expectPeer(stream.native_handle(), options_.host))
                co_return fail("tls", "cannot set the expected server name");
            co_await stream.async_handshake(ssl::stream_base::client,
                                            redirect_error(use_awaitable, ec));
            if (ec)
                co_return fail("tls handshake", describe(ec, stream.native_handle()));
            c.connected = true;
        }

        bhttp::request<bhttp::string_body> req{request.method, request.target, 11};
        req.set(bhttp::field::host, options_.host);
        req.set(bhttp::field::user_agent, "vaquero-agent");
        if (!request.body.empty() || request.method == http::Method::post)
            req.set(bhttp::field::content_type, request.content_type);
        for (const auto& [name, value] : request.headers)
            req.set(name, value);
        req.keep_alive(options_.idle_connections > 0);
        req.body() = request.body;
        req.prepare_payload();
        lowest.expires_after(request.timeout);
        co_await bhttp::async_write(stream, req, redirect_error(use_awaitable, ec));
        if (ec) {
            retryable = reused;
            co_return fail("send", ec.message());
        }
        bhttp::response_parser<bhttp::string_body> parser;
        parser.body_limit(options_.body_limit);
        co_await bhttp::async_read(stream, c.buffer, parser, redirect_error(use_awaitable, ec));
        if (ec) {
            // Nothing of an answer on a reused connection: the server had closed it, the
            // request was never read.
            retryable = reused && !parser.got_some() && ec != beast::error::timeout;
            co_return fail("receive", ec.message());
        }
        ClientResponse out;
        out.status = parser.get().result_int();
        out.body = std::move(parser.get().body());
        reusable = parser.get().keep_alive() && options_.idle_connections > 0;
        result = std::move(out);
        if (!reusable) {
            lowest.expires_after(std::chrono::seconds(1));
            co_await stream.async_shutdown(redirect_error(use_awaitable, ec));
        }
    };
    c.ctx.restart();
    net::co_spawn(c.ctx, run(), [&result](std::exception_ptr e) {
        if (!e)
            return;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& ex) {
            result = Status::unavailable(std::string("request failed: ") + ex.what());
        }
    });
    c.ctx.run();
    return result;
}

}  // namespace vq::https
