// The state engine over a model revision at a time, with a simulated clock and effects the
// test answers: which hosts a revision puts out of date, what the effects are asked, timeouts.
#include "server/state_engine.h"

#include <gtest/gtest.h>

#include "model/load.h"
#include "server/recording_effects.h"
#include "server/tests/state_engine_lab.h"

namespace vq::server {
namespace {

using namespace testlab;

using namespace std::chrono_literals;

TEST(StateEngine, AConfigChangeIsNamedAndAnUnchangedHostStays) {
    Lab lab;
    lab.hosts += hostDoc("b", 2, true);
    Harness x(lab);
    lab.kickstart = "install {{.host.name}}{{if eq .host.name \"a\"}} again{{end}}\n";
    x.engine->onRevision(revision(lab, 2));
    EXPECT_EQ(x.phase("a"), workflow::Phase::rebooting);
    EXPECT_EQ(x.phase("b"), workflow::Phase::provisioned) << "b's bytes did not change";
    auto story = x.engine->transitions("lab", "a");
    ASSERT_TRUE(story);
    ASSERT_FALSE(story->empty());
    EXPECT_EQ(story->front().transition.reason, "stage 1 (boot install): config changed");
    ASSERT_EQ(x.fx.requests().size(), 1u);
    EXPECT_EQ(x.fx.requests()[0].target.address, "10.99.0.21");
    EXPECT_TRUE(x.fx.requests()[0].target.soft_reboot);
    x.engine->onRevision(revision(lab, 2));  // repeated: ignored
    EXPECT_EQ(x.fx.requests().size(), 1u);
}

TEST(StateEngine, NewHostsAreReprovisionedOnlyWithForceProvisionAndABmc) {
    Lab lab;
    lab.policy = "policy:\n  force_provision: true\n";
    Harness x(lab);
    lab.hosts += hostDoc("b", 2, true) + hostDoc("c", 3, false);
    x.engine->onRevision(revision(lab, 2));
    EXPECT_EQ(x.phase("a"), workflow::Phase::provisioned);
    EXPECT_EQ(x.phase("b"), workflow::Phase::rebooting);
    EXPECT_EQ(x.phase("c"), workflow::Phase::provisioned) << "no BMC: boots when it netboots";

    Lab quiet;
    Harness y(quiet);
    quiet.hosts += hostDoc("b", 2, true);
    y.engine->onRevision(revision(quiet, 2));
    EXPECT_EQ(y.phase("b"), workflow::Phase::provisioned) << "without force_provision";
    EXPECT_TRUE(y.fx.requests().empty());
}

TEST(StateEngine, ValidateContainersThenTimeoutPolicyFromTheSite) {
    Lab lab;
    lab.policy = "policy:\n  timeout: 60\n  on_failure: {retry: 0, then: continue}\n";
    lab.validate = "validate:\n  - image: localhost/check\n    command: test -e /ok\n";
    Harness x(lab);
    ASSERT_TRUE(x.engine->reprovision("lab", "a"));
    EXPECT_EQ(x.engine->reprovision("lab", "nobody").code(), StatusCode::not_found);
    ASSERT_EQ(x.fx.requests().size(), 1u);
    x.fx.answer(0, true);
    x.engine->checkpoint("lab", "a", "install");
    x.engine->checkpoint("lab", "a", "disk");
    EXPECT_EQ(x.phase("a"), workflow::Phase::validating);
    ASSERT_EQ(x.fx.requests().size(), 2u);
    EXPECT_EQ(x.fx.requests()[1].kind, workflow::ActionKind::validate);
    ASSERT_EQ(x.fx.requests()[1].specs.size(), 1u);
    EXPECT_EQ(x.fx.requests()[1].specs[0].image, "localhost/check");
    x.fx.answer(1, true);
    EXPECT_EQ(x.phase("a"), workflow::Phase::provisioned);

    // Again, and this time no checkpoint comes: the site's 60 s stage timeout fails it.
    ASSERT_TRUE(x.engine->reprovision("lab", "a"));
    x.fx.answer(2, true);
    x.clock.advance(59s);
    x.engine->tick();
    EXPECT_EQ(x.phase("a"), workflow::Phase::booting);
    x.clock.advance(1s);
    x.engine->tick();
    EXPECT_EQ(x.phase("a"), workflow::Phase::failed);
    EXPECT_NE(x.engine->planJson().find("\"failed\":1"), std::string::npos) << x.engine->planJson();
}

TEST(StateEngine, AHostMovedToAnotherWorkflowFollowsItsStages) {
    Lab lab;
    Harness x(lab);
    lab.hosts = hostDoc("a", 1, true);
    lab.hosts.replace(lab.hosts.find("workflow: wf"), 12, "workflow: one");
    x.engine->onRevision(revision(lab, 2));
    auto story = x.engine->transitions("lab", "a");
    ASSERT_TRUE(story);
    ASSERT_FALSE(story->empty());
    EXPECT_EQ(story->front().transition.reason,
              "workflow changed: wf -> one; stage 2 (boot disk): stage removed");
    ASSERT_EQ(x.fx.requests().size(), 1u);
    x.fx.answer(0, true);
    x.engine->checkpoint("lab", "a", "install");
    EXPECT_EQ(x.phase("a"), workflow::Phase::provisioned) << "one stage in its new workflow";
    EXPECT_NE(x.engine->planJson().find("\"workflow\":\"one\""), std::string::npos)
        << x.engine->planJson();
}

TEST(StateEngine, AChangedValidateContainerPutsTheHostOutOfDate) {
    Lab lab;
    lab.validate = "validate:\n  - image: localhost/check\n    command: test -e /ok\n";
    Harness x(lab);
    lab.validate = "validate:\n  - image: localhost/check\n    command: test -e /ready\n";
    x.engine->onRevision(revision(lab, 2));
    auto story = x.engine->transitions("lab", "a");
    ASSERT_TRUE(story);
    ASSERT_FALSE(story->empty());
    EXPECT_EQ(story->front().transition.reason, "stage 2 (boot disk): containers changed");
}

// Revisions loaded through one parse cache share an unchanged site object: its hosts still
// take the settings the definitions they name give them (here: validate containers added to
// their last boot, without a change to any site file).
TEST(StateEngine, ASharedSiteStillTakesItsHostsNewSettings) {
    Lab lab;
    model::ParsedSotCache cache;
    SimulatedClock clock;
    RecordingEffects fx;
    auto first = revision(lab, 1, &cache);
    StateEngine engine(first, &fx, StateEngineOptions{}, clock);
    lab.validate = "validate:\n  - image: localhost/check\n    command: test -e /ok\n";
    auto second = revision(lab, 2, &cache);
    ASSERT_EQ(first->model->site("lab"), second->model->site("lab")) << "the site is shared";
    engine.onRevision(second);
    ASSERT_EQ(fx.requests().size(), 1u) << "a is out of date: its disk boot's containers changed";
    fx.answer(0, true);
    ASSERT_TRUE(engine.checkpoint("lab", "a", "install"));
    ASSERT_TRUE(engine.checkpoint("lab", "a", "disk"));
    EXPECT_EQ(engine.host("lab", "a")->status.phase, workflow::Phase::validating);

    // The containers removed again, the site still shared.
    fx.answer(1, true);
    ASSERT_EQ(engine.host("lab", "a")->status.phase, workflow::Phase::provisioned);
    lab.validate.clear();
    auto third = revision(lab, 3, &cache);
    ASSERT_EQ(second->model->site("lab"), third->model->site("lab"));
    engine.onRevision(third);
    EXPECT_EQ(engine.host("lab", "a")->status.phase, workflow::Phase::rebooting);
    fx.answer(2, true);
    ASSERT_TRUE(engine.checkpoint("lab", "a", "install"));
    ASSERT_TRUE(engine.checkpoint("lab", "a", "disk"));
    EXPECT_EQ(engine.host("lab", "a")->status.phase, workflow::Phase::provisioned)
        << "no validate containers any more";
}

TEST(StateEngine, RulesArePerSiteWithTheSitePolicy) {
    Lab lab;
    lab.policy = "policy:\n  timeout: 90\n  on_failure: {retry: 2, then: rollback}\n";
    auto rev = revision(lab, 1);
    auto rules = rolloutRules(*rev->model);
    ASSERT_FALSE(rules.empty());
    EXPECT_EQ(rules[0].id, "lab/wf");
    EXPECT_EQ(rules[0].policy.stage_timeout, 90s);
    EXPECT_EQ(rules[0].policy.retry, 2);
    EXPECT_EQ(rules[0].policy.then, workflow::OnFailure::rollback);
    auto hosts = rolloutHosts(*rev->model);
    ASSERT_EQ(hosts.size(), 1u);
    EXPECT_EQ(hosts[0].key, "lab/a");
    EXPECT_EQ(hosts[0].stages, 2u);
    EXPECT_TRUE(hosts[0].has_bmc);
}

// A custom BMC reboots its host by running its container, with its templates rendered for
// the host (`.interface` is the BMC's); a validate container sees the boot interface.
TEST(StateEngine, CustomBmcAndValidateContainersAreRenderedForTheHost) {
    Lab lab;
    lab.hosts =
        "name: a\ninterfaces:\n  - type: physical\n    subnet: net\n    mac: 52:54:00:00:00:01\n"
        "    ipv4: 10.99.0.11\n  - type: bmc\n    subnet: net\n    mac: 52:54:00:00:01:01\n"
        "    ipv4: 10.99.0.21\n    bmc:\n      type: custom\n      container:\n"
        "        image: localhost/ipmitool\n"
        "        args: [-H, '{{.interface.ipv4}}', power, cycle]\nworkflow: one\n";
    lab.validate = "";
    Harness x(lab);
    lab.kickstart = "install {{.host.name}} again\n";
    x.engine->onRevision(revision(lab, 2));
    ASSERT_TRUE(x.fx.waitFor(1, 2s));
    auto req = x.fx.requests().at(0);
    EXPECT_EQ(req.kind, workflow::ActionKind::reboot);
    ASSERT_EQ(req.specs.size(), 1u) << "a custom reboot is a container";
    EXPECT_EQ(req.specs[0].image, "localhost/ipmitool");
    EXPECT_EQ(req.specs[0].args, (std::vector<std::string>{"-H", "10.99.0.21", "power", "cycle"}));
    ASSERT_TRUE(x.fx.answer(0, true));
    EXPECT_EQ(x.phase("a"), workflow::Phase::booting);
}

TEST(StateEngine, AContainerThatDoesNotRenderFailsTheHostWithTheReason) {
    Lab lab;
    lab.validate = "validate:\n  - image: localhost/check\n    command: 'ping {{.host.nokey}}'\n";
    lab.policy = "policy:\n  on_failure: {then: continue}\n";
    Harness x(lab);
    lab.kickstart = "changed\n";
    x.engine->onRevision(revision(lab, 2));
    ASSERT_TRUE(x.fx.waitFor(1, 2s));
    ASSERT_TRUE(x.fx.answer(0, true));  // the ipmi reboot
    x.engine->checkpoint("lab", "a", "install");
    x.engine->checkpoint("lab", "a", "disk");
    EXPECT_EQ(x.phase("a"), workflow::Phase::failed);
    auto story = x.engine->transitions("lab", "a");
    ASSERT_TRUE(story && !story->empty());
    EXPECT_NE(story->back().transition.reason.find("validate[0]: command: "), std::string::npos)
        << story->back().transition.reason;
    EXPECT_EQ(x.fx.requests().size(), 1u) << "nothing was run for the broken container";
}

}  // namespace
}  // namespace vq::server

namespace vq::server {
namespace {

using namespace testlab;

TEST(StateEngineStore, ARestartResumesTheRolloutWithoutASecondPowerAction) {
    Lab lab;
    lab.hosts += hostDoc("b", 2, true);
    workflow::MemoryRolloutStore store;
    StateEngineOptions options;
    options.store = &store;
    SimulatedClock clock;
    {
        RecordingEffects fx;
        StateEngine first(revision(lab, 1), &fx, options, clock);
        lab.kickstart = "install {{.host.name}} v2\n";
        first.onRevision(revision(lab, 2));
        ASSERT_EQ(fx.requests().size(), 2u) << "both hosts changed, no max_concurrent";
        ASSERT_TRUE(fx.answer(0, true));  // a's power action done: a boots stage 1
        EXPECT_EQ(first.host("lab", "a")->status.phase, workflow::Phase::booting);
        EXPECT_EQ(first.host("lab", "b")->status.phase, workflow::Phase::rebooting);
        EXPECT_EQ(first.servedRevision("lab", "a"), 2u);
    }  // killed here: b's power action was handed out, its answer never came
    RecordingEffects fx;
    StateEngine second(revision(lab, 2), &fx, options, clock);
    auto state = store.loadRollout(50);
    ASSERT_TRUE(state);
    second.restore(*state);
    EXPECT_TRUE(fx.requests().empty()) << "b is not power-cycled again";
    EXPECT_EQ(second.host("lab", "a")->status.phase, workflow::Phase::booting);
    EXPECT_EQ(second.host("lab", "b")->status.phase, workflow::Phase::rebooting);
    EXPECT_EQ(second.host("lab", "b")->status.revision, 2u);
    EXPECT_EQ(second.host("lab", "b")->status.provisioned_revision, 1u);
    EXPECT_EQ(second.servedRevision("lab", "b"), 2u);
    auto story = second.transitions("lab", "a");
    ASSERT_TRUE(story);
    ASSERT_EQ(story->size(), 3u) << "pending, rebooting, booting survived the restart";
    EXPECT_EQ(story->back().transition.to, workflow::Phase::booting);
    // The rollout carries on from where it was.
    ASSERT_TRUE(second.checkpoint("lab", "a", "install"));
    ASSERT_TRUE(second.checkpoint("lab", "a", "disk"));
    EXPECT_EQ(second.host("lab", "a")->status.phase, workflow::Phase::provisioned);
    EXPECT_EQ(second.servedRevision("lab", "a"), 2u);
    EXPECT_EQ(second.pinnedRevisions(), (std::set<uint64_t>{1, 2}));
    // b's timeout counts from the restart, and is a new transition: one power action.
    clock.advance(std::chrono::seconds(1801));
    second.tick();
    EXPECT_EQ(second.host("lab", "b")->status.phase, workflow::Phase::failed);
}

// A SoT change writes the records of the hosts it changed and the revision the others follow:
// the store's work per change grows with the change, not with the site.
TEST(StateEngineStore, ARevisionWritesOnlyTheHostsItChanged) {
    Lab lab;
    for (int n = 2; n <= 9; ++n)
        lab.hosts += hostDoc(std::string(1, static_cast<char>('a' + n - 1)), n, true);
    workflow::MemoryRolloutStore store;
    metrics::Registry registry;
    StateEngineOptions options;
    options.store = &store;
    options.metrics = &registry;
    SimulatedClock clock;
    RecordingEffects fx;
    StateEngine engine(revision(lab, 1), &fx, options, clock);
    engine.restore(*store.loadRollout(50));
    EXPECT_EQ(store.loadRollout(50)->follow, 1u) << "the first start stores what it planned";
    auto written = [&] {
        metrics::Exposition out;
        engine.collect(out);
        const std::string text = registry.render(out);
        const std::string name = "\nvaquero_rollout_records_written_total ";
        const size_t at = text.find(name);
        return at == std::string::npos
                   ? std::string("?")
                   : text.substr(at + name.size(), text.find('\n', at + 1) - at - name.size());
    };
    EXPECT_EQ(written(), "0");
    lab.kickstart = "install {{.host.name}}{{if eq .host.name \"c\"}} again{{end}}\n";
    engine.onRevision(revision(lab, 2));
    EXPECT_EQ(written(), "1") << "c alone";
    lab.policy = "policy:\n  timeout: 99\n";  // changes no host's bytes
    engine.onRevision(revision(lab, 3));
    engine.onRevision(revision(lab, 4));
    EXPECT_EQ(written(), "1");
    auto state = store.loadRollout(50);
    ASSERT_TRUE(state);
    EXPECT_EQ(state->follow, 4u);
    ASSERT_EQ(state->hosts.size(), 1u);
    EXPECT_EQ(state->hosts[0].key, "lab/c");
    EXPECT_EQ(state->hosts[0].revision, 2u) << "in flight on the revision that changed it";

    // A restart on revision 4 puts the others on it, c where it was.
    RecordingEffects fx2;
    StateEngine second(revision(lab, 4), &fx2, StateEngineOptions{}, clock);
    second.restore(*state);
    EXPECT_EQ(second.host("lab", "a")->status.provisioned_revision, 4u);
    EXPECT_EQ(second.host("lab", "i")->status.provisioned_revision, 4u);
    EXPECT_EQ(second.host("lab", "c")->status.revision, 2u);
    EXPECT_EQ(second.host("lab", "c")->status.phase, workflow::Phase::rebooting);
}

TEST(StateEngineStore, AStepTheStoreRefusesIsNotActedOn) {
    Lab lab;
    workflow::MemoryRolloutStore store;
    StateEngineOptions options;
    options.store = &store;
    SimulatedClock clock;
    RecordingEffects fx;
    StateEngine engine(revision(lab, 1), &fx, options, clock);
    store.failWrites(true);
    EXPECT_FALSE(engine.reprovision("lab", "a"));
    EXPECT_TRUE(fx.requests().empty()) << "no power action for an unstored transition";
    store.failWrites(false);
    EXPECT_TRUE(engine.halt("lab", "wf"));
    auto state = store.loadRollout(50);
    ASSERT_TRUE(state);
    ASSERT_EQ(state->hosts.size(), 1u) << "the refused step's record is written with the next";
    EXPECT_EQ(state->hosts[0].phase, workflow::Phase::rebooting);
}

}  // namespace
}  // namespace vq::server

namespace vq::server {
namespace {

using namespace testlab;

TEST(StateEngine, ValidateOnRunsTheValidateContainersOfTheDependantWorkflow) {
    Lab lab;
    lab.hosts +=
        "---\nname: c\ninterfaces:\n  - type: physical\n    subnet: net\n"
        "    mac: 52:54:00:00:00:09\n    ipv4: 10.99.0.19\nworkflow: checks\n";
    auto files = [&lab] {
        auto f = lab.files();
        f.push_back({"boot/check.yml",
                     "id: check\noperating_system: linux\nvalidate:\n"
                     "  - image: busybox\n    command: /bin/true\n"});
        f.push_back({"workflows/checks.yml",
                     "id: checks\nworkflow:\n  - boot: check\ndeps:\n  validate_on: [wf]\n"});
        return f;
    };
    auto rev = [&files](uint64_t n) {
        auto loaded = model::loadSotFiles(files());
        for (const auto& d : loaded.diagnostics)
            if (d.severity == model::Severity::Error)
                ADD_FAILURE() << d.toString();
        auto r = std::make_shared<control::ModelRevision>();
        r->number = n;
        r->model = loaded.model;
        return control::RevisionPtr(r);
    };
    SimulatedClock clock;
    RecordingEffects fx;
    StateEngine engine(rev(1), &fx, StateEngineOptions{}, clock);
    lab.kickstart = "install {{.host.name}}{{if eq .host.name \"a\"}} v2{{end}}\n";
    engine.onRevision(rev(2));
    ASSERT_EQ(fx.requests().size(), 1u);
    EXPECT_EQ(engine.host("lab", "c")->status.phase, workflow::Phase::provisioned)
        << "c's own bytes did not change";
    ASSERT_TRUE(fx.answer(0, true));
    ASSERT_TRUE(engine.checkpoint("lab", "a", "install"));
    ASSERT_TRUE(engine.checkpoint("lab", "a", "disk"));
    EXPECT_EQ(engine.host("lab", "a")->status.phase, workflow::Phase::provisioned);
    EXPECT_EQ(engine.host("lab", "c")->status.phase, workflow::Phase::validating);
    ASSERT_EQ(fx.requests().size(), 2u);
    EXPECT_EQ(fx.requests()[1].host, "lab/c");
    EXPECT_EQ(fx.requests()[1].kind, workflow::ActionKind::validate);
    ASSERT_EQ(fx.requests()[1].specs.size(), 1u);
    EXPECT_EQ(fx.requests()[1].specs[0].image, "busybox");
    ASSERT_TRUE(fx.answer(1, true));
    EXPECT_EQ(engine.host("lab", "c")->status.phase, workflow::Phase::provisioned);
}

TEST(StateEngineMetrics, CountsHostsByPhaseTransitionsAndPowerActions) {
    Lab lab;
    lab.hosts += hostDoc("b", 2, true);
    SimulatedClock clock;
    RecordingEffects fx;
    metrics::Registry registry;
    StateEngineOptions options;
    options.metrics = &registry;
    StateEngine engine(revision(lab, 1), &fx, options, clock);
    lab.kickstart = "install {{.host.name}}{{if eq .host.name \"a\"}} again{{end}}\n";
    engine.onRevision(revision(lab, 2));
    ASSERT_EQ(fx.requests().size(), 1u);
    clock.advance(3s);
    ASSERT_TRUE(fx.answer(0, false, "BMC unreachable"));

    metrics::Exposition out;
    engine.collect(out);
    const std::string text = registry.render(out);
    EXPECT_NE(text.find("vaquero_revision 2\n"), std::string::npos) << text;
    EXPECT_NE(text.find("vaquero_hosts{site=\"lab\",workflow=\"wf\",state=\"provisioned\"} 1\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("vaquero_host_transitions_total{to=\"rebooting\"} 1\n"), std::string::npos)
        << text;
    EXPECT_NE(text.find("vaquero_power_actions_total{driver=\"ipmi\",result=\"failed\"} 1\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("vaquero_power_action_duration_seconds_sum{driver=\"ipmi\"} 3\n"),
              std::string::npos)
        << text;
    // No label carries a host's name, MAC or address.
    EXPECT_EQ(text.find("=\"a\""), std::string::npos);
    EXPECT_EQ(text.find("10.99."), std::string::npos);
}

}  // namespace
}  // namespace vq::server
