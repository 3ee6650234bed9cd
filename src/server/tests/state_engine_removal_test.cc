// Hosts a revision no longer has leave the rollout (never powered again, their history kept,
// also across a restart); a revision no host pins any more is released at once.
#include <filesystem>

#include <gtest/gtest.h>
#include <unistd.h>

#include "server/tests/state_engine_lab.h"
#include "store/sqlite_rollout_store.h"

namespace vq::server {
namespace {

using namespace std::chrono_literals;
using namespace testlab;
using workflow::Phase;

bool listed(const StateEngine& engine, const std::string& host) {
    for (const auto& v : engine.hosts()) {
        if (v.host == host)
            return true;
    }
    return false;
}

TEST(StateEngineRemoval, AHostRemovedDuringItsInstallIsNeverPoweredAndKeepsItsHistory) {
    Lab lab;
    lab.hosts += hostDoc("b", 2, true);
    Harness x(lab);
    lab.kickstart = "install {{.host.name}} v2\n";
    x.engine->onRevision(revision(lab, 2));
    ASSERT_EQ(x.fx.requests().size(), 2u);
    ASSERT_TRUE(x.fx.answer(0, true));  // a boots its install stage
    ASSERT_EQ(x.phase("a"), Phase::booting);

    lab.hosts = hostDoc("b", 2, true);  // a leaves the SoT
    x.engine->onRevision(revision(lab, 3));
    EXPECT_FALSE(x.engine->host("lab", "a")) << "not in the rollout";
    EXPECT_FALSE(listed(*x.engine, "a"));
    EXPECT_TRUE(listed(*x.engine, "b"));
    auto removed = x.engine->removedHosts();
    ASSERT_EQ(removed.size(), 1u);
    EXPECT_EQ(removed[0].site, "lab");
    EXPECT_EQ(removed[0].host, "a");
    EXPECT_EQ(removed[0].removed_in, 3u);
    auto past = x.engine->history("lab", "a");
    ASSERT_TRUE(past) << past.message();
    EXPECT_TRUE(past->removed);
    EXPECT_EQ(past->removed_in, 3u);
    ASSERT_EQ(past->transitions.size(), 4u) << "pending, rebooting, booting, removed";
    EXPECT_EQ(past->transitions.back().transition.from, Phase::booting);
    EXPECT_EQ(past->transitions.back().transition.to, Phase::removed);
    EXPECT_EQ(x.engine->history("lab", "nobody").status().code(), StatusCode::not_found);
    EXPECT_FALSE(x.engine->history("lab", "b")->removed);

    // What still comes for it moves nothing and powers nothing.
    EXPECT_TRUE(x.engine->checkpoint("lab", "a", "install"));
    EXPECT_EQ(x.engine->reprovision("lab", "a").code(), StatusCode::not_found);
    x.clock.advance(2h);
    x.engine->tick();
    EXPECT_EQ(x.engine->history("lab", "a")->transitions.size(), 4u);
    EXPECT_EQ(x.fx.requests().size(), 2u) << "no power action for a removed host";
    EXPECT_EQ(x.engine->servedRevision("lab", "a"), 0u);
    EXPECT_EQ(x.engine->planJson().find("\"a\""), std::string::npos) << x.engine->planJson();

    // Back in revision 4: a new host, provisioned on it (no force_provision); the old
    // history is still there.
    lab.hosts = hostDoc("a", 1, true) + hostDoc("b", 2, true);
    x.engine->onRevision(revision(lab, 4));
    ASSERT_TRUE(x.engine->host("lab", "a"));
    EXPECT_EQ(x.phase("a"), Phase::provisioned);
    EXPECT_EQ(x.engine->host("lab", "a")->status.provisioned_revision, 4u);
    EXPECT_TRUE(x.engine->removedHosts().empty());
    EXPECT_FALSE(x.engine->history("lab", "a")->removed);
    EXPECT_EQ(x.fx.requests().size(), 2u);
}

TEST(StateEngineRemoval, APendingHostRemovedFreesItsSlotForTheNext) {
    Lab lab;
    lab.hosts += hostDoc("b", 2, true);
    lab.workflow_deps = "deps:\n  max_concurrent: 1\n";
    Harness x(lab);
    lab.kickstart = "install {{.host.name}} v2\n";
    x.engine->onRevision(revision(lab, 2));
    ASSERT_EQ(x.phase("a"), Phase::rebooting);
    ASSERT_EQ(x.phase("b"), Phase::pending);
    lab.hosts = hostDoc("b", 2, true);
    x.engine->onRevision(revision(lab, 3));
    EXPECT_EQ(x.phase("b"), Phase::rebooting) << "a's slot went to b";
    ASSERT_EQ(x.fx.requests().size(), 2u);
    EXPECT_EQ(x.fx.requests()[1].host, "lab/b");
    ASSERT_TRUE(x.fx.answer(0, true));  // a's late power answer: ignored
    EXPECT_FALSE(x.engine->host("lab", "a"));
}

struct TempDir {
    std::filesystem::path path;
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "vq-engine-XXXXXX").string();
        path = mkdtemp(tmpl.data());
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

std::unique_ptr<store::SqliteRolloutStore> openStore(const std::filesystem::path& dir) {
    auto db = store::SqliteDb::openDir(dir.string());
    EXPECT_TRUE(db) << db.message();
    auto s = store::SqliteRolloutStore::on(*db);
    EXPECT_TRUE(s) << s.message();
    return std::move(*s);
}

TEST(StateEngineRemovalStore, ARemovalSurvivesARestart) {
    TempDir dir;
    Lab lab;
    lab.hosts += hostDoc("b", 2, true);
    SimulatedClock clock;
    {
        auto store = openStore(dir.path);
        StateEngineOptions options;
        options.store = store.get();
        RecordingEffects fx;
        StateEngine first(revision(lab, 1), &fx, options, clock);
        lab.kickstart = "install {{.host.name}} v2\n";
        first.onRevision(revision(lab, 2));
        ASSERT_EQ(fx.requests().size(), 2u);
        lab.hosts = hostDoc("b", 2, true);
        first.onRevision(revision(lab, 3));  // a removed while rebooting
        ASSERT_TRUE(first.history("lab", "a")->removed);
    }  // stopped; the store is all that is left
    auto store = openStore(dir.path);
    auto state = store->loadRollout(50);
    ASSERT_TRUE(state) << state.message();
    bool recorded = false;
    for (const auto& r : state->hosts) {
        if (r.key == "lab/a") {
            recorded = true;
            EXPECT_EQ(r.phase, Phase::removed);
            EXPECT_EQ(r.revision, 3u);
        }
    }
    EXPECT_TRUE(recorded) << "the removal is a stored record";

    StateEngineOptions options;
    options.store = store.get();
    RecordingEffects fx;
    StateEngine second(revision(lab, 3), &fx, options, clock);
    second.restore(*state);
    EXPECT_TRUE(fx.requests().empty()) << "nothing run again for a removed host";
    EXPECT_FALSE(second.host("lab", "a"));
    EXPECT_FALSE(listed(second, "a"));
    auto past = second.history("lab", "a");
    ASSERT_TRUE(past) << past.message();
    EXPECT_TRUE(past->removed);
    EXPECT_EQ(past->removed_in, 3u);
    ASSERT_EQ(past->transitions.size(), 3u) << "pending, rebooting, removed";
    EXPECT_EQ(past->transitions.back().transition.to, Phase::removed);
    EXPECT_EQ(second.host("lab", "b")->status.phase, Phase::rebooting);
    EXPECT_EQ(second.pinnedRevisions(), (std::set<uint64_t>{1, 2}))
        << "b runs 1 and goes to 2; a pins nothing";

    // Added back after the restart: a new host.
    lab.hosts = hostDoc("a", 1, true) + hostDoc("b", 2, true);
    second.onRevision(revision(lab, 4));
    EXPECT_EQ(second.host("lab", "a")->status.phase, Phase::provisioned);
    EXPECT_FALSE(second.history("lab", "a")->removed);
    EXPECT_TRUE(fx.requests().empty());
}

TEST(StateEngineRevisions, ARevisionIsReleasedOnceTheLastHostMovesOffIt) {
    Lab lab;
    lab.hosts += hostDoc("b", 2, true);
    std::vector<std::set<uint64_t>> released;
    std::vector<std::set<uint64_t>> pinned_then;
    std::unique_ptr<StateEngine>* engine_ref = nullptr;
    StateEngineOptions options;
    options.on_released = [&](const std::set<uint64_t>& r) {
        released.push_back(r);
        pinned_then.push_back((*engine_ref)->pinnedRevisions());
    };
    SimulatedClock clock;
    RecordingEffects fx;
    auto engine = std::make_unique<StateEngine>(revision(lab, 1), &fx, options, clock);
    engine_ref = &engine;

    lab.kickstart = "install {{.host.name}}{{if eq .host.name \"a\"}} v2{{end}}\n";
    engine->onRevision(revision(lab, 2));
    EXPECT_EQ(engine->host("lab", "b")->status.provisioned_revision, 2u)
        << "b's bytes are the same on 2: it moved onto it";
    EXPECT_EQ(engine->servedRevision("lab", "b"), 2u);
    EXPECT_EQ(engine->pinnedRevisions(), (std::set<uint64_t>{1, 2})) << "a still runs 1";
    EXPECT_TRUE(released.empty());

    ASSERT_TRUE(fx.answer(0, true));
    ASSERT_TRUE(engine->checkpoint("lab", "a", "install"));
    EXPECT_TRUE(released.empty()) << "a is on its way, 1 is its rollback";
    ASSERT_TRUE(engine->checkpoint("lab", "a", "disk"));
    ASSERT_EQ(engine->host("lab", "a")->status.phase, Phase::provisioned);
    ASSERT_EQ(released.size(), 1u) << "told when a is provisioned, not at the next revision";
    EXPECT_EQ(released[0], (std::set<uint64_t>{1}));
    EXPECT_EQ(pinned_then[0], (std::set<uint64_t>{2}));
}

}  // namespace
}  // namespace vq::server
