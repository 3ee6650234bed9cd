#pragma once
// A tiny YAML description of what to serve, for the test driver and benchmarks until the
// agent builds the same objects from the data model:
//
//   interfaces: [veth0]          mode: server | proxy      lease_seconds: 600
//   http_port: 8080              detect_rogue: true        rogue_probe_seconds: 300
//   subnets:
//     lab: {cidr: 10.99.0.0/24, gateway: 10.99.0.254, dns: [..], ntp: [..], domain: x,
//           dhcp_options: [{option: 28, type: addresses, value: "10.99.0.255"}]}
//   hosts:
//     - {mac: 52:54:00:00:00:01, ip: 10.99.0.11, subnet: lab, hostname: node1,
//        boot: true, ignore: false, host: node1}
//   host_ranges:   # count hosts with consecutive MACs and addresses (benchmarks)
//     - {first_mac: 00:00:00:00:00:01, first_ip: 10.99.0.10, count: 1000, subnet: lab}
#include <memory>
#include <string>

#include "base/result.h"
#include "dhcp/server/static_directory.h"
#include "dhcp/service/dhcp_service.h"

namespace vq::dhcp {

struct Fixture {
    DhcpServiceConfig config;
    std::shared_ptr<StaticDirectory> directory = std::make_shared<StaticDirectory>();
};

Result<Fixture> loadFixture(const std::string& yaml_text);
Result<Fixture> loadFixtureFile(const std::string& path);

}  // namespace vq::dhcp
