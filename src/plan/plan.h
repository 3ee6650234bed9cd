#pragma once
// The desired-state computation of the state engine, run on two models: which hosts a
// change from OLD to NEW would reprovision, why (with diffs of the bytes they are served,
// secrets masked), and in which rollout waves. Pure: everything comes from the models.

#include <cstddef>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "plan/artifacts.h"
#include "plan/line_diff.h"

#include "model/model.h"

namespace vq::plan {

struct PlanOptions {
    DiffOptions diff;
    // Inventory files (SoT-relative paths) left out of OLD's model because they are
    // byte-identical in OLD and NEW and the caller found every host in them with equal input
    // fingerprints on both sides: such a host is unchanged, not new (see sot_pair.h).
    std::set<std::string> unchanged_files;
    // OLD hosts' artifacts rendered ahead (while NEW loaded), by host of OLD's model: used
    // instead of rendering them again. Hosts not in it are rendered as usual.
    const std::unordered_map<const model::Host*, HostArtifacts>* old_artifacts = nullptr;
};

enum class HostChangeKind { New, Changed, Removed };

// How a host reaches its new desired state.
enum class HostStart {
    Reboot,        // Vaquero power-cycles it through its BMC
    ManualReboot,  // no usable BMC: it waits until someone reboots it (it netboots then)
    NextNetboot,   // a new host: provisioned whenever it next netboots (no force_provision)
    Never,         // never_provision: Vaquero never reboots it
    None,          // removed, or its new artifacts do not render
};

struct Reason {
    std::string text;  // "new host", "stage 1 (boot etcd): config changed", ...
    std::string diff;  // unified diff of the served bytes, secrets masked; may be empty
};

struct HostPlan {
    std::string site;
    std::string host;
    std::string workflow;  // the host's workflow, or "boot <id>" for a seed-era group
    HostChangeKind kind = HostChangeKind::Changed;
    std::vector<Reason> reasons;
    HostStart start = HostStart::None;
    std::string power;   // BMC type Vaquero would use (ipmi, ssh, custom); empty = none
    bool error = false;  // a stage of NEW fails to render for this host
    int wave = 0;        // 1-based; 0 = in no wave
    std::vector<std::string> blocked_by;  // workflows whose rollout it waits for

    // The rollout takes it now (rebooted by Vaquero, or waiting to be rebooted by hand):
    // what the state engine puts out of date.
    bool rolledOut() const {
        return start == HostStart::Reboot || start == HostStart::ManualReboot;
    }
};

struct SitePlan {
    std::string site;
    std::vector<HostPlan> hosts;  // by wave then inventory order; then the hosts in no wave
    int waves = 0;
};

struct Plan {
    std::vector<SitePlan> sites;  // only sites with changes
    std::vector<std::string> errors;
    size_t hosts_old = 0, hosts_new = 0;
    size_t hosts_rendered = 0;  // new hosts and hosts whose inputs changed (rendered)

    bool hasChanges() const { return !sites.empty(); }
    bool hasErrors() const;
    size_t count(HostChangeKind kind) const;
    size_t countStart(HostStart start) const;
    // Hosts already running that the rollout reprovisions (changed, in a wave).
    size_t reprovisionCount() const;
};

Plan computePlan(const std::shared_ptr<const model::Model>& old_model,
                 const std::shared_ptr<const model::Model>& new_model,
                 const PlanOptions& options = {});

const char* kindName(HostChangeKind kind);
const char* startName(HostStart start);
// One line saying how a host gets its new artifacts ("rebooted through its ipmi BMC", ...).
std::string startText(const HostPlan& host);

}  // namespace vq::plan
