#pragma once
// IPv4 addresses and CIDR prefixes, parsed strictly (dotted quad, no leading garbage).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace vq {

class Ipv4 {
public:
    Ipv4() = default;
    explicit Ipv4(uint32_t host_order) : value_(host_order) {}
    static std::optional<Ipv4> parse(std::string_view text);

    uint32_t value() const { return value_; }  // host byte order
    std::string toString() const;
    bool isZero() const { return value_ == 0; }

    auto operator<=>(const Ipv4&) const = default;

private:
    uint32_t value_ = 0;
};

class Cidr {
public:
    Cidr() = default;
    Cidr(Ipv4 network, int prefix_len);
    // "10.0.0.0/24". The address part may have host bits set; they are kept in address().
    static std::optional<Cidr> parse(std::string_view text);

    Ipv4 address() const { return address_; }
    Ipv4 network() const { return Ipv4(address_.value() & mask().value()); }
    Ipv4 broadcast() const { return Ipv4(network().value() | ~mask().value()); }
    int prefixLength() const { return prefix_len_; }
    Ipv4 mask() const;
    bool contains(Ipv4 ip) const;
    std::string toString() const;

    auto operator<=>(const Cidr&) const = default;

private:
    Ipv4 address_;
    int prefix_len_ = 0;
};

}  // namespace vq

template <>
struct std::hash<vq::Ipv4> {
    size_t operator()(const vq::Ipv4& ip) const noexcept {
        return std::hash<uint32_t>{}(ip.value());
    }
};
