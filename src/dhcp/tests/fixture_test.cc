#include "dhcp/service/fixture.h"

#include <gtest/gtest.h>

namespace vq::dhcp {
namespace {

TEST(Fixture, LoadsSubnetsHostsAndRanges) {
    auto f = loadFixture(R"(
interfaces: [veth0]
mode: proxy
lease_seconds: 600
http_port: 8080
rogue_probe_seconds: 300
subnets:
  lab:
    cidr: 10.99.0.0/24
    gateway: 10.99.0.254
    dns: [10.99.0.53]
    domain: lab.example
    dhcp_options:
      - {option: 28, type: addresses, value: "10.99.0.255"}
hosts:
  - {mac: "52:54:00:00:00:01", ip: 10.99.0.11, subnet: lab, hostname: node1}
  - {mac: "52-54-00-00-00-02", ip: 10.99.0.12, subnet: lab, boot: false, ignore: true}
host_ranges:
  - {first_mac: "00:00:00:00:00:fe", first_ip: 10.99.0.100, count: 3, subnet: lab}
)");
    ASSERT_TRUE(f) << f.message();
    EXPECT_EQ(f->config.interfaces, std::vector<std::string>{"veth0"});
    EXPECT_EQ(f->config.server.mode, Mode::Proxy);
    EXPECT_EQ(f->config.server.lease_seconds, 600u);
    EXPECT_EQ(f->config.server.boot.http_port, 8080);
    EXPECT_EQ(f->config.rogue_probe_seconds, 300u);
    EXPECT_EQ(f->directory->size(), 5u);
    auto n1 = f->directory->find(*MacAddr::parse("52:54:00:00:00:01"));
    ASSERT_TRUE(n1);
    EXPECT_EQ(n1->hostname, "node1");
    EXPECT_EQ(n1->subnet->extra_options.size(), 1u);
    auto n2 = f->directory->find(*MacAddr::parse("52:54:00:00:00:02"));
    EXPECT_TRUE(n2->ignore);
    EXPECT_FALSE(n2->boot);
    auto r = f->directory->find(*MacAddr::parse("00:00:00:00:01:00"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->ip.toString(), "10.99.0.102");
}

TEST(Fixture, BadTypedOptionIsReportedWithItsPath) {
    auto f = loadFixture(R"(
subnets:
  lab:
    cidr: 10.99.0.0/24
    dhcp_options: [{option: 23, type: uint8, value: 300}]
)");
    ASSERT_FALSE(f);
    EXPECT_NE(f.message().find("subnets.lab.dhcp_options: option 23"), std::string::npos)
        << f.message();
    EXPECT_FALSE(loadFixture("mode: relay"));
    EXPECT_FALSE(loadFixture("{{{"));
}

}  // namespace
}  // namespace vq::dhcp
