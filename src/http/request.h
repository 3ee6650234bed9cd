#pragma once
// What a handler sees of a request. The local endpoint matters: on a multihomed agent the
// URLs in a boot script must use the address the host reached us on (agentURL).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/verb.hpp>

#include "base/ipv4.h"
#include "http/query.h"

namespace vq::http {

using Method = boost::beast::http::verb;

struct Endpoint {
    std::string address;  // textual IP ("10.0.0.1"; IPv4-mapped IPv6 is unmapped)
    uint16_t port = 0;

    std::optional<Ipv4> ipv4() const { return Ipv4::parse(address); }
    std::string hostPort() const;  // "10.0.0.1:24602", "[::1]:24602"
};

struct Request {
    Method method = Method::get;
    std::string target;  // raw request-target, e.g. "/ipxe?mac=aa-bb-.."
    std::string path;    // target up to '?', still percent-encoded
    std::string rest;    // for prefix routes: path after the prefix, still percent-encoded
    Query query;         // decoded query parameters
    std::string body;
    Endpoint local;   // the address:port the connection arrived on
    Endpoint remote;  // the peer
    const boost::beast::http::fields* fields = nullptr;

    // A header value, empty when absent.
    std::string_view header(std::string_view name) const {
        if (fields == nullptr)
            return {};
        auto it = fields->find(boost::beast::string_view(name.data(), name.size()));
        if (it == fields->end())
            return {};
        return {it->value().data(), it->value().size()};
    }
    bool isHead() const { return method == Method::head; }
};

}  // namespace vq::http
