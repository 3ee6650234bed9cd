#include "server/host_event_log.h"

#include <gtest/gtest.h>

#include "model/load.h"

namespace vq::server {
namespace {

std::shared_ptr<const model::Model> twoHosts() {
    std::vector<model::SotFile> files = {
        {"sites/lab/env.yml",
         "id: lab\nsubnets:\n  - id: net\n    cidr: 10.99.0.0/24\n    dns: [10.99.0.2]\n"
         "agents:\n  - name: a1\n    asset_server: {addr: 10.99.0.5, port: 8080}\n"},
        {"sites/lab/inventory.yml",
         "name: a\ninterfaces:\n  - type: physical\n    subnet: net\n    mac: 52:54:00:00:00:01\n"
         "    ipv4: 10.99.0.11\nworkflow: wf\n---\n"
         "name: b\ninterfaces:\n  - type: physical\n    subnet: net\n    mac: 52:54:00:00:00:02\n"
         "    ipv4: 10.99.0.12\nworkflow: wf\n"},
        {"os/linux.yml",
         "id: linux\nmajor_version: '1'\nos_family: Linux\nboot:\n  kernel: "
         "\"{{.env.agentURL}}/vmlinuz\"\n"},
        {"boot/b.yml", "id: b\noperating_system: linux\n"},
        {"workflows/wf.yml", "id: wf\nworkflow:\n  - boot: b\n"},
    };
    auto loaded = model::loadSotFiles(files);
    for (const auto& d : loaded.diagnostics)
        ADD_FAILURE() << d.toString();
    return loaded.model;
}

HostEvent event(std::string kind, std::optional<std::string> mac, std::optional<std::string> ip) {
    HostEvent e;
    e.source = kind.starts_with("DHCP") ? "dhcp" : kind.starts_with("TFTP") ? "tftp" : "http";
    e.kind = std::move(kind);
    if (mac)
        e.mac = MacAddr::parse(*mac);
    if (ip)
        e.ip = Ipv4::parse(*ip);
    return e;
}

TEST(HostEventLog, ResolvesMacsToHostsAndKeepsOrder) {
    auto m = twoHosts();
    ASSERT_TRUE(m);
    HostEventLog log;
    auto r = log.record(*m, "lab", event("DHCP_ACK", "52:54:00:00:00:01", "10.99.0.11"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->site, "lab");
    EXPECT_EQ(r->host, "a");
    log.record(*m, "", event("HTTP_IPXE", "52:54:00:00:00:01", std::nullopt));
    log.record(*m, "lab", event("DHCP_ACK", "52:54:00:00:00:02", std::nullopt));
    auto a = log.events("lab", "a");
    ASSERT_EQ(a.size(), 2u);
    EXPECT_EQ(a[0].kind, "DHCP_ACK");
    EXPECT_EQ(a[1].kind, "HTTP_IPXE");
    EXPECT_EQ(log.events("lab", "b").size(), 1u);
    EXPECT_TRUE(log.events("lab", "nobody").empty());
    EXPECT_EQ(log.latest().at("lab/a").kind, "HTTP_IPXE");
}

TEST(HostEventLog, AnAddressOnlyEventFindsItsHostThroughAnEarlierEvent) {
    auto m = twoHosts();
    ASSERT_TRUE(m);
    HostEventLog log;
    EXPECT_FALSE(log.record(*m, "lab", event("TFTP_DONE", std::nullopt, "10.99.0.50")))
        << "an address nobody announced is unknown";
    log.record(*m, "lab", event("HTTP_IPXE", "52:54:00:00:00:01", "10.99.0.50"));
    EXPECT_FALSE(log.record(*m, "lab", event("TFTP_DONE", std::nullopt, "10.99.0.50")))
        << "an HTTP client's address (maybe a proxy's) is not learnt";
    log.record(*m, "lab", event("DHCP_ACK", "52:54:00:00:00:02", "10.99.0.50"));
    auto r = log.record(*m, "lab", event("TFTP_DONE", std::nullopt, "10.99.0.50"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->host, "b");
    EXPECT_EQ(log.events("lab", "b").back().kind, "TFTP_DONE");
}

TEST(HostEventLog, UnknownMachinesAreDroppedAndRingsAndHostsAreBounded) {
    auto m = twoHosts();
    ASSERT_TRUE(m);
    HostEventLog log(HostEventLogLimits{3, 1, 1});
    EXPECT_FALSE(log.record(*m, "lab", event("DHCP_DISCOVER", "02:00:00:00:00:09", std::nullopt)));
    EXPECT_EQ(log.dropped(), 1u);
    for (int i = 0; i < 5; ++i)
        log.record(*m, "lab", event("E" + std::to_string(i), "52:54:00:00:00:01", std::nullopt));
    auto a = log.events("lab", "a");
    ASSERT_EQ(a.size(), 3u) << "the ring keeps the newest per_host events";
    EXPECT_EQ(a.front().kind, "E2");
    EXPECT_EQ(a.back().kind, "E4");
    EXPECT_TRUE(log.record(*m, "lab", event("DHCP_ACK", "52:54:00:00:00:02", std::nullopt)));
    EXPECT_TRUE(log.events("lab", "a").empty()) << "max_hosts reached: the oldest host goes";
    EXPECT_EQ(log.events("lab", "b").size(), 1u);
    EXPECT_EQ(log.latest().size(), 1u);
}

TEST(HostEventLog, BoundedInEventsAltogether) {
    auto m = twoHosts();
    ASSERT_TRUE(m);
    HostEventLogLimits limits;
    limits.per_host = 3;
    limits.max_hosts = 2;
    limits.max_events = 4;
    HostEventLog log(limits);
    for (int i = 0; i < 3; ++i)
        log.record(*m, "lab", event("E", "52:54:00:00:00:01", std::nullopt));
    log.record(*m, "lab", event("E", "52:54:00:00:00:02", std::nullopt));
    EXPECT_EQ(log.eventCount(), 4u);
    EXPECT_EQ(log.events("lab", "a").size(), 3u) << "within the budget both hosts stay";
    log.record(*m, "lab", event("E", "52:54:00:00:00:02", std::nullopt));
    EXPECT_TRUE(log.events("lab", "a").empty()) << "over the budget the oldest host goes";
    EXPECT_EQ(log.events("lab", "b").size(), 2u);
    EXPECT_EQ(log.eventCount(), 2u);
    // Many boots later the budget holds, rings wrapping included.
    for (int i = 0; i < 1000; ++i)
        log.record(*m, "lab",
                   event("E", i % 3 ? "52:54:00:00:00:01" : "52:54:00:00:00:02", std::nullopt));
    EXPECT_LE(log.eventCount(), 4u + limits.per_host);
    EXPECT_FALSE(log.events("lab", "b").empty()) << "the host that reported last stays";
}

}  // namespace
}  // namespace vq::server
