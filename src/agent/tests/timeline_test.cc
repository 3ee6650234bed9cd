#include "agent/timeline.h"

#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace vq::agent {
namespace {

HostEvent ev(std::string source,
             std::string kind,
             std::optional<std::string> mac,
             std::optional<std::string> ip) {
    HostEvent e;
    e.source = std::move(source);
    e.kind = std::move(kind);
    if (mac)
        e.mac = MacAddr::parse(*mac);
    if (ip)
        e.ip = Ipv4::parse(*ip);
    return e;
}

TEST(Timeline, AttributesTftpEventsThroughLeasesAndInventory) {
    Timeline t;
    t.setInventoryAddresses({{*Ipv4::parse("10.99.0.12"), *MacAddr::parse("52:54:00:00:00:02")}});
    t.record(ev("dhcp", "DHCP_ACK", "52:54:00:00:00:01", "10.99.0.11"));
    t.record(ev("tftp", "TFTP_DONE", std::nullopt, "10.99.0.11"));
    t.record(ev("tftp", "TFTP_DONE", std::nullopt, "10.99.0.12"));
    t.record(ev("tftp", "TFTP_DONE", std::nullopt, "10.99.0.99"));
    auto one = t.events(*MacAddr::parse("52-54-00-00-00-01"));
    ASSERT_EQ(one.size(), 2u);
    EXPECT_EQ(one[1].kind, "TFTP_DONE");
    EXPECT_EQ(t.events(*MacAddr::parse("52:54:00:00:00:02")).size(), 1u);
    EXPECT_EQ(t.unattributed(*Ipv4::parse("10.99.0.99")).size(), 1u);
    EXPECT_EQ(t.macFor(*Ipv4::parse("10.99.0.11"))->toString(), "52:54:00:00:00:01");
}

TEST(Timeline, BoundedPerHostAndInHosts) {
    Timeline t(TimelineLimits{3, 2});
    for (int i = 0; i < 10; ++i)
        t.record(ev("http", "E" + std::to_string(i), "aa:00:00:00:00:01", std::nullopt));
    auto evs = t.events(*MacAddr::parse("aa:00:00:00:00:01"));
    ASSERT_EQ(evs.size(), 3u);
    EXPECT_EQ(evs.front().kind, "E7");
    t.record(ev("http", "X", "aa:00:00:00:00:02", std::nullopt));
    t.record(ev("http", "X", "aa:00:00:00:00:01", std::nullopt));  // 01 most recent again
    t.record(ev("http", "X", "aa:00:00:00:00:03", std::nullopt));  // evicts 02
    EXPECT_EQ(t.hostCount(), 2u);
    EXPECT_TRUE(t.events(*MacAddr::parse("aa:00:00:00:00:02")).empty());
    EXPECT_FALSE(t.events(*MacAddr::parse("aa:00:00:00:00:01")).empty());
}

TEST(Timeline, BoundedInEventsAltogether) {
    // 4 events each for up to 100 hosts would be 400; the budget of 10 forgets the least
    // recently active hosts first, whole.
    Timeline t(TimelineLimits{4, 100, 10});
    auto mac = [](int i) { return "aa:00:00:00:00:0" + std::to_string(i); };
    for (int host = 1; host <= 4; ++host)
        for (int i = 0; i < 4; ++i)
            t.record(ev("http", "E", mac(host), std::nullopt));
    EXPECT_LE(t.eventCount(), 10u);
    EXPECT_EQ(t.hostCount(), 2u);
    EXPECT_TRUE(t.events(*MacAddr::parse(mac(1))).empty());
    EXPECT_TRUE(t.events(*MacAddr::parse(mac(2))).empty());
    EXPECT_EQ(t.events(*MacAddr::parse(mac(3))).size(), 4u);
    EXPECT_EQ(t.events(*MacAddr::parse(mac(4))).size(), 4u);
    // Thousands of boots later the budget still holds, and a ring that wraps adds nothing.
    for (int round = 0; round < 1000; ++round)
        t.record(ev("http", "E", mac(round % 9 + 1), std::nullopt));
    EXPECT_LE(t.eventCount(), 10u);
    EXPECT_FALSE(t.events(*MacAddr::parse(mac(999 % 9 + 1))).empty()) << "the newest host stays";
}

TEST(Timeline, LearntAddressesAreBounded) {
    TimelineLimits limits;
    limits.addresses = 8;
    Timeline t(limits);
    for (uint32_t i = 0; i < 100; ++i) {
        HostEvent e;
        e.source = "http";
        e.kind = "HTTP_IPXE";
        e.mac = MacAddr::parse("aa:00:00:00:00:01");
        e.ip = Ipv4(0x0a000001 + i);
        t.record(e);
    }
    int known = 0;
    for (uint32_t i = 0; i < 100; ++i)
        known += t.macFor(Ipv4(0x0a000001 + i)).has_value() ? 1 : 0;
    EXPECT_EQ(known, 8);
    EXPECT_TRUE(t.macFor(Ipv4(0x0a000001 + 99))) << "the address just learnt is kept";
}

TEST(Timeline, JsonViews) {
    Timeline t;
    auto e = ev("http", "HTTP_IPXE", "52:54:00:00:00:01", "10.99.0.11");
    e.detail = "path=/ipxe \xff";  // invalid UTF-8 must not throw
    t.record(e);
    auto host = nlohmann::json::parse(t.hostJson(*MacAddr::parse("52:54:00:00:00:01")));
    ASSERT_EQ(host["events"].size(), 1u);
    EXPECT_EQ(host["events"][0]["kind"], "HTTP_IPXE");
    EXPECT_EQ(host["events"][0]["ip"], "10.99.0.11");
    auto sum = nlohmann::json::parse(t.summaryJson());
    EXPECT_EQ(sum["hosts"][0]["mac"], "52:54:00:00:00:01");
    EXPECT_EQ(sum["hosts"][0]["events"], 1);
}

TEST(Timeline, ConcurrentRecording) {
    Timeline t(TimelineLimits{100000, 100});
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i) {
        threads.emplace_back([&t] {
            for (int j = 0; j < 1000; ++j)
                t.record(ev("dhcp", "DHCP_ACK", "52:54:00:00:00:01", "10.0.0.1"));
        });
    }
    for (auto& th : threads)
        th.join();
    EXPECT_EQ(t.events(*MacAddr::parse("52:54:00:00:00:01")).size(), 4000u);
}

}  // namespace
}  // namespace vq::agent
