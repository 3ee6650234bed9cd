#include "dhcp/service/fixture.h"

#include <fstream>
#include <map>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "dhcp/codec/typed_option.h"

namespace vq::dhcp {
namespace {

Result<Ipv4> ipAt(const YAML::Node& n, const std::string& what) {
    auto ip = Ipv4::parse(n.as<std::string>(""));
    if (!ip)
        return Result<Ipv4>::error(what + ": not an IPv4 address");
    return *ip;
}

Result<std::vector<Ipv4>> ipList(const YAML::Node& n, const std::string& what) {
    std::vector<Ipv4> out;
    if (!n)
        return out;
    for (const auto& item : n) {
        auto ip = ipAt(item, what);
        if (!ip)
            return ip.status();
        out.push_back(*ip);
    }
    return out;
}

Result<Fixture> parse(const YAML::Node& root) {
    Fixture f;
    for (const auto& i : root["interfaces"])
        f.config.interfaces.push_back(i.as<std::string>());
    std::string mode = root["mode"].as<std::string>("server");
    if (mode == "server") {
        f.config.server.mode = Mode::Server;
    } else if (mode == "proxy") {
        f.config.server.mode = Mode::Proxy;
    } else {
        return Result<Fixture>::error("mode: must be server or proxy");
    }
    f.config.server.lease_seconds = root["lease_seconds"].as<uint32_t>(3600);
    f.config.server.boot.http_port = root["http_port"].as<uint16_t>(24602);
    f.config.detect_rogue = root["detect_rogue"].as<bool>(true);
    f.config.rogue_probe_seconds = root["rogue_probe_seconds"].as<uint32_t>(0);

    std::map<std::string, std::shared_ptr<const SubnetInfo>> subnets;
    for (const auto& kv : root["subnets"]) {
        const std::string id = kv.first.as<std::string>();
        const YAML::Node& n = kv.second;
        auto s = std::make_shared<SubnetInfo>();
        auto cidr = Cidr::parse(n["cidr"].as<std::string>(""));
        if (!cidr)
            return Result<Fixture>::error("subnets." + id + ".cidr: not a CIDR");
        s->cidr = *cidr;
        if (n["gateway"]) {
            auto gw = ipAt(n["gateway"], "subnets." + id + ".gateway");
            if (!gw)
                return gw.status();
            s->gateway = *gw;
        }
        auto dns = ipList(n["dns"], "subnets." + id + ".dns");
        if (!dns)
            return dns.status();
        s->dns = *dns;
        auto ntp = ipList(n["ntp"], "subnets." + id + ".ntp");
        if (!ntp)
            return ntp.status();
        s->ntp = *ntp;
        s->domain = n["domain"].as<std::string>("");
        for (const auto& o : n["dhcp_options"]) {
            auto raw = encodeTypedOption(o["option"].as<int64_t>(-1), o["type"].as<std::string>(""),
                                         o["value"].as<std::string>(""));
            if (!raw)
                return Result<Fixture>::error("subnets." + id + ".dhcp_options: " + raw.message());
            s->extra_options.push_back(std::move(*raw));
        }
        subnets[id] = s;
    }
    auto subnetOf = [&subnets](const YAML::Node& n) -> std::shared_ptr<const SubnetInfo> {
        auto it = subnets.find(n["subnet"].as<std::string>(""));
        return it == subnets.end() ? nullptr : it->second;
    };
    for (const auto& h : root["hosts"]) {
        HostLease l;
        auto mac = MacAddr::parse(h["mac"].as<std::string>(""));
        if (!mac)
            return Result<Fixture>::error("hosts: bad mac");
        auto ip = ipAt(h["ip"], "hosts." + mac->toString() + ".ip");
        if (!ip)
            return ip.status();
        l.mac = *mac;
        l.ip = *ip;
        l.subnet = subnetOf(h);
        if (!l.subnet)
            return Result<Fixture>::error("hosts." + mac->toString() + ": no subnet");
        l.hostname = h["hostname"].as<std::string>("");
        l.boot = h["boot"].as<bool>(true);
        l.ignore = h["ignore"].as<bool>(false);
        l.host_name = h["host"].as<std::string>(l.hostname);
        f.directory->add(std::move(l));
    }
    for (const auto& r : root["host_ranges"]) {
        auto mac = MacAddr::parse(r["first_mac"].as<std::string>(""));
        auto ip = Ipv4::parse(r["first_ip"].as<std::string>(""));
        auto subnet = subnetOf(r);
        if (!mac || !ip || !subnet)
            return Result<Fixture>::error("host_ranges: bad entry");
        const uint64_t count = r["count"].as<uint64_t>(0);
        for (uint64_t i = 0; i < count; ++i) {
            uint64_t m = mac->toU64() + i;
            std::array<uint8_t, 6> b{};
            for (int k = 5; k >= 0; --k, m >>= 8)
                b[static_cast<size_t>(k)] = m & 0xff;
            HostLease l;
            l.mac = MacAddr(b);
            l.ip = Ipv4(ip->value() + static_cast<uint32_t>(i));
            l.subnet = subnet;
            l.host_name = "range" + std::to_string(i);
            f.directory->add(std::move(l));
        }
    }
    return f;
}

}  // namespace

Result<Fixture> loadFixture(const std::string& yaml_text) {
    try {
        return parse(YAML::Load(yaml_text));
    } catch (const YAML::Exception& e) {
        return Result<Fixture>::error(std::string("fixture: ") + e.what());
    }
}

Result<Fixture> loadFixtureFile(const std::string& path) {
    std::ifstream in(path);
    if (!in)
        return Result<Fixture>::error("cannot read " + path);
    std::stringstream ss;
    ss << in.rdbuf();
    return loadFixture(ss.str());
}

}  // namespace vq::dhcp
