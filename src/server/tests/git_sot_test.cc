// A git SoT end to end without sockets: a bare repository on disk (file://) that the test
// commits to with the git tool, the server's mirror of it, and the Gitter's answers to
// webhook deliveries (signed, unsigned, for other branches, for unknown hooks).
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>

#include "git/hub_signature.h"
#include "git/testing/local_remote.h"
#include <boost/beast/http/fields.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "server/git_sot_source.h"
#include "server/gitter.h"
#include "server/server.h"

namespace vq::server {
namespace {
namespace fs = std::filesystem;

constexpr const char* kSecret = "supersecretcode";

std::string env(const std::string& site, const std::string& release_tag = {}) {
    return "id: " + site + "\n" +
           (release_tag.empty() ? "" : "release_tag: " + release_tag + "\n") +
           "subnets:\n  - id: net\n    cidr: 10.99.0.0/24\n    gateway: 10.99.0.1\n    dns: "
           "[10.99.0.2]\n"
           "agents:\n  - name: a1\n    asset_server: {addr: 10.99.0.5, port: 8080}\n";
}

std::string host(const std::string& name, const std::string& mac) {
    return "name: " + name + "\ninterfaces:\n  - type: physical\n    subnet: net\n    mac: " + mac +
           "\n    ipv4: 10.99.0.10\nworkflow: install\n";
}

void writeDefinitions(git::testing::LocalRemote& r) {
    r.write("os/installer.yml",
            "id: installer\nmajor_version: '1'\nos_family: Linux\nboot:\n"
            "  kernel: http://10.99.0.5/vmlinuz\n");
    r.write("boot/install.yml", "id: install\noperating_system: installer\n");
    r.write("workflows/install.yml", "id: install\nworkflow:\n  - boot: install\n");
}

class GitSotTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (!git::testing::LocalRemote::gitAvailable())
            GTEST_SKIP() << "the git command is not installed";
        root_ = fs::path(::testing::TempDir()) /
                ("vq_git_sot_test" + std::string("-") + std::to_string(::getpid()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(root_);
        remote_.emplace(root_ / "remote");
        ASSERT_TRUE(remote_->ok());
        writeDefinitions(*remote_);
        remote_->write("sites/lab/env.yml", env("lab"));
        remote_->write("sites/lab/hosts.yml", host("node1", "52:54:00:00:00:01"));
        first_ = remote_->commitAndPush("first");
        ASSERT_FALSE(first_.empty());
        hook_ = GitHookConfig{"sot-hook", "", remote_->url(), kSecret};
        hooks_ = {hook_};
        sot_.kind = SotSourceConfig::Kind::Git;
        sot_.id = "sot-git";
        sot_.hook_id = hook_.id;
        sot_.branch = "main";
    }
    void TearDown() override {
        source_.reset();
        remote_.reset();
        fs::remove_all(root_);
    }

    // Opens the source and loads the branch; accepted loads after it are counted.
    std::optional<GitSotSource::Loaded> open() {
        GitSotSource::Options options;
        options.hooks = hooks_;
        auto s = GitSotSource::open(sot_, hook_, (root_ / "save").string(), options);
        EXPECT_TRUE(s) << s.message();
        if (!s)
            return std::nullopt;
        source_ = std::move(*s);
        source_->onAccepted([this](const GitSotSource::Loaded& l) {
            ++published_;
            served_ = l.model;
        });
        auto loaded = source_->loadInitial();
        EXPECT_TRUE(loaded) << loaded.message();
        if (!loaded)
            return std::nullopt;
        served_ = loaded->model;
        return *loaded;
    }

    const model::Host* servedHost(const std::string& name) const {
        return served_ ? served_->host("lab", name) : nullptr;
    }

    fs::path root_;
    std::optional<git::testing::LocalRemote> remote_;
    std::string first_;
    GitHookConfig hook_;
    std::vector<GitHookConfig> hooks_;  // every GitHook of the server's configuration
    SotSourceConfig sot_;
    std::unique_ptr<GitSotSource> source_;
    std::shared_ptr<const model::Model> served_;
    int published_ = 0;
};

TEST_F(GitSotTest, StartUpFetchesTheBranchIntoSavePath) {
    auto loaded = open();
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->commit, first_);
    EXPECT_NE(servedHost("node1"), nullptr);
    EXPECT_TRUE(fs::exists(root_ / "save/git/sot-git/mirror.git"));
    EXPECT_TRUE(fs::exists(root_ / "save/git/sot-git/tree/sites/lab/hosts.yml"));
    EXPECT_EQ(source_->servedCommit(), first_);
}

TEST_F(GitSotTest, APushIsLoadedOnceAndRedeliveriesChangeNothing) {
    ASSERT_TRUE(open());
    remote_->write("sites/lab/more.yml", host("node2", "52:54:00:00:00:02"));
    const std::string second = remote_->commitAndPush("second");
    auto a = source_->refresh("webhook");
    EXPECT_EQ(a.outcome, GitSotAttempt::Outcome::accepted) << a.reason;
    EXPECT_EQ(a.commit, second);
    EXPECT_EQ(published_, 1);
    EXPECT_NE(servedHost("node2"), nullptr);
    auto again = source_->refresh("webhook");
    EXPECT_EQ(again.outcome, GitSotAttempt::Outcome::unchanged);
    EXPECT_EQ(published_, 1);
}

TEST_F(GitSotTest, ABrokenPushIsRefusedAndTheLastGoodOneKeepsServing) {
    ASSERT_TRUE(open());
    remote_->write("sites/lab/hosts.yml",
                   host("node1", "52:54:00:00:00:01") + "workflow: no-such-workflow\n");
    ASSERT_FALSE(remote_->commitAndPush("broken").empty());
    auto a = source_->refresh("webhook");
    EXPECT_EQ(a.outcome, GitSotAttempt::Outcome::refused);
    ASSERT_FALSE(a.errors.empty());
    // file:line:col, so whoever pushed finds the line.
    EXPECT_EQ(a.errors[0].rfind("sites/lab/hosts.yml:", 0), 0u) << a.errors[0];
    EXPECT_EQ(published_, 0);
    EXPECT_EQ(source_->servedCommit(), first_);
    EXPECT_EQ(source_->lastAttempt().outcome, GitSotAttempt::Outcome::refused);
    EXPECT_NE(servedHost("node1"), nullptr);
}

TEST_F(GitSotTest, AnInvalidBranchAtStartUpIsAStartupError) {
    remote_->write("sites/lab/env.yml", "id: lab\nsubnets: 3\n");
    ASSERT_FALSE(remote_->commitAndPush("broken").empty());
    auto s = GitSotSource::open(sot_, hook_, (root_ / "save").string(), {});
    ASSERT_TRUE(s);
    auto loaded = (*s)->loadInitial();
    ASSERT_FALSE(loaded);
    EXPECT_NE(loaded.message().find("sites/lab/env.yml:"), std::string::npos) << loaded.message();
}

TEST_F(GitSotTest, ARestartServesTheLastGoodCommitWhenTheHeadIsBrokenOrUnreachable) {
    ASSERT_TRUE(open());
    remote_->write("sites/lab/hosts.yml", "name: [unclosed\n");
    const std::string broken = remote_->commitAndPush("broken while the server is down");
    ASSERT_FALSE(broken.empty());
    source_.reset();
    auto restarted = open();
    ASSERT_TRUE(restarted);
    EXPECT_EQ(restarted->commit, first_);
    EXPECT_EQ(source_->lastAttempt().outcome, GitSotAttempt::Outcome::refused);
    EXPECT_EQ(source_->lastAttempt().commit, broken);
    EXPECT_NE(servedHost("node1"), nullptr);

    fs::remove_all(remote_->bare());
    source_.reset();
    auto offline = open();
    ASSERT_TRUE(offline);
    EXPECT_EQ(offline->commit, first_);
}

TEST_F(GitSotTest, ReleaseTagLoadsTheSiteFromTheTag) {
    ASSERT_TRUE(remote_->tag("v1"));  // node1 only
    remote_->write("sites/lab/env.yml", env("lab", "v1"));
    remote_->write("sites/lab/hosts.yml", host("node9", "52:54:00:00:00:09"));
    const std::string head = remote_->commitAndPush("head moves on");
    auto loaded = open();
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->commit, head);
    EXPECT_NE(servedHost("node1"), nullptr);  // from the tag
    EXPECT_EQ(servedHost("node9"), nullptr);  // only on the branch head
    const auto last = source_->lastAttempt();
    ASSERT_EQ(last.release_tags.size(), 1u);
    EXPECT_NE(last.release_tags[0].find("release_tag v1 = " + first_), std::string::npos)
        << last.release_tags[0];

    // Moving the tag is a new revision even though the branch did not move.
    remote_->write("sites/lab/hosts.yml", host("node9", "52:54:00:00:00:09"));
    ASSERT_TRUE(remote_->tag("v1"));
    auto a = source_->refresh("webhook refs/tags/v1");
    EXPECT_EQ(a.outcome, GitSotAttempt::Outcome::accepted) << a.reason;
    EXPECT_NE(servedHost("node9"), nullptr);
}

TEST_F(GitSotTest, AMissingReleaseTagFallsBackToTheBranchHead) {
    remote_->write("sites/lab/env.yml", env("lab", "v404"));
    remote_->write("sites/lab/hosts.yml", host("node9", "52:54:00:00:00:09"));
    ASSERT_FALSE(remote_->commitAndPush("pinned to a tag nobody made").empty());
    ASSERT_TRUE(open());
    EXPECT_NE(servedHost("node9"), nullptr);
    const auto last = source_->lastAttempt();
    ASSERT_EQ(last.release_tags.size(), 1u);
    EXPECT_NE(last.release_tags[0].find("not usable"), std::string::npos) << last.release_tags[0];
}

// --- the Gitter ---

struct Delivery {
    boost::beast::http::fields fields;
    http::Request req;
    Delivery(const std::string& hook, const std::string& body) {
        req.method = http::Method::post;
        req.rest = hook;
        req.body = body;
        req.fields = &fields;
        fields.set("Content-Type", "application/json");
        fields.set("X-GitHub-Event", "push");
    }
    Delivery& sign(const std::string& secret) {
        fields.set("X-Hub-Signature-256",
                   "sha256=" + git::hubSignatureHex("sha256", secret, req.body));
        return *this;
    }
};

std::string pushBody(const std::string& ref, const std::string& after) {
    return nlohmann::json{{"ref", ref}, {"after", after}, {"repository", {{"full_name", "t/sot"}}}}
        .dump();
}

// --- configuration repositories (`config:` documents) ---

std::string installerOs(const std::string& kernel) {
    return "id: installer\nmajor_version: '1'\nos_family: Linux\nboot:\n  kernel: " + kernel + "\n";
}

class ConfigRepoTest : public GitSotTest {
protected:
    void SetUp() override {
        GitSotTest::SetUp();
        if (IsSkipped() || HasFatalFailure())
            return;
        config_.emplace(root_ / "config");
        ASSERT_TRUE(config_->ok());
        writeDefinitions(*config_);
        config_->write("os/installer.yml", installerOs("http://10.99.0.5/from-config"));
        config_->write("sites/ignored/env.yml", "not: read");  // sites come from the SoT
        ASSERT_FALSE(config_->commitAndPush("definitions").empty());
        config_hook_ = GitHookConfig{"config-hook", "", config_->url(), kSecret};
        hooks_.push_back(config_hook_);
        // The SoT's own repository: sites only, the first cluster document names the
        // configuration.
        remote_->remove("os");
        remote_->remove("boot");
        remote_->remove("workflows");
        remote_->write("sites/lab/hosts.yml", clusterConfig("config-hook", config_->url()) +
                                                  "---\n" + host("node1", "52:54:00:00:00:01"));
        ASSERT_FALSE(remote_->commitAndPush("advanced SoT").empty());
    }
    static std::string clusterConfig(const std::string& id,
                                     const std::string& url,
                                     const std::string& type = "git") {
        return "config:\n  id: " + id + "\n  type: " + type + "\n  url: " + url + "\n";
    }
    std::string servedKernel() const {
        const model::Os* os = served_ ? served_->os("installer") : nullptr;
        return os ? os->kernel : "";
    }
    // A server of the local SoT at `root` (no User API, its Gitter on an ephemeral port).
    Result<std::unique_ptr<Server>> openLocalServer(const fs::path& root) {
        Config config;
        config.save_path = (root_ / "server").string();
        config.git_hooks = hooks_;
        config.gitter.listen = {"127.0.0.1", 0};
        config.poll_interval_s = 1;
        config.sots.push_back({SotSourceConfig::Kind::Local, "local", root.string(), "", ""});
        ServerOptions options;
        options.user_api = false;
        return Server::open(config, std::move(options));
    }
    static std::string kernelOf(Server& server) {
        auto rev = server.revisions().latest();
        const model::Os* os = rev && rev->model ? rev->model->os("installer") : nullptr;
        return os ? os->kernel : std::string();
    }
    std::optional<git::testing::LocalRemote> config_;
    GitHookConfig config_hook_;
};

TEST_F(ConfigRepoTest, TheSharedDefinitionsComeFromTheRepositoryTheSitesName) {
    auto loaded = open();
    ASSERT_TRUE(loaded);
    EXPECT_EQ(servedKernel(), "http://10.99.0.5/from-config");
    EXPECT_NE(servedHost("node1"), nullptr);
    EXPECT_EQ(served_->site("ignored"), nullptr) << "sites/ come from the SoT only";
    const auto last = source_->lastAttempt();
    EXPECT_NE(last.config.find(config_->head()), std::string::npos) << last.config;

    // A push to the configuration repository arrives on its own GitHook and is a new revision.
    config_->write("os/installer.yml", installerOs("http://10.99.0.5/pushed"));
    const std::string pushed = config_->commitAndPush("new kernel");
    Gitter gitter(GitterConfig{}, hooks_, {source_.get()});
    Delivery d("config-hook", nlohmann::json{{"ref", "refs/heads/main"}, {"after", pushed}}.dump());
    auto r = gitter.handle(d.sign(kSecret).req);
    EXPECT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(published_, 1);
    EXPECT_EQ(servedKernel(), "http://10.99.0.5/pushed");
    EXPECT_NE(r.body.find(pushed), std::string::npos) << r.body;
    // Delivered again: nothing new.
    Delivery again("config-hook", d.req.body);
    EXPECT_EQ(gitter.handle(again.sign(kSecret).req).status, 200u);
    EXPECT_EQ(published_, 1);
}

TEST_F(ConfigRepoTest, ARefNamesABranchATagOrACommit) {
    const std::string first = config_->head();
    ASSERT_TRUE(config_->tag("v1"));
    config_->write("os/installer.yml", installerOs("http://10.99.0.5/head"));
    ASSERT_FALSE(config_->commitAndPush("moves on").empty());
    remote_->write("sites/lab/hosts.yml", clusterConfig("config-hook", config_->url()) +
                                              "  ref: v1\n---\n" +
                                              host("node1", "52:54:00:00:00:01"));
    ASSERT_FALSE(remote_->commitAndPush("pinned to the tag").empty());
    ASSERT_TRUE(open());
    EXPECT_EQ(servedKernel(), "http://10.99.0.5/from-config") << "the tag, not the head";
    EXPECT_NE(source_->lastAttempt().config.find(first), std::string::npos);
}

// A directory on the server is not for whoever pushes to the SoT to name: refused, and the
// last good revision keeps serving.
TEST_F(ConfigRepoTest, ALocalConfigurationIsRefusedForAGitSot) {
    ASSERT_TRUE(open());
    remote_->write("sites/lab/hosts.yml", clusterConfig("defs", "/etc", "local") + "---\n" +
                                              host("node1", "52:54:00:00:00:01"));
    ASSERT_FALSE(remote_->commitAndPush("a directory on the server").empty());
    const auto a = source_->refresh("test");
    EXPECT_EQ(a.outcome, GitSotAttempt::Outcome::refused);
    EXPECT_NE(a.reason.find("a git SoT takes its configuration from git"), std::string::npos)
        << a.reason;
    EXPECT_EQ(servedKernel(), "http://10.99.0.5/from-config") << "the last good one serves";
}

TEST_F(ConfigRepoTest, SitesNamingDifferentRepositoriesOrAnUnknownHookAreRefused) {
    remote_->write("sites/other/env.yml", env("other"));
    remote_->write("sites/other/hosts.yml", clusterConfig("sot-hook", remote_->url()) + "---\n" +
                                                host("node2", "52:54:00:00:00:02"));
    ASSERT_FALSE(remote_->commitAndPush("two configurations").empty());
    auto s = GitSotSource::open(sot_, hook_, (root_ / "save").string(), [&] {
        GitSotSource::Options o;
        o.hooks = hooks_;
        return o;
    }());
    ASSERT_TRUE(s) << s.message();
    auto loaded = (*s)->loadInitial();
    ASSERT_FALSE(loaded);
    EXPECT_NE(loaded.message().find("different configuration repositories"), std::string::npos)
        << loaded.message();

    remote_->remove("sites/other");
    remote_->write("sites/lab/hosts.yml", clusterConfig("nobody", config_->url()) + "---\n" +
                                              host("node1", "52:54:00:00:00:01"));
    ASSERT_FALSE(remote_->commitAndPush("unknown hook").empty());
    auto again = (*s)->loadInitial();
    ASSERT_FALSE(again);
    EXPECT_NE(again.message().find("config id 'nobody' names no GitHook"), std::string::npos)
        << again.message();
}

// A local SoT whose sites name a git configuration: the server fetches it with every load, and
// a push to it, arriving on its GitHook, reloads the SoT (a redelivery makes no revision).
TEST_F(ConfigRepoTest, ALocalSotTakesAGitConfigurationAndFollowsItsPushes) {
    const fs::path local = root_ / "local";
    fs::create_directories(local / "sites/lab");
    std::ofstream(local / "sites/lab/env.yml") << env("lab");
    std::ofstream(local / "sites/lab/hosts.yml") << clusterConfig("config-hook", config_->url()) +
                                                        "  ref: main\n---\n" +
                                                        host("node1", "52:54:00:00:00:01");
    auto server = openLocalServer(local);
    ASSERT_TRUE(server) << server.message();
    auto kernel = [&] { return kernelOf(**server); };
    EXPECT_EQ(kernel(), "http://10.99.0.5/from-config");
    ASSERT_NE((*server)->pushTarget(), nullptr);
    ASSERT_TRUE((*server)->start());
    EXPECT_NE((*server)->gitterPort(), 0) << "the Gitter listens for the configuration's pushes";

    config_->write("os/installer.yml", installerOs("http://10.99.0.5/pushed"));
    const std::string pushed = config_->commitAndPush("new kernel");
    Gitter gitter(GitterConfig{}, hooks_, {(*server)->pushTarget()});
    Delivery d("config-hook", pushBody("refs/heads/main", pushed));
    auto r = gitter.handle(d.sign(kSecret).req);
    EXPECT_EQ(r.status, 200u) << r.body;
    EXPECT_NE(r.body.find("\"accepted\""), std::string::npos) << r.body;
    EXPECT_EQ(kernel(), "http://10.99.0.5/pushed");
    EXPECT_EQ((*server)->revisions().latest()->number, 2u);
    Delivery again("config-hook", d.req.body);
    r = gitter.handle(again.sign(kSecret).req);
    EXPECT_EQ(r.status, 200u) << r.body;
    EXPECT_NE(r.body.find("\"unchanged\""), std::string::npos) << r.body;
    EXPECT_EQ((*server)->revisions().latest()->number, 2u) << "nothing new: no revision";
    // The SoT's own directory is still watched, its definitions still the repository's.
    std::ofstream(local / "sites/lab/more.yml") << host("node2", "52:54:00:00:00:02");
    for (int i = 0; i < 100 && (*server)->revisions().latest()->number < 3; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ((*server)->revisions().latest()->number, 3u);
    EXPECT_EQ(kernel(), "http://10.99.0.5/pushed");
    (*server)->stop();
}

// Sites that begin naming a git configuration in a later edit of a local SoT are followed
// from then on: the Gitter listens from the start, and the next push reloads the SoT.
TEST_F(ConfigRepoTest, ALocalSotThatNamesAGitConfigurationLaterFollowsItsPushes) {
    const fs::path local = root_ / "local";
    fs::create_directories(local / "sites/lab");
    std::ofstream(local / "sites/lab/env.yml") << env("lab");
    std::ofstream(local / "sites/lab/hosts.yml") << host("node1", "52:54:00:00:00:01");
    fs::create_directories(local / "os");
    fs::create_directories(local / "boot");
    fs::create_directories(local / "workflows");
    std::ofstream(local / "os/installer.yml") << installerOs("http://10.99.0.5/local");
    std::ofstream(local / "boot/install.yml") << "id: install\noperating_system: installer\n";
    std::ofstream(local / "workflows/install.yml") << "id: install\nworkflow:\n  - boot: install\n";
    auto server = openLocalServer(local);
    ASSERT_TRUE(server) << server.message();
    auto kernel = [&] { return kernelOf(**server); };
    EXPECT_EQ(kernel(), "http://10.99.0.5/local");
    ASSERT_TRUE((*server)->start());
    EXPECT_NE((*server)->gitterPort(), 0) << "GitHooks configured: the Gitter listens";
    Gitter gitter(GitterConfig{}, hooks_, {(*server)->pushTarget()});
    const std::string before = config_->head();
    Delivery early("config-hook", pushBody("refs/heads/main", before));
    auto r = gitter.handle(early.sign(kSecret).req);
    EXPECT_EQ(r.status, 202u) << "no site names the configuration yet: " << r.body;

    // The operator's edit: the site now takes its definitions from the repository.
    std::ofstream(local / "sites/lab/hosts.yml") << clusterConfig("config-hook", config_->url()) +
                                                        "  ref: main\n---\n" +
                                                        host("node1", "52:54:00:00:00:01");
    for (int i = 0; i < 100 && kernel() != "http://10.99.0.5/from-config"; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_EQ(kernel(), "http://10.99.0.5/from-config");
    const uint64_t edited = (*server)->revisions().latest()->number;

    config_->write("os/installer.yml", installerOs("http://10.99.0.5/pushed"));
    const std::string pushed = config_->commitAndPush("new kernel");
    Delivery d("config-hook", pushBody("refs/heads/main", pushed));
    r = gitter.handle(d.sign(kSecret).req);
    EXPECT_EQ(r.status, 200u) << r.body;
    EXPECT_NE(r.body.find("\"accepted\""), std::string::npos) << r.body;
    EXPECT_EQ(kernel(), "http://10.99.0.5/pushed");
    EXPECT_EQ((*server)->revisions().latest()->number, edited + 1);
    (*server)->stop();
}

class GitterTest : public GitSotTest {
protected:
    void SetUp() override {
        GitSotTest::SetUp();
        if (IsSkipped() || HasFatalFailure())
            return;
        ASSERT_TRUE(open());
        gitter_ = std::make_unique<Gitter>(GitterConfig{}, std::vector<GitHookConfig>{hook_},
                                           std::vector<PushTarget*>{source_.get()});
        remote_->write("sites/lab/more.yml", host("node2", "52:54:00:00:00:02"));
        second_ = remote_->commitAndPush("second");
    }
    void TearDown() override {
        gitter_.reset();
        GitSotTest::TearDown();
    }
    std::unique_ptr<Gitter> gitter_;
    std::string second_;
};

TEST_F(GitterTest, ASignedPushLoadsTheNewCommit) {
    Delivery d("sot-hook", pushBody("refs/heads/main", second_));
    auto r = gitter_->handle(d.sign(kSecret).req);
    EXPECT_EQ(r.status, 200u) << r.body;
    auto j = nlohmann::json::parse(r.body);
    EXPECT_EQ(j["results"][0]["outcome"], "accepted");
    EXPECT_EQ(j["results"][0]["commit"], second_);
    EXPECT_EQ(source_->servedCommit(), second_);
    EXPECT_EQ(published_, 1);
}

TEST_F(GitterTest, AFormEncodedPushIsSignedOverTheRawBody) {
    // GitHub's default content type: payload=<url-encoded JSON>; the HMAC covers the form.
    Delivery d("sot-hook", "payload=%7B%22ref%22%3A%22refs%2Fheads%2Fmain%22%7D");
    d.fields.set("Content-Type", "application/x-www-form-urlencoded");
    auto r = gitter_->handle(d.sign(kSecret).req);
    EXPECT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(source_->servedCommit(), second_);
}

TEST_F(GitterTest, AWrongOrMissingSignatureIs401AndFetchesNothing) {
    Delivery wrong("sot-hook", pushBody("refs/heads/main", second_));
    EXPECT_EQ(gitter_->handle(wrong.sign("not the secret").req).status, 401u);
    Delivery missing("sot-hook", pushBody("refs/heads/main", second_));
    EXPECT_EQ(gitter_->handle(missing.req).status, 401u);
    Delivery tampered("sot-hook", pushBody("refs/heads/main", second_));
    tampered.sign(kSecret).req.body += " ";
    EXPECT_EQ(gitter_->handle(tampered.req).status, 401u);
    EXPECT_EQ(source_->lastAttempt().trigger, "start-up");  // no fetch was attempted
    EXPECT_EQ(source_->servedCommit(), first_);
    EXPECT_EQ(published_, 0);
}

TEST_F(GitterTest, OlderHooksSignWithSha1) {
    Delivery d("sot-hook", pushBody("refs/heads/main", second_));
    d.fields.set("X-Hub-Signature", "sha1=" + git::hubSignatureHex("sha1", kSecret, d.req.body));
    auto r = gitter_->handle(d.req);
    EXPECT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(source_->servedCommit(), second_);
}

TEST_F(GitterTest, AHookWithoutSecretTakesUnsignedDeliveries) {
    GitHookConfig open_hook = hook_;
    open_hook.secret.clear();
    Gitter unsigned_gitter(GitterConfig{}, {open_hook}, {source_.get()});
    Delivery d("sot-hook", pushBody("refs/heads/main", second_));
    auto r = unsigned_gitter.handle(d.req);
    EXPECT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(source_->servedCommit(), second_);
}

TEST_F(GitterTest, UnknownHookIs404) {
    Delivery d("other-hook", pushBody("refs/heads/main", second_));
    auto r = gitter_->handle(d.sign(kSecret).req);
    EXPECT_EQ(r.status, 404u);
    EXPECT_EQ(source_->servedCommit(), first_);
}

TEST_F(GitterTest, OtherBranchesAndEventsAreIgnored) {
    Delivery other("sot-hook", pushBody("refs/heads/feature", second_));
    auto r = gitter_->handle(other.sign(kSecret).req);
    EXPECT_EQ(r.status, 202u);
    EXPECT_NE(r.body.find("main"), std::string::npos) << r.body;
    Delivery ping("sot-hook", R"({"zen":"Keep it logically awesome."})");
    ping.fields.set("X-GitHub-Event", "ping");
    EXPECT_EQ(gitter_->handle(ping.sign(kSecret).req).status, 200u);
    Delivery issue("sot-hook", "{}");
    issue.fields.set("X-GitHub-Event", "issues");
    EXPECT_EQ(gitter_->handle(issue.sign(kSecret).req).status, 202u);
    Delivery garbage("sot-hook", "not json");
    EXPECT_EQ(gitter_->handle(garbage.sign(kSecret).req).status, 400u);
    EXPECT_EQ(source_->servedCommit(), first_);
}

TEST_F(GitterTest, ABrokenPushAnswers422WithTheErrors) {
    remote_->write("sites/lab/more.yml", "name: [unclosed\n");
    const std::string broken = remote_->commitAndPush("broken");
    Delivery d("sot-hook", pushBody("refs/heads/main", broken));
    auto r = gitter_->handle(d.sign(kSecret).req);
    EXPECT_EQ(r.status, 422u) << r.body;
    auto j = nlohmann::json::parse(r.body);
    ASSERT_FALSE(j["results"][0]["errors"].empty());
    EXPECT_NE(j["results"][0]["errors"][0].get<std::string>().find(
                  "sites/lab/more.yml:2:1: error: YAML syntax error"),
              std::string::npos)
        << r.body;
    EXPECT_EQ(source_->servedCommit(), first_);
}

TEST_F(GitterTest, AnUnreachableRepositoryAnswers502) {
    fs::remove_all(remote_->bare());
    Delivery d("sot-hook", pushBody("refs/heads/main", second_));
    auto r = gitter_->handle(d.sign(kSecret).req);
    EXPECT_EQ(r.status, 502u) << r.body;
    EXPECT_EQ(source_->servedCommit(), first_);
}

}  // namespace
}  // namespace vq::server
