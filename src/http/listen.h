#pragma once
// Opens, binds and listens an acceptor on an address and port: the same for the plain HTTP
// server and the TLS listener. A bad address is invalid_argument; a port that cannot be
// bound is unavailable, naming the address and the reason.

#include <cstdint>
#include <string>

#include <boost/asio/ip/tcp.hpp>

#include "base/result.h"

namespace vq::http {

Status listenOn(boost::asio::ip::tcp::acceptor& acceptor,
                const std::string& address,
                uint16_t port);

}  // namespace vq::http
