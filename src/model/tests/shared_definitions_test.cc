#include "model/shared_definitions.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <unistd.h>

namespace vq::model {
namespace {

namespace fs = std::filesystem;

TEST(SharedDefinitions, SitesComeFromTheSotAndTheRestFromTheDefinitions) {
    const std::vector<SotFile> sot = {
        {"os/old.yml", "sot's"}, {"sites/lab/env.yml", "env"}, {"workflows/w.yml", "sot's"}};
    const std::vector<SotFile> defs = {
        {"assets/untyped/a", "a"}, {"os/new.yml", "defs'"}, {"sites/other/env.yml", "not taken"}};
    EXPECT_EQ(
        withSharedDefinitions(sot, defs),
        (std::vector<SotFile>{
            {"assets/untyped/a", "a"}, {"os/new.yml", "defs'"}, {"sites/lab/env.yml", "env"}}));
}

TEST(SharedDefinitions, ASitesOnlySotLoadsWithItsConfigurationCheckout) {
    const fs::path root = fs::temp_directory_path() / ("vq-shared-" + std::to_string(::getpid()));
    fs::remove_all(root);
    auto put = [&](const fs::path& rel, const std::string& text) {
        fs::create_directories((root / rel).parent_path());
        std::ofstream(root / rel) << text;
    };
    put("sot/sites/lab/env.yml",
        "id: lab\nsubnets:\n  - id: net\n    cidr: 10.99.0.0/24\n    dns: [10.99.0.1]\n"
        "agents:\n  - name: a\n");
    put("sot/sites/lab/hosts.yml",
        "config: {id: defs, type: local, url: /elsewhere}\n---\nname: h1\ninterfaces:\n"
        "  - type: physical\n    subnet: net\n    mac: 52:54:00:00:00:01\n    ipv4: 10.99.0.10\n"
        "workflow: w\n");
    EXPECT_TRUE(loadSot(root / "sot").hasErrors()) << "alone, workflow w is unknown";
    put("defs/os/linux.yml", "id: linux\nos_family: Debian\nboot:\n  kernel: k\n");
    put("defs/boot/b.yml", "id: b\noperating_system: linux\n");
    put("defs/workflows/w.yml", "id: w\nworkflow:\n  - boot: b\n");
    LoadResult r = loadSotWithDefinitions(root / "sot", root / "defs");
    for (const auto& d : r.diagnostics)
        ADD_FAILURE() << d.toString();
    ASSERT_TRUE(r.model);
    EXPECT_NE(r.model->host("lab", "h1"), nullptr);
    EXPECT_TRUE(loadSotWithDefinitions(root / "sot", root / "missing").io_failure);
    fs::remove_all(root);
}

// A local SoT's git configuration comes from the fetch the server gives; without one it is
// ignored with the reason; a fetch that fails is the load's error, naming the site.
TEST(SharedDefinitions, ALocalSotTakesItsGitConfigurationFromTheFetch) {
    const fs::path root =
        fs::temp_directory_path() / ("vq-shared-git-" + std::to_string(::getpid()));
    fs::remove_all(root);
    fs::create_directories(root / "sites/lab");
    std::ofstream(root / "sites/lab/env.yml")
        << "id: lab\nsubnets:\n  - id: net\n    cidr: 10.99.0.0/24\n    dns: [10.99.0.1]\n"
           "agents:\n  - name: a\n";
    std::ofstream(root / "sites/lab/hosts.yml")
        << "config: {id: hook, type: git, url: 'file:///repo', ref: main}\n---\nname: h1\n"
           "interfaces:\n  - type: physical\n    subnet: net\n    mac: 52:54:00:00:00:01\n"
           "    ipv4: 10.99.0.10\nworkflow: w\n";
    const LocalSotLoad alone = loadLocalSot(root);
    EXPECT_NE(alone.ignored.find("names a git configuration"), std::string::npos) << alone.ignored;

    std::string asked;
    FetchDefinitions fetch = [&asked](const SotConfig& c) -> Result<FetchedDefinitions> {
        asked = c.id + " " + c.url + " " + c.ref;
        return FetchedDefinitions{{{"os/linux.yml",
                                    "id: linux\nos_family: Debian\nboot:\n"
                                    "  kernel: fetched\n"},
                                   {"boot/b.yml", "id: b\noperating_system: linux\n"},
                                   {"workflows/w.yml", "id: w\nworkflow:\n  - boot: b\n"}},
                                  "git:abc",
                                  "configuration at abc",
                                  "hook"};
    };
    const LocalSotLoad loaded = loadLocalSot(root, {}, nullptr, fetch);
    for (const auto& d : loaded.result.diagnostics)
        ADD_FAILURE() << d.toString();
    ASSERT_TRUE(loaded.result.model);
    EXPECT_EQ(asked, "hook file:///repo main");
    EXPECT_EQ(loaded.result.model->os("linux")->kernel, "fetched");
    EXPECT_EQ(loaded.fetched.key, "git:abc");
    EXPECT_EQ(loaded.fetched.hook_id, "hook");
    EXPECT_TRUE(loaded.ignored.empty());

    FetchDefinitions failing = [](const SotConfig&) -> Result<FetchedDefinitions> {
        return Status::unavailable("unreachable and never fetched");
    };
    const LocalSotLoad failed = loadLocalSot(root, {}, nullptr, failing);
    ASSERT_FALSE(failed.result.diagnostics.empty());
    EXPECT_NE(failed.result.diagnostics[0].message.find("site lab's configuration repository: "
                                                        "unreachable and never fetched"),
              std::string::npos)
        << failed.result.diagnostics[0].message;
    fs::remove_all(root);
}

}  // namespace
}  // namespace vq::model
