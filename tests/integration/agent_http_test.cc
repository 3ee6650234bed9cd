// The agent's routes over loopback: /files from asset_server.base_dir, every request landing
// in the boot timeline, GET /events and /events/<mac>.
#include <filesystem>
#include <fstream>
#include <thread>

#include "http_client.h"
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "agent/routes.h"

namespace vq::agent {
namespace {

namespace fs = std::filesystem;
using vq::testing::httpGet;

TEST(AgentHttp, FilesAndEventsTimeline) {
    const fs::path base =
        fs::temp_directory_path() / ("vq_agent_http_" + std::to_string(::getpid()));
    fs::create_directories(base);
    std::ofstream(base / "vmlinuz") << "kernel-bytes";

    Timeline timeline;
    timeline.associate(*Ipv4::parse("127.0.0.1"), *MacAddr::parse("52:54:00:00:00:07"));
    http::Router router;
    RouteContext ctx;
    ctx.agent.asset_server.base_dir = base.string();
    ctx.timeline = &timeline;
    addAgentRoutes(router, ctx);
    http::ServerOptions opts;
    opts.address = "127.0.0.1";
    opts.port = 0;
    http::Server server(opts, std::move(router));
    server.setObserver(makeEventObserver(timeline));
    ASSERT_TRUE(server.start().isOk());

    EXPECT_EQ(httpGet(server.port(), "/files/vmlinuz").body, "kernel-bytes");
    EXPECT_EQ(httpGet(server.port(), "/files/../etc/passwd").status, 403u);
    // Events are recorded after each response is written: wait for them, bounded. The /ipxe
    // request below re-associates 127.0.0.1 with its MAC, so it must come after these two
    // are recorded or they would land on the other host.
    const auto mac7 = *MacAddr::parse("52:54:00:00:00:07");
    for (int i = 0; i < 200 && timeline.events(mac7).size() < 2; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_EQ(httpGet(server.port(), "/ipxe?mac=52-54-00-00-00-01").status, 404u);
    auto host = nlohmann::json::parse(httpGet(server.port(), "/events/52:54:00:00:00:07").body);
    ASSERT_EQ(host["events"].size(), 2u);
    EXPECT_EQ(host["events"][0]["kind"], "HTTP_FILE");
    EXPECT_EQ(host["events"][0]["source"], "http");
    EXPECT_NE(host["events"][0]["detail"].get<std::string>().find("status=200"), std::string::npos);
    EXPECT_NE(host["events"][1]["detail"].get<std::string>().find("status=403"), std::string::npos);

    for (int i = 0; i < 200 && timeline.events(*MacAddr::parse("52:54:00:00:00:01")).empty(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    auto one = nlohmann::json::parse(httpGet(server.port(), "/events/52-54-00-00-00-01").body);
    ASSERT_EQ(one["events"].size(), 1u);
    EXPECT_EQ(one["events"][0]["kind"], "HTTP_IPXE");

    auto all = nlohmann::json::parse(httpGet(server.port(), "/events").body);
    EXPECT_EQ(all["hosts"].size(), 2u);
    EXPECT_EQ(httpGet(server.port(), "/events/not-a-mac").status, 400u);
    server.stop();
    fs::remove_all(base);
}

}  // namespace
}  // namespace vq::agent
