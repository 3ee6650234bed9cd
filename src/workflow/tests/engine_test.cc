#include "workflow/engine.h"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "model/load.h"

namespace vq::workflow {
namespace {

using namespace std::chrono_literals;

const char* const kEnv = R"(id: lab
subnets:
  - id: net
    cidr: 10.99.0.0/24
    gateway: 10.99.0.1
    dns: [10.99.0.2]
agents:
  - name: a1
    asset_server: {addr: 10.99.0.5, port: 8080}
)";

std::string host(const std::string& name, const std::string& mac, const std::string& wf) {
    return "name: " + name + "\ninterfaces:\n  - type: physical\n    subnet: net\n    mac: " + mac +
           "\n    ipv4: 10.99.0." + mac.substr(mac.size() - 1) + "0\nworkflow: " + wf + "\n";
}

// h1: install -> disk; h2: the single stage `disk`; `wf` can be swapped per test.
std::shared_ptr<const model::Model> load(const std::string& h1_workflow = "two",
                                         const std::string& two_stages = "install, disk") {
    std::string stages;
    for (size_t pos = 0; pos < two_stages.size();) {
        size_t comma = two_stages.find(", ", pos);
        std::string b = two_stages.substr(pos, comma == std::string::npos ? comma : comma - pos);
        stages += "  - boot: " + b + "\n";
        pos = comma == std::string::npos ? two_stages.size() : comma + 2;
    }
    std::vector<model::SotFile> files = {
        {"sites/lab/env.yml", kEnv},
        {"sites/lab/inventory.yml", host("h1", "aa:bb:cc:00:00:01", h1_workflow) + "---\n" +
                                        host("h2", "aa:bb:cc:00:00:02", "one")},
        {"os/linux.yml",
         "id: linux\nmajor_version: '1'\nos_family: Linux\nboot:\n  kernel: k\n  initrd: [i]\n"},
        {"boot/install.yml", "id: install\noperating_system: linux\n"},
        {"boot/disk.yml", "id: disk\noperating_system: linux\n"},
        {"boot/rescue.yml", "id: rescue\noperating_system: linux\n"},
        {"workflows/two.yml", "id: two\nworkflow:\n" + stages},
        {"workflows/one.yml", "id: one\nworkflow:\n  - boot: disk\n"},
        {"workflows/other.yml", "id: other\nworkflow:\n  - boot: rescue\n  - boot: disk\n"},
    };
    auto loaded = model::loadSotFiles(files);
    EXPECT_TRUE(loaded.model);
    for (const auto& d : loaded.diagnostics)
        ADD_FAILURE() << d.toString();
    return loaded.model;
}

class RecordingSink : public EventSink {
public:
    void record(HostEvent e) override {
        std::lock_guard lock(mu_);
        kinds.push_back(e.kind);
        events.push_back(std::move(e));
    }
    std::mutex mu_;
    std::vector<std::string> kinds;
    std::vector<HostEvent> events;
};

struct WorkflowEngineTest : ::testing::Test {
    std::shared_ptr<const model::Model> model = load();
    MemoryProgressStore store;
    RecordingSink sink;
    WorkflowEngine engine{store, &sink};
    WallTime t0 = WallTime{} + 1000h;

    const model::Host& h(const char* name) { return *model->host("lab", name); }
    std::string current(const char* name) {
        return engine.currentBoot("lab", h(name), *model, t0).boot;
    }
};

TEST_F(WorkflowEngineTest, NewHostBootsTheFirstStageWithoutWriting) {
    auto c = engine.currentBoot("lab", h("h1"), *model, t0);
    EXPECT_EQ(c.boot, "install");
    EXPECT_EQ(c.stage, 0u);
    EXPECT_FALSE(c.reset);
    EXPECT_EQ(store.saves(), 0u);
    EXPECT_TRUE(sink.kinds.empty());
}

TEST_F(WorkflowEngineTest, CheckpointAdvancesThenProvisions) {
    auto t = engine.checkpoint("lab", "h1", "install", *model, t0);
    ASSERT_TRUE(t) << t.message();
    EXPECT_EQ(t->kind, TransitionKind::stage_done);
    EXPECT_EQ(t->from_boot, "install");
    EXPECT_EQ(t->progress.boot, "disk");
    EXPECT_EQ(t->progress.stage, 1u);
    EXPECT_EQ(t->progress.state, HostState::booting);
    EXPECT_EQ(t->summary(), "stage done: install -> disk (stage 2)");
    EXPECT_EQ(current("h1"), "disk");

    t = engine.checkpoint("lab", "h1", "disk", *model, t0 + 1s);
    ASSERT_TRUE(t) << t.message();
    EXPECT_EQ(t->kind, TransitionKind::provisioned);
    EXPECT_EQ(t->progress.state, HostState::provisioned);
    EXPECT_EQ(t->progress.checkpoints, 2u);
    EXPECT_EQ(t->progress.updated, t0 + 1s);
    // Provisioned hosts keep being served their last stage.
    auto c = engine.currentBoot("lab", h("h1"), *model, t0);
    EXPECT_EQ(c.boot, "disk");
    EXPECT_EQ(c.state, HostState::provisioned);

    t = engine.checkpoint("lab", "h1", "disk", *model, t0 + 2s);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->kind, TransitionKind::repeated);
    EXPECT_EQ(sink.kinds, (std::vector<std::string>{"HOST_STAGE_DONE", "HOST_PROVISIONED"}));
    ASSERT_TRUE(sink.events.front().mac);
    EXPECT_EQ(sink.events.front().mac->toString(), "aa:bb:cc:00:00:01");
    EXPECT_EQ(sink.events.front().source, "workflow");

    // Written through: the store holds what the engine serves.
    auto stored = store.load("lab", "h1");
    ASSERT_TRUE(stored && *stored);
    EXPECT_EQ(**stored, *engine.progress("lab", "h1"));
}

TEST_F(WorkflowEngineTest, SingleStageWorkflowIsProvisionedByItsCheckpoint) {
    auto t = engine.checkpoint("lab", "h2", "disk", *model, t0);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->kind, TransitionKind::provisioned);
    EXPECT_EQ(current("h2"), "disk");
}

TEST_F(WorkflowEngineTest, CheckpointForAnotherStageIsStale) {
    auto t = engine.checkpoint("lab", "h1", "disk", *model, t0);
    ASSERT_TRUE(t) << t.message();
    EXPECT_EQ(t->kind, TransitionKind::stale);
    EXPECT_EQ(t->progress.boot, "install");
    EXPECT_EQ(t->progress.checkpoints, 1u);
    EXPECT_EQ(current("h1"), "install");
    EXPECT_EQ(sink.kinds, (std::vector<std::string>{"HOST_CHECKPOINT_STALE"}));
}

TEST_F(WorkflowEngineTest, UnknownSiteHostOrBootIsAnError) {
    auto t = engine.checkpoint("lab", "h1", "rescue", *model, t0);
    ASSERT_FALSE(t);
    EXPECT_NE(t.message().find("'rescue' is not part of host h1's workflow two"), std::string::npos)
        << t.message();
    EXPECT_FALSE(engine.checkpoint("lab", "nobody", "disk", *model, t0));
    EXPECT_FALSE(engine.checkpoint("nowhere", "h1", "disk", *model, t0));
    EXPECT_FALSE(engine.override("lab", "h1", "nope", *model, t0));
    EXPECT_EQ(store.saves(), 0u);
}

TEST_F(WorkflowEngineTest, HostMayBeNamedByMac) {
    auto t = engine.checkpoint("lab", "AA-BB-CC-00-00-01", "install", *model, t0);
    ASSERT_TRUE(t) << t.message();
    EXPECT_EQ(t->progress.host, "h1");
    EXPECT_EQ(current("h1"), "disk");
}

TEST_F(WorkflowEngineTest, OverrideSetsAnyBootOfTheWorkflow) {
    ASSERT_TRUE(engine.checkpoint("lab", "h1", "install", *model, t0));
    ASSERT_TRUE(engine.checkpoint("lab", "h1", "disk", *model, t0));
    auto t = engine.override("lab", "h1", "install", *model, t0 + 5s);
    ASSERT_TRUE(t) << t.message();
    EXPECT_EQ(t->kind, TransitionKind::override_set);
    EXPECT_EQ(t->from_boot, "disk");
    EXPECT_EQ(t->progress.state, HostState::booting);
    EXPECT_EQ(t->progress.checkpoints, 2u);
    EXPECT_EQ(current("h1"), "install");
    EXPECT_EQ(sink.kinds.back(), "HOST_OVERRIDE");
}

TEST_F(WorkflowEngineTest, WorkflowChangeResetsToStageZeroOnce) {
    ASSERT_TRUE(engine.checkpoint("lab", "h1", "install", *model, t0));
    model = load("other");
    auto c = engine.currentBoot("lab", h("h1"), *model, t0 + 1s);
    EXPECT_EQ(c.boot, "rescue");
    EXPECT_TRUE(c.reset);
    EXPECT_EQ(sink.kinds.back(), "HOST_STAGE_RESET");
    const size_t saves = store.saves();
    c = engine.currentBoot("lab", h("h1"), *model, t0 + 2s);
    EXPECT_FALSE(c.reset);
    EXPECT_EQ(store.saves(), saves);
    EXPECT_EQ(engine.progress("lab", "h1")->workflow, "other");
}

TEST_F(WorkflowEngineTest, BootLeavingTheWorkflowResets) {
    ASSERT_TRUE(engine.checkpoint("lab", "h1", "install", *model, t0));  // now at disk
    model = load("two", "install, rescue");
    auto c = engine.currentBoot("lab", h("h1"), *model, t0);
    EXPECT_TRUE(c.reset);
    EXPECT_EQ(c.boot, "install");
}

TEST_F(WorkflowEngineTest, ReorderedStagesKeepTheBoot) {
    ASSERT_TRUE(engine.checkpoint("lab", "h1", "install", *model, t0));  // now at disk
    model = load("two", "rescue, disk, install");
    auto c = engine.currentBoot("lab", h("h1"), *model, t0);
    EXPECT_FALSE(c.reset);
    EXPECT_EQ(c.boot, "disk");
    EXPECT_EQ(c.stage, 1u);
    // A checkpoint after a reorder moves on from where the boot now is.
    model = load("two", "disk, install");
    auto t = engine.checkpoint("lab", "h1", "disk", *model, t0);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->kind, TransitionKind::stage_done);
    EXPECT_EQ(t->progress.boot, "install");
}

TEST_F(WorkflowEngineTest, FailedSaveChangesNothing) {
    store.failSaves(true);
    auto t = engine.checkpoint("lab", "h1", "install", *model, t0);
    ASSERT_FALSE(t);
    EXPECT_EQ(t.code(), StatusCode::unavailable) << t.message();
    EXPECT_EQ(engine.checkpoint("lab", "h1", "nope", *model, t0).code(), StatusCode::not_found);
    EXPECT_EQ(engine.checkpoint("nosite", "h1", "install", *model, t0).code(),
              StatusCode::not_found);
    EXPECT_EQ(current("h1"), "install");
    EXPECT_TRUE(sink.kinds.empty());
}

// A store that queues writes and fails them at commit, as SQLite does on a full disk.
class CommitFailingStore : public MemoryProgressStore {
public:
    bool fail_commit = false;
    Result<Ticket> queueSave(const HostProgress& p) override {
        if (!fail_commit) {
            VQ_TRY(save(p));
            return Ticket{0};
        }
        return Ticket{7};
    }
    Status wait(Ticket t) override {
        return t == 0 ? Status::ok() : Status::unavailable("database or disk is full");
    }
};

TEST_F(WorkflowEngineTest, ACheckpointWhoseWriteFailsIsTakenBack) {
    CommitFailingStore failing;
    WorkflowEngine e{failing, nullptr};
    auto at = [&](const char* name) { return e.currentBoot("lab", h(name), *model, t0).boot; };
    failing.fail_commit = true;
    auto first = e.checkpoint("lab", "h1", "install", *model, t0);
    ASSERT_FALSE(first);
    EXPECT_EQ(first.code(), StatusCode::unavailable);
    EXPECT_EQ(at("h1"), "install") << "a host with no record goes back to none";

    failing.fail_commit = false;
    ASSERT_TRUE(e.checkpoint("lab", "h1", "install", *model, t0));
    EXPECT_EQ(at("h1"), "disk");
    failing.fail_commit = true;
    ASSERT_FALSE(e.checkpoint("lab", "h1", "disk", *model, t0));
    EXPECT_EQ(at("h1"), "disk") << "the stored record is served again, not the lost one";
    EXPECT_EQ(e.currentBoot("lab", h("h1"), *model, t0).state, HostState::booting);

    failing.fail_commit = false;  // space freed: the client's retry goes through
    auto retry = e.checkpoint("lab", "h1", "disk", *model, t0);
    ASSERT_TRUE(retry) << retry.message();
    EXPECT_EQ(retry->kind, TransitionKind::provisioned);
}

TEST_F(WorkflowEngineTest, LoadAllResumesFromTheStore) {
    ASSERT_TRUE(engine.checkpoint("lab", "h1", "install", *model, t0));
    WorkflowEngine restarted(store);
    EXPECT_EQ(restarted.currentBoot("lab", h("h1"), *model, t0).boot, "install");
    ASSERT_TRUE(restarted.loadAll());
    EXPECT_EQ(restarted.currentBoot("lab", h("h1"), *model, t0).boot, "disk");
    ASSERT_EQ(restarted.all().size(), 1u);
    EXPECT_NE(toJson(restarted.all()[0]).find("\"boot\":\"disk\""), std::string::npos);
}

TEST_F(WorkflowEngineTest, ConcurrentReadersAndWriters) {
    std::atomic<bool> stop{false};
    std::atomic<size_t> reads{0}, bad{0};
    std::vector<std::thread> readers;
    for (int i = 0; i < 4; ++i) {
        readers.emplace_back([&] {
            for (int n = 0; n < 200000 && !stop; ++n) {
                const std::string b = engine.currentBoot("lab", h("h1"), *model, t0).boot;
                if (b != "install" && b != "disk")
                    ++bad;
                ++reads;
            }
        });
    }
    std::vector<std::thread> writers;
    for (int i = 0; i < 2; ++i) {
        writers.emplace_back([&, i] {
            for (int n = 0; n < 500; ++n) {
                if ((n + i) % 2 == 0) {
                    (void)engine.checkpoint("lab", "h1", "install", *model, t0);
                } else {
                    (void)engine.override("lab", "h1", "install", *model, t0);
                }
            }
        });
    }
    for (auto& w : writers)
        w.join();
    stop = true;
    for (auto& r : readers)
        r.join();
    EXPECT_EQ(bad.load(), 0u);
    EXPECT_GT(reads.load(), 0u);
    // Every transition was written through, in the order it was published.
    EXPECT_EQ(*store.load("lab", "h1").value(), *engine.progress("lab", "h1"));
    EXPECT_EQ(engine.progress("lab", "h1")->checkpoints, 500u);
}

}  // namespace
}  // namespace vq::workflow
