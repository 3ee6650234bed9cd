#include "server/revision_log.h"

#include <gtest/gtest.h>

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
