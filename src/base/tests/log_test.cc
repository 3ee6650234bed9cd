#include "base/log.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

namespace vq {
namespace {

namespace fs = std::filesystem;

class JsonLogTest : public ::testing::Test {
protected:
    void SetUp() override {
        path_ =
            fs::temp_directory_path() / ("vq_log_test_" + std::to_string(::getpid()) + ".jsonl");
        fs::remove(path_);
    }
    void TearDown() override {
        // Leave a logger that owns no file behind for the rest of the binary.
        spdlog::set_default_logger(std::make_shared<spdlog::logger>("null"));
        fs::remove(path_);
    }

    std::vector<nlohmann::json> readLines() {
        spdlog::default_logger()->flush();
        std::ifstream in(path_, std::ios::binary);
        std::vector<nlohmann::json> lines;
        std::string line;
        while (std::getline(in, line)) {
            // Throws, and so fails the test, on any line that is not one JSON value.
            lines.push_back(nlohmann::json::parse(line));
        }
        return lines;
    }

    fs::path path_;
};

TEST_F(JsonLogTest, EveryLineIsJsonAndMessagesRoundTrip) {
    ASSERT_TRUE(configureLogging({"debug", path_.string(), "json"}));
    const std::vector<std::string> messages = {
        R"(STANDALONE_FAILED reason="cannot bind" path=C:\tmp\x)",
        "two\nlines\r\nand a tab\there",
        std::string("controls \x01 and \x1f and \x7f end"),
        "non-ASCII is kept: h\xc3\xa9, \xe2\x82\xac, \xf0\x9f\x90\x84",
        "{\"looks\":\"like json\"}",
        "",
    };
    for (const auto& m : messages)
        VQ_LOG_INFO("{}", m);
    VQ_LOG_WARN("level {}", "warn");
    VQ_LOG_DEBUG("level {}", "debug");

    const auto lines = readLines();
    ASSERT_EQ(lines.size(), messages.size() + 2);
    for (size_t i = 0; i < messages.size(); ++i) {
        SCOPED_TRACE(i);
        EXPECT_EQ(lines[i].at("msg").get<std::string>(), messages[i]);
        EXPECT_EQ(lines[i].at("level").get<std::string>(), "info");
        EXPECT_EQ(lines[i].size(), 3u) << lines[i].dump();
        // 2026-01-02T03:04:05.678+00:00
        const auto time = lines[i].at("time").get<std::string>();
        EXPECT_EQ(time.size(), 29u) << time;
        EXPECT_EQ(time[10], 'T') << time;
    }
    EXPECT_EQ(lines[messages.size()].at("level"), "warning");
    EXPECT_EQ(lines[messages.size() + 1].at("msg"), "level debug");
}

TEST_F(JsonLogTest, InvalidUtf8IsReplacedNotThrown) {
    ASSERT_TRUE(configureLogging({"info", path_.string(), "json"}));
    VQ_LOG_INFO("{}", std::string("lone \xff byte"));
    VQ_LOG_INFO("{}", std::string("truncated \xe2\x82 euro"));
    VQ_LOG_INFO("{}", std::string("ends in a lead byte \xc3"));
    VQ_LOG_INFO("{}", std::string("overlong \xc0\xaf slash"));
    VQ_LOG_INFO("{}", "still logging");

    const auto lines = readLines();
    ASSERT_EQ(lines.size(), 5u);
    const std::string fffd = "\xef\xbf\xbd";
    EXPECT_EQ(lines[0].at("msg"), "lone " + fffd + " byte");
    EXPECT_EQ(lines[1].at("msg"), "truncated " + fffd + " euro");
    EXPECT_EQ(lines[2].at("msg"), "ends in a lead byte " + fffd);
    const auto overlong = lines[3].at("msg").get<std::string>();
    EXPECT_EQ(overlong.rfind("overlong ", 0), 0u) << overlong;
    EXPECT_NE(overlong.find(fffd), std::string::npos) << overlong;
    EXPECT_EQ(overlong.find('\xc0'), std::string::npos) << overlong;
    EXPECT_EQ(lines[4].at("msg"), "still logging");
}

TEST_F(JsonLogTest, TextLinesKeepTheirLayout) {
    ASSERT_TRUE(configureLogging({"info", path_.string(), "text"}));
    VQ_LOG_INFO("EVENT a=1");
    spdlog::default_logger()->flush();
    std::ifstream in(path_);
    std::string line;
    ASSERT_TRUE(std::getline(in, line));
    EXPECT_NE(line.find(" level=info msg=\"EVENT a=1\""), std::string::npos) << line;
}

TEST(LogSettings, UnknownTypeOrLevelIsAnError) {
    EXPECT_FALSE(configureLogging({"info", "stdout", "xml"}));
    EXPECT_FALSE(configureLogging({"loud", "stdout", "json"}));
}

}  // namespace
}  // namespace vq
