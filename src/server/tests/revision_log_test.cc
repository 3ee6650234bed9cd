#include "server/revision_log.h"

#include <gtest/gtest.h>

#include "workflow/rollout_store.h"

namespace vq::server {
namespace {

std::shared_ptr<const model::Model> emptyModel() {
    return std::make_shared<const model::Model>();
}

TEST(RevisionLog, NumbersInOrderAndPushesEachOnceToSubscribers) {
    RevisionLog log(3);
    EXPECT_EQ(log.latest(), nullptr);
    std::vector<uint64_t> seen;
    const uint64_t id =
        log.subscribe([&seen](const control::RevisionPtr& r) { seen.push_back(r->number); });
    EXPECT_TRUE(seen.empty()) << "nothing to push before the first load";
    auto r1 = log.publish(emptyModel(), "local");
    auto r2 = log.publish(emptyModel(), "local", "abc123");
    EXPECT_EQ(r1->number, 1u);
    EXPECT_EQ(r2->number, 2u);
    EXPECT_EQ(r2->commit, "abc123");
    EXPECT_EQ(r2->source_id, "local");
    EXPECT_EQ(log.latest()->number, 2u);
    EXPECT_EQ(seen, (std::vector<uint64_t>{1, 2}));

    log.unsubscribe(id);
    log.publish(emptyModel(), "local");
    EXPECT_EQ(seen.size(), 2u) << "no push after unsubscribe";
}

TEST(RevisionLog, LastSubscribersAreToldAfterTheOthers) {
    RevisionLog log;
    std::vector<std::string> order;
    const uint64_t last =
        log.subscribeLast([&](const control::RevisionPtr&) { order.push_back("last"); });
    log.subscribe([&](const control::RevisionPtr&) { order.push_back("first"); });
    log.publish(emptyModel(), "local");
    EXPECT_EQ(order, (std::vector<std::string>{"first", "last"}));
    log.unsubscribe(last);
    log.publish(emptyModel(), "local");
    EXPECT_EQ(order, (std::vector<std::string>{"first", "last", "first"}));
}

TEST(RevisionLog, ALateSubscriberGetsTheNewestAtOnce) {
    RevisionLog log;
    log.publish(emptyModel(), "a");
    log.publish(emptyModel(), "a");
    std::vector<uint64_t> seen;
    log.subscribe([&seen](const control::RevisionPtr& r) { seen.push_back(r->number); });
    EXPECT_EQ(seen, (std::vector<uint64_t>{2}));
}

TEST(RevisionLog, KeepsOnlyTheNewest) {
    RevisionLog log(2);
    for (int i = 0; i < 5; ++i)
        log.publish(emptyModel(), "a");
    EXPECT_EQ(log.find(3), nullptr);
    ASSERT_NE(log.find(4), nullptr);
    EXPECT_EQ(log.find(5)->number, 5u);
}

}  // namespace
}  // namespace vq::server

namespace vq::server {
namespace {

TEST(RevisionLog, NumbersGoOnFromTheStoreAndOlderOnesComeFromElsewhere) {
    RevisionLog log;
    log.setNextNumber(8);
    auto stored = std::make_shared<control::ModelRevision>();
    stored->number = 7;
    stored->model = std::make_shared<const model::Model>();
    auto seven = control::RevisionPtr(stored);
    log.setOlder([seven](uint64_t n) { return n == 7 ? seven : nullptr; });
    std::vector<uint64_t> stored_before_push;
    log.setBeforePublish(
        [&](const control::ModelRevision& r) { stored_before_push.push_back(r.number); });
    std::vector<uint64_t> seen;
    log.subscribe([&](const control::RevisionPtr& r) {
        EXPECT_EQ(stored_before_push.back(), r->number) << "stored before anyone sees it";
        seen.push_back(r->number);
    });
    auto r = log.publish(std::make_shared<const model::Model>(), "sot");
    EXPECT_EQ(r->number, 8u) << "never reuses a stored number";
    EXPECT_EQ(log.revision(8), r);
    EXPECT_EQ(log.revision(7), seven) << "no longer kept here: asked of the older source";
    EXPECT_EQ(log.revision(6), nullptr);
    EXPECT_EQ(seen, (std::vector<uint64_t>{8}));
}

TEST(RevisionLog, AnAdoptedRevisionIsTheLatestWithoutANewNumber) {
    RevisionLog log;
    auto stored = std::make_shared<control::ModelRevision>();
    stored->number = 5;
    stored->model = std::make_shared<const model::Model>();
    log.adopt(stored);
    EXPECT_EQ(log.latest()->number, 5u);
    EXPECT_EQ(log.publish(std::make_shared<const model::Model>(), "sot")->number, 6u);
}

}  // namespace
}  // namespace vq::server

namespace vq::server {
namespace {

// A store whose revision writes (the SoT files) fail while numbers still can be had: a
// disk that fills up between the two.
class FilesFailStore : public workflow::MemoryRolloutStore {
public:
    bool fail_files = false;
    Status saveRevision(const workflow::StoredRevision& r) override {
        if (fail_files)
            return Status::unavailable("disk full");
        return MemoryRolloutStore::saveRevision(r);
    }
};

// The server's wiring: numbers from the store, each revision's files stored before it is
// published, a restart going on from the newest stored revision.
void wire(RevisionLog& log, workflow::RolloutStore& store) {
    log.setNumbering(
        [&store](uint64_t at_least) { return store.allocateRevisionNumber(at_least); });
    log.setBeforePublish([&store](const control::ModelRevision& rev) {
        (void)store.saveRevision(
            workflow::StoredRevision{rev.number, rev.source_id, rev.commit, rev.loaded, "files"});
    });
    auto latest = store.latestRevision();
    if (latest && *latest)
        log.setNextNumber((*latest)->number + 1);
}

TEST(RevisionLogNumbers, ANumberWhoseRevisionWasNotStoredIsNotHandedOutAgainAfterARestart) {
    FilesFailStore store;
    {
        RevisionLog log;
        wire(log, store);
        EXPECT_EQ(log.publish(emptyModel(), "a")->number, 1u);
        store.fail_files = true;
        EXPECT_EQ(log.publish(emptyModel(), "a")->number, 2u) << "published, files not stored";
    }
    store.fail_files = false;
    RevisionLog restarted;
    wire(restarted, store);
    ASSERT_EQ(store.latestRevision()->value().number, 1u) << "2's files never made it";
    EXPECT_EQ(restarted.publish(emptyModel(), "a")->number, 3u) << "2 was handed out already";
}

TEST(RevisionLogNumbers, NoNumberNoRevisionAndTheNextOneIsNotSkipped) {
    workflow::MemoryRolloutStore store;
    RevisionLog log;
    wire(log, store);
    std::vector<uint64_t> seen;
    log.subscribe([&seen](const control::RevisionPtr& r) { seen.push_back(r->number); });
    ASSERT_EQ(log.publish(emptyModel(), "a")->number, 1u);
    store.failWrites(true);  // the number itself cannot be stored
    EXPECT_EQ(log.publish(emptyModel(), "a"), nullptr);
    EXPECT_EQ(log.latest()->number, 1u);
    store.failWrites(false);
    EXPECT_EQ(log.publish(emptyModel(), "a")->number, 2u);
    EXPECT_EQ(seen, (std::vector<uint64_t>{1, 2})) << "nothing was pushed for the refusal";
}

TEST(RevisionLogNumbers, TheStoreFloorAndTheLogFloorBothHold) {
    workflow::MemoryRolloutStore store;
    ASSERT_EQ(store.allocateRevisionNumber(1).value(), 1u);
    ASSERT_EQ(store.allocateRevisionNumber(1).value(), 2u);
    EXPECT_EQ(store.allocateRevisionNumber(10).value(), 10u) << "the caller's floor";
    EXPECT_EQ(store.allocateRevisionNumber(1).value(), 11u) << "never back";
}

}  // namespace
}  // namespace vq::server
