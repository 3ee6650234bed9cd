// /files over loopback: whole files, ranges, traversal refused, and the CDN proxy against
// an origin bound on 127.0.0.1:0.
#include <filesystem>
#include <fstream>
#include <random>

#include "http_client.h"
#include <gtest/gtest.h>
#include <unistd.h>

#include "http/server.h"
#include "http/static_files.h"

namespace vq::http {
namespace {

namespace fs = std::filesystem;
using vq::testing::httpGet;
using vq::testing::rawExchange;

std::unique_ptr<Server> startFiles(const FilesConfig& cfg) {
    Router router;
    addFileRoutes(router, cfg);
    ServerOptions opts;
    opts.address = "127.0.0.1";
    opts.port = 0;
    opts.read_timeout = std::chrono::milliseconds(2000);
    auto s = std::make_unique<Server>(opts, std::move(router));
    if (!s->start().isOk())
        return nullptr;
    return s;
}

class FilesTest : public ::testing::Test {
protected:
    void SetUp() override {
        root_ = fs::temp_directory_path() / ("vq_files_it_" + std::to_string(::getpid()));
        fs::create_directories(root_ / "base" / "coreos");
        std::mt19937 rng(42);
        big_.resize(3 * 1024 * 1024 + 17);
        for (auto& c : big_)
            c = static_cast<char>(rng());
        std::ofstream(root_ / "base" / "coreos" / "initrd.img", std::ios::binary) << big_;
        std::ofstream(root_ / "base" / "hello.txt") << "hello world";
        std::ofstream(root_ / "secret.txt") << "top secret";
        fs::create_symlink(root_ / "secret.txt", root_ / "base" / "link-out");
        fs::create_symlink(root_, root_ / "base" / "dir-out");
        FilesConfig cfg;
        cfg.base_dir = (root_ / "base").string();
        server_ = startFiles(cfg);
        ASSERT_TRUE(server_);
        port_ = server_->port();
    }
    void TearDown() override {
        server_.reset();
        fs::remove_all(root_);
    }

    fs::path root_;
    std::string big_;
    std::unique_ptr<Server> server_;
    uint16_t port_ = 0;
};

TEST_F(FilesTest, ServesFilesWholeAndByRange) {
    auto r = httpGet(port_, "/files/coreos/initrd.img");
    ASSERT_EQ(r.status, 200u);
    EXPECT_EQ(r.body.size(), big_.size());
    EXPECT_TRUE(r.body == big_);
    EXPECT_EQ(r.header("accept-ranges"), "bytes");
    EXPECT_FALSE(r.header("etag").empty());

    auto part = httpGet(port_, "/files/coreos/initrd.img", {{"Range", "bytes=1000-1999"}});
    ASSERT_EQ(part.status, 206u);
    EXPECT_EQ(part.body, big_.substr(1000, 1000));
    EXPECT_EQ(part.header("content-range"), "bytes 1000-1999/" + std::to_string(big_.size()));

    auto tail = httpGet(port_, "/files/hello.txt", {{"Range", "bytes=-5"}});
    EXPECT_EQ(tail.status, 206u);
    EXPECT_EQ(tail.body, "world");

    auto bad = httpGet(port_, "/files/hello.txt", {{"Range", "bytes=100-"}});
    EXPECT_EQ(bad.status, 416u);
    EXPECT_EQ(bad.header("content-range"), "bytes */11");

    auto head = httpGet(port_, "/files/hello.txt", {}, "HEAD");
    EXPECT_EQ(head.status, 200u);
    EXPECT_EQ(head.header("content-length"), "11");
    EXPECT_TRUE(head.body.empty());

    auto etag = httpGet(port_, "/files/hello.txt").header("etag");
    EXPECT_EQ(httpGet(port_, "/files/hello.txt", {{"If-None-Match", etag}}).status, 304u);
}

TEST_F(FilesTest, TraversalAttemptsAreRefused) {
    for (const char* target :
         {"/files/../secret.txt", "/files/%2e%2e/secret.txt", "/files/%2E%2E/secret.txt",
          "/files/coreos/../../secret.txt", "/files/coreos%2f..%2f..%2fsecret.txt",
          "/files/..%2fsecret.txt", "/files//etc/passwd", "/files/%2fetc%2fpasswd",
          "/files/link-out", "/files/dir-out/secret.txt", "/files/..%5csecret.txt",
          "/files/hello.txt%00.png", "/files/./hello.txt"}) {
        auto raw = rawExchange(port_, std::string("GET ") + target +
                                          " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        EXPECT_EQ(raw.find("top secret"), std::string::npos) << target;
        EXPECT_EQ(raw.find("HTTP/1.1 200"), std::string::npos) << target;
        EXPECT_FALSE(raw.empty()) << target;
    }
    EXPECT_EQ(httpGet(port_, "/files/coreos").status, 404u);
    EXPECT_EQ(httpGet(port_, "/files/").status, 403u);
}

TEST_F(FilesTest, CdnProxyStreamsFromOrigin) {
    FilesConfig cdn;
    cdn.cdn_addr = "127.0.0.1";
    cdn.cdn_port = port_;  // the origin is the plain file server above, under /files/
    Router router;
    // The CDN's layout: the agent's /files/<p> maps to <origin>/<p>; here origin serves
    // /files/<p>, so proxy "/files/files/<p>".
    addFileRoutes(router, cdn);
    ServerOptions opts;
    opts.address = "127.0.0.1";
    opts.port = 0;
    Server proxy(opts, std::move(router));
    ASSERT_TRUE(proxy.start().isOk());

    auto r = httpGet(proxy.port(), "/files/files/coreos/initrd.img");
    ASSERT_EQ(r.status, 200u);
    EXPECT_TRUE(r.body == big_);
    EXPECT_EQ(r.header("content-length"), std::to_string(big_.size()));

    auto part = httpGet(proxy.port(), "/files/files/hello.txt", {{"Range", "bytes=0-4"}});
    EXPECT_EQ(part.status, 206u);
    EXPECT_EQ(part.body, "hello");

    EXPECT_EQ(httpGet(proxy.port(), "/files/files/missing").status, 404u);
    auto head = httpGet(proxy.port(), "/files/files/hello.txt", {}, "HEAD");
    EXPECT_EQ(head.status, 200u);
    EXPECT_EQ(head.header("content-length"), "11");
    EXPECT_EQ(httpGet(proxy.port(), "/files/../x").status, 403u);
}

TEST_F(FilesTest, CdnDownGives502) {
    uint16_t dead_port = 0;
    {
        FilesConfig cfg;
        cfg.base_dir = root_.string();
        auto tmp = startFiles(cfg);
        ASSERT_TRUE(tmp);
        dead_port = tmp->port();
    }
    FilesConfig cdn;
    cdn.cdn_addr = "127.0.0.1";
    cdn.cdn_port = dead_port;
    auto proxy = startFiles(cdn);
    ASSERT_TRUE(proxy);
    EXPECT_EQ(httpGet(proxy->port(), "/files/x").status, 502u);
}

}  // namespace
}  // namespace vq::http
