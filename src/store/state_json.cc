#include "store/state_json.h"

#include <nlohmann/json.hpp>

namespace vq::store::json {
namespace {

using nlohmann::json;

int64_t millis(workflow::WallTime t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

workflow::WallTime fromMillis(int64_t ms) {
    return workflow::WallTime(std::chrono::milliseconds(ms));
}

Result<json> parseObject(const std::string& text, const char* what) {
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return Status::internal(std::string("stored ") + what + " is not a JSON object");
    return j;
}

// Reads j[name] into `out` when present and of the right type; a wrong type is an error.
template <typename T>
bool field(const json& j, const char* name, T& out) {
    auto it = j.find(name);
    if (it == j.end())
        return true;
    try {
        out = it->get<T>();
        return true;
    } catch (const json::exception&) {
        return false;
    }
}

Status bad(const char* what) {
    return Status::internal(std::string("stored ") + what + " has a field of the wrong type");
}

Result<workflow::Phase> phaseField(const json& j, const char* name) {
    std::string text;
    if (!field(j, name, text))
        return Status::internal("stored phase is not a string");
    auto p = workflow::parsePhase(text);
    if (!p)
        return Status::internal("stored phase '" + text + "' is unknown");
    return *p;
}

}  // namespace

std::string ofHost(const workflow::HostRecord& h) {
    return json{{"key", h.key},
                {"phase", std::string(workflow::toString(h.phase))},
                {"stage", h.stage},
                {"revision", h.revision},
                {"provisioned_revision", h.provisioned_revision},
                {"attempts", h.attempts},
                {"previous_revision", h.previous_revision},
                {"queued_revision", h.queued_revision},
                {"rolled_back", h.rolled_back},
                {"revalidate", h.revalidate}}
        .dump();
}

Result<workflow::HostRecord> host(const std::string& text) {
    auto j = parseObject(text, "host");
    if (!j)
        return j.status();
    workflow::HostRecord h;
    auto phase = phaseField(*j, "phase");
    if (!phase)
        return phase.status();
    h.phase = *phase;
    if (!field(*j, "key", h.key) || !field(*j, "stage", h.stage) ||
        !field(*j, "revision", h.revision) ||
        !field(*j, "provisioned_revision", h.provisioned_revision) ||
        !field(*j, "attempts", h.attempts) ||
        !field(*j, "previous_revision", h.previous_revision) ||
        !field(*j, "queued_revision", h.queued_revision) ||
        !field(*j, "rolled_back", h.rolled_back) || !field(*j, "revalidate", h.revalidate))
        return bad("host");
    return h;
}

std::string ofFlow(const workflow::FlowRecord& f) {
    return json{{"id", f.id}, {"halted", f.halted}, {"reason", f.reason}, {"changing", f.changing}}
        .dump();
}

Result<workflow::FlowRecord> flow(const std::string& text) {
    auto j = parseObject(text, "workflow");
    if (!j)
        return j.status();
    workflow::FlowRecord f;
    if (!field(*j, "id", f.id) || !field(*j, "halted", f.halted) ||
        !field(*j, "reason", f.reason) || !field(*j, "changing", f.changing))
        return bad("workflow");
    return f;
}

std::string ofHistory(const std::vector<workflow::StoredTransition>& h) {
    json items = json::array();
    for (const auto& t : h) {
        items.push_back(json{{"time_ms", millis(t.time)},
                             {"host", t.transition.host},
                             {"from", std::string(workflow::toString(t.transition.from))},
                             {"to", std::string(workflow::toString(t.transition.to))},
                             {"stage", t.transition.stage},
                             {"revision", t.transition.revision},
                             {"reason", t.transition.reason}});
    }
    return json{{"transitions", items}}.dump();
}

Result<std::vector<workflow::StoredTransition>> history(const std::string& text) {
    auto j = parseObject(text, "history");
    if (!j)
        return j.status();
    auto items = j->find("transitions");
    if (items == j->end() || !items->is_array())
        return bad("history");
    std::vector<workflow::StoredTransition> out;
    for (const auto& item : *items) {
        if (!item.is_object())
            return bad("history");
        workflow::StoredTransition t;
        int64_t ms = 0;
        auto from = phaseField(item, "from");
        auto to = phaseField(item, "to");
        if (!from || !to)
            return bad("history");
        t.transition.from = *from;
        t.transition.to = *to;
        if (!field(item, "time_ms", ms) || !field(item, "host", t.transition.host) ||
            !field(item, "stage", t.transition.stage) ||
            !field(item, "revision", t.transition.revision) ||
            !field(item, "reason", t.transition.reason))
            return bad("history");
        t.time = fromMillis(ms);
        out.push_back(std::move(t));
    }
    return out;
}

std::string ofProgress(const workflow::HostProgress& p) {
    return json{{"site", p.site},
                {"host", p.host},
                {"workflow", p.workflow},
                {"stage", p.stage},
                {"boot", p.boot},
                {"state", std::string(workflow::toString(p.state))},
                {"updated_ms", millis(p.updated)},
                {"checkpoints", p.checkpoints}}
        .dump();
}

Result<workflow::HostProgress> progress(const std::string& text) {
    auto j = parseObject(text, "progress");
    if (!j)
        return j.status();
    workflow::HostProgress p;
    std::string state;
    int64_t ms = 0;
    if (!field(*j, "site", p.site) || !field(*j, "host", p.host) ||
        !field(*j, "workflow", p.workflow) || !field(*j, "stage", p.stage) ||
        !field(*j, "boot", p.boot) || !field(*j, "state", state) || !field(*j, "updated_ms", ms) ||
        !field(*j, "checkpoints", p.checkpoints))
        return bad("progress");
    auto s = workflow::parseHostState(state);
    if (!s)
        return Status::internal("stored host state '" + state + "' is unknown");
    p.state = *s;
    p.updated = fromMillis(ms);
    return p;
}

std::string ofRevisionMeta(const RevisionMeta& m) {
    return json{{"number", m.revision.number},
                {"source_id", m.revision.source_id},
                {"commit", m.revision.commit},
                {"loaded_ms", millis(m.revision.loaded)},
                {"size", m.size},
                {"chunks", m.chunks},
                {"sha256", m.sha256}}
        .dump();
}

Result<RevisionMeta> revisionMeta(const std::string& text) {
    auto j = parseObject(text, "revision");
    if (!j)
        return j.status();
    RevisionMeta m;
    int64_t ms = 0;
    if (!field(*j, "number", m.revision.number) || !field(*j, "source_id", m.revision.source_id) ||
        !field(*j, "commit", m.revision.commit) || !field(*j, "loaded_ms", ms) ||
        !field(*j, "size", m.size) || !field(*j, "chunks", m.chunks) ||
        !field(*j, "sha256", m.sha256))
        return bad("revision");
    m.revision.loaded = fromMillis(ms);
    return m;
}

}  // namespace vq::store::json
