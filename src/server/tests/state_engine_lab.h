#pragma once
// A one-site lab SoT for state engine tests: hosts with or without a BMC, a two-stage
// workflow (install, disk) and a one-stage one, a site policy; and an engine over it with a
// simulated clock and effects the test answers.

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "model/load.h"
#include "server/recording_effects.h"
#include "server/state_engine.h"

namespace vq::server::testlab {

inline std::string env(const std::string& policy) {
    return "id: lab\nsubnets:\n  - id: net\n    cidr: 10.99.0.0/24\n    gateway: 10.99.0.1\n    "
           "dns: [10.99.0.2]\n"
           "agents:\n  - name: a1\n"
           "    asset_server: {addr: 10.99.0.5, port: 8080, base_dir: /nonexistent}\n" +
           policy;
}

inline std::string hostDoc(const std::string& name, int n, bool bmc) {
    std::string doc =
        "---\nname: " + name +
        "\ninterfaces:\n  - type: physical\n    subnet: net\n    mac: 52:54:00:00:00:0" +
        std::to_string(n) + "\n    ipv4: 10.99.0.1" + std::to_string(n) + "\n";
    if (bmc) {
        doc += "  - type: bmc\n    subnet: net\n    mac: 52:54:00:00:01:0" + std::to_string(n) +
               "\n    ipv4: 10.99.0.2" + std::to_string(n) +
               "\n    bmc: {type: ipmi, username: u, password: p, soft_reboot: true}\n";
    }
    return doc + "workflow: wf\n";
}

struct Lab {
    std::string policy;
    std::string hosts = hostDoc("a", 1, true);
    std::string kickstart = "install {{.host.name}}\n";
    std::string validate;       // the disk boot's validate list, YAML
    std::string workflow_deps;  // wf's deps, YAML ("deps:\n  max_concurrent: 1\n")

    std::vector<model::SotFile> files() const {
        return {
            {"sites/lab/env.yml", env(policy)},
            {"sites/lab/inventory.yml", hosts},
            {"os/linux.yml",
             "id: linux\nmajor_version: '1'\nos_family: Linux\nboot:\n"
             "  kernel: \"{{.env.agentURL}}/vmlinuz\"\n"},
            {"boot/install.yml",
             "id: install\noperating_system: linux\nunattended: {type: untyped, use: ks.cfg}\n"},
            {"boot/disk.yml", "id: disk\noperating_system: linux\n" + validate},
            {"assets/untyped/ks.cfg", kickstart},
            {"workflows/wf.yml",
             "id: wf\nworkflow:\n  - boot: install\n  - boot: disk\n" + workflow_deps},
            {"workflows/one.yml", "id: one\nworkflow:\n  - boot: install\n"},
        };
    }
};

// With `cache`, an unchanged site is the same object as in the last revision loaded through
// it (as the server loads revisions).
inline control::RevisionPtr revision(const Lab& lab,
                                     uint64_t number,
                                     model::ParsedSotCache* cache = nullptr) {
    auto loaded = model::loadSotFiles(lab.files(), {}, cache);
    EXPECT_TRUE(loaded.model && !loaded.hasErrors());
    for (const auto& d : loaded.diagnostics)
        ADD_FAILURE() << d.toString();
    auto r = std::make_shared<control::ModelRevision>();
    r->number = number;
    r->model = loaded.model;
    return r;
}

struct Harness {
    SimulatedClock clock;
    RecordingEffects fx;
    std::unique_ptr<StateEngine> engine;
    explicit Harness(const Lab& lab) {
        engine = std::make_unique<StateEngine>(revision(lab, 1), &fx, StateEngineOptions{}, clock);
    }
    workflow::Phase phase(const std::string& host) const {
        return engine->host("lab", host)->status.phase;
    }
};

}  // namespace vq::server::testlab
