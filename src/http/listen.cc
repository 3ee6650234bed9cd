#include "http/listen.h"

namespace vq::http {

Status listenOn(boost::asio::ip::tcp::acceptor& acceptor,
                const std::string& address,
                uint16_t port) {
    namespace net = boost::asio;
    boost::system::error_code ec;
    const auto addr = net::ip::make_address(address, ec);
    if (ec)
        return Status::invalidArgument("invalid listen address '" + address + "'");
    const net::ip::tcp::endpoint ep(addr, port);
    acceptor.open(ep.protocol(), ec);
    if (!ec)
        acceptor.set_option(net::ip::tcp::acceptor::reuse_address(true), ec);
    if (!ec)
        acceptor.bind(ep, ec);
    if (!ec)
        acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
        return Status::unavailable("cannot listen on " + address + ":" + std::to_string(port) +
                                   ": " + ec.message());
    }
    return Status::ok();
}

}  // namespace vq::http
