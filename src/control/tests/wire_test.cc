#include "control/wire.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace vq::control::wire {
namespace {

TEST(Wire, EventRoundTrip) {
    HostEvent e;
    e.time = std::chrono::system_clock::time_point(std::chrono::milliseconds(1'700'000'000'123));
    e.mac = MacAddr::parse("52:54:00:00:00:01");
    e.ip = Ipv4::parse("10.99.0.5");
    e.source = "dhcp";
    e.kind = "DHCP_ACK";
    e.detail = "xid=1";
    auto back = decodeEvents(encodeEvents({e, HostEvent{e.time, {}, {}, "tftp", "TFTP_DONE", ""}}));
    ASSERT_TRUE(back) << back.message();
    ASSERT_EQ(back->size(), 2u);
    EXPECT_EQ((*back)[0].time, e.time);
    EXPECT_EQ((*back)[0].mac, e.mac);
    EXPECT_EQ((*back)[0].ip, e.ip);
    EXPECT_EQ((*back)[0].kind, "DHCP_ACK");
    EXPECT_EQ((*back)[0].detail, "xid=1");
    EXPECT_FALSE((*back)[1].mac.has_value());
}

TEST(Wire, BadEventsAreRefused) {
    EXPECT_FALSE(decodeEvents("not json"));
    EXPECT_FALSE(decodeEvents(R"({"events": 3})"));
    EXPECT_FALSE(decodeEvents(R"({"events": [{"kind": "X", "mac": "zz"}]})"));
    EXPECT_FALSE(decodeEvents(R"({"events": [{"source": "dhcp"}]})"));
    // Times the nanosecond clock cannot hold (found by the fuzzer as signed overflow).
    EXPECT_FALSE(decodeEvents(R"({"events": [{"kind": "K", "time_ms": 22222222222221}]})"));
    EXPECT_FALSE(decodeEvents(R"({"events": [{"kind": "K", "time_ms": -1}]})"));
    EXPECT_TRUE(decodeEvents(R"({"events": [{"kind": "K", "time_ms": 4102444800000}]})"));
    std::string many = R"({"events": [)";
    for (size_t i = 0; i <= kMaxEventsPerBatch; ++i)
        many += std::string(i ? "," : "") + R"({"kind":"K"})";
    EXPECT_FALSE(decodeEvents(many + "]}"));
}

TEST(Wire, EventsAreTheSameJsonAsEver) {
    HostEvent e;
    e.time = std::chrono::system_clock::time_point(std::chrono::milliseconds(1700000000123));
    e.mac = MacAddr::parse("52:54:00:12:34:56");
    e.ip = Ipv4::parse("10.99.0.10");
    e.source = "dhcp";
    e.kind = "DHCP_ACK";
    e.detail = "hostname=\"a\\b\"\n\x01 caf\xc3\xa9 bad=\xff\xc3";
    // What nlohmann writes (invalid UTF-8 replaced), key for key.
    const auto ours = nlohmann::json::parse(encodeEvent(e));
    EXPECT_EQ(ours["time_ms"], 1700000000123);
    EXPECT_EQ(ours["mac"], "52:54:00:12:34:56");
    EXPECT_EQ(ours["ip"], "10.99.0.10");
    EXPECT_EQ(ours["detail"], "hostname=\"a\\b\"\n\x01 caf\xc3\xa9 bad=\xef\xbf\xbd\xef\xbf\xbd");
    auto back = decodeEvent(encodeEvent(e));
    ASSERT_TRUE(back) << back.message();
    EXPECT_EQ(back->time, e.time);
    EXPECT_EQ(back->kind, "DHCP_ACK");
    EXPECT_EQ(back->ip, e.ip);
    // Unknown keys and nested values are skipped, at any depth.
    auto extra = decodeEvents(
        R"({"v":2,"meta":{"a":[1,{"b":2}]},"events":[{"kind":"X","more":{"k":[1,2]},"x":[{}],)"
        R"("detail":"d","time_ms":5}],"after":[]})");
    ASSERT_TRUE(extra) << extra.message();
    ASSERT_EQ(extra->size(), 1u);
    EXPECT_EQ((*extra)[0].detail, "d");
    EXPECT_EQ((*extra)[0].time.time_since_epoch(), std::chrono::milliseconds(5));
    EXPECT_FALSE(decodeEvents(R"({"events":[{"kind":"X"},3]})"));
    EXPECT_FALSE(decodeEvents(R"({"events":[["kind"]]})"));
    EXPECT_FALSE(decodeEvents(R"({"events":[]} trailing)"));
    EXPECT_FALSE(decodeEvents(R"([{"events":[]}])"));
    EXPECT_FALSE(decodeEvent("[]"));
    EXPECT_FALSE(decodeEvent("3"));
    auto none = decodeEvents(R"({"events":[]})");
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->empty());
}

TEST(Wire, ManifestRoundTrip) {
    Manifest m;
    m.revision = 7;
    m.changes = 42;
    m.hosts["node1"] = ServedBoot{"install", 1};
    m.hosts["node2"] = ServedBoot{"", 0};
    auto back = decodeManifest(encodeManifest(m));
    ASSERT_TRUE(back) << back.message();
    EXPECT_EQ(back->revision, 7u);
    EXPECT_EQ(back->changes, 42u);
    ASSERT_EQ(back->hosts.size(), 2u);
    EXPECT_EQ(back->hosts["node1"].boot, "install");
    EXPECT_EQ(back->hosts["node1"].stage, 1u);
    EXPECT_FALSE(decodeManifest(R"({"revision": 1})"));
}

TEST(Wire, ADeltaManifestCarriesItsBaseAndRemovedHosts) {
    Manifest m;
    m.revision = 8;
    m.changes = 43;
    m.base = 42;
    m.hosts["node \"1\"\\\n"] = ServedBoot{"disk", 2};
    m.removed = {"gone", "also-gone"};
    auto back = decodeManifest(encodeManifest(m));
    ASSERT_TRUE(back) << back.message();
    EXPECT_EQ(back->base, 42u);
    ASSERT_EQ(back->hosts.count("node \"1\"\\\n"), 1u) << encodeManifest(m);
    EXPECT_EQ(back->hosts["node \"1\"\\\n"].stage, 2u);
    EXPECT_EQ(back->removed, (std::vector<std::string>{"gone", "also-gone"}));
    // A whole manifest names no base and no removed hosts.
    m.base = 0;
    auto whole = decodeManifest(encodeManifest(m));
    ASSERT_TRUE(whole);
    EXPECT_EQ(whole->base, 0u);
    EXPECT_TRUE(whole->removed.empty());
    EXPECT_FALSE(decodeManifest(R"({"base":1,"hosts":{},"removed":"x"})"));
}

// Hosts on the followed revision say nothing of it; a host pinned elsewhere names its own,
// and so does a checkpoint's answer.
TEST(Wire, AManifestCarriesTheFollowedRevisionAndEachPinnedOne) {
    Manifest m;
    m.revision = 9;
    m.changes = 44;
    m.follow = 9;
    m.hosts["follows"] = ServedBoot{"disk", 1};
    m.hosts["pinned"] = ServedBoot{"install", 0, 7};
    const std::string text = encodeManifest(m);
    EXPECT_EQ(text.find("\"revision\":0"), std::string::npos) << text;
    auto back = decodeManifest(text);
    ASSERT_TRUE(back) << back.message();
    EXPECT_EQ(back->follow, 9u);
    EXPECT_EQ(back->hosts["follows"].revision, 0u);
    EXPECT_EQ(back->hosts["pinned"].revision, 7u);
    auto answer = decodeCheckpointAnswer(encodeCheckpointAnswer({"done", {"disk", 1, 7}}));
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->served.revision, 7u);
}

TEST(Wire, CheckpointNeedsAHost) {
    auto c = decodeCheckpoint(encodeCheckpoint({"node1", "install"}));
    ASSERT_TRUE(c);
    EXPECT_EQ(c->host, "node1");
    EXPECT_FALSE(decodeCheckpoint(R"({"boot": "install"})"));
    auto a = decodeCheckpointAnswer(encodeCheckpointAnswer({"done", {"disk", 2}}));
    ASSERT_TRUE(a);
    EXPECT_EQ(a->summary, "done");
    EXPECT_EQ(a->served.boot, "disk");
    EXPECT_EQ(a->served.stage, 2u);
}

TEST(Wire, RevisionTasksAndErrors) {
    auto r = decodeRevision(encodeRevision({3, "local", "abc"}));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->revision, 3u);
    EXPECT_EQ(r->source_id, "local");
    Task task{"lab/node1/reboot/1", "lab", "node1", "power", R"({"target":{}})", 120};
    auto t = decodeTasks(encodeTasks({task}));
    ASSERT_TRUE(t);
    ASSERT_EQ(t->size(), 1u);
    EXPECT_EQ((*t)[0].id, task.id);
    EXPECT_EQ((*t)[0].kind, "power");
    EXPECT_EQ((*t)[0].args, task.args);
    EXPECT_EQ((*t)[0].timeout_s, 120u);
    EXPECT_TRUE((*t)[0].site.empty()) << "the site is the session's, it does not travel";
    EXPECT_FALSE(decodeTasks(R"({"tasks":[{"host":"h","kind":"power"}]})")) << "no id";
    EXPECT_FALSE(decodeTasks(R"({"tasks":[3]})"));
    auto results = decodeTaskResults(encodeTaskResults({{"a", true, ""}, {"b", false, "why"}}));
    ASSERT_TRUE(results);
    ASSERT_EQ(results->size(), 2u);
    EXPECT_TRUE((*results)[0].ok);
    EXPECT_FALSE((*results)[1].ok);
    EXPECT_EQ((*results)[1].detail, "why");
    EXPECT_FALSE(decodeTaskResults(R"({"results":[{"ok":true}]})")) << "no id";
    auto not_bool = decodeTaskResults(R"({"results":[{"id":"a","ok":"yes"}]})");
    ASSERT_TRUE(not_bool);
    EXPECT_FALSE((*not_bool)[0].ok) << "only true is a success";
    EXPECT_EQ(errorMessage(encodeError("nope")), "nope");
    EXPECT_EQ(errorMessage("plain"), "plain");
}

}  // namespace
}  // namespace vq::control::wire
