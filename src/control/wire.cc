#include "control/wire.h"

#include "control/json_string.h"
#include <nlohmann/json.hpp>

namespace vq::control::wire {
namespace {

using json = nlohmann::json;

Result<json> parseObject(std::string_view text, std::string_view what) {
    json j = json::parse(text, nullptr, false);
    if (!j.is_object())
        return Status::invalidArgument(std::string(what) + ": not a JSON object");
    return j;
}

std::string str(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

uint64_t u64(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_number_unsigned() ? it->get<uint64_t>() : 0;
}

json servedJson(const ServedBoot& s) {
    json j{{"boot", s.boot}, {"stage", s.stage}};
    if (s.revision != 0)
        j["revision"] = s.revision;
    return j;
}

ServedBoot servedFrom(const json& j) {
    ServedBoot s;
    s.boot = str(j, "boot");
    s.stage = static_cast<uint32_t>(std::min<uint64_t>(u64(j, "stage"), UINT32_MAX));
    s.revision = u64(j, "revision");
    return s;
}

}  // namespace

std::string encodeRevision(const RevisionInfo& r) {
    return json{{"revision", r.revision}, {"source_id", r.source_id}, {"commit", r.commit}}.dump();
}

Result<RevisionInfo> decodeRevision(std::string_view text) {
    auto j = parseObject(text, "revision");
    if (!j)
        return j.status();
    return RevisionInfo{u64(*j, "revision"), str(*j, "source_id"), str(*j, "commit")};
}

std::string encodeManifest(const Manifest& m) {
    // Written directly: a whole manifest has one entry per host of the site (100,000 and
    // more), and a JSON tree of them costs several times the text.
    std::string out;
    out.reserve(64 + m.hosts.size() * 48);
    out +=
        "{\"revision\":" + std::to_string(m.revision) + ",\"changes\":" + std::to_string(m.changes);
    if (m.base != 0)
        out += ",\"base\":" + std::to_string(m.base);
    if (m.follow != 0)
        out += ",\"follow\":" + std::to_string(m.follow);
    out += ",\"hosts\":{";
    bool first = true;
    for (const auto& [name, served] : m.hosts) {
        if (!first)
            out += ',';
        first = false;
        appendJsonString(out, name);
        out += ":{\"boot\":";
        appendJsonString(out, served.boot);
        out += ",\"stage\":" + std::to_string(served.stage);
        if (served.revision != 0)
            out += ",\"revision\":" + std::to_string(served.revision);
        out += '}';
    }
    out += '}';
    if (m.base != 0) {
        out += ",\"removed\":[";
        for (size_t i = 0; i < m.removed.size(); ++i) {
            if (i != 0)
                out += ',';
            appendJsonString(out, m.removed[i]);
        }
        out += ']';
    }
    out += '}';
    return out;
}

Result<Manifest> decodeManifest(std::string_view text) {
    auto j = parseObject(text, "manifest");
    if (!j)
        return j.status();
    Manifest m;
    m.revision = u64(*j, "revision");
    m.changes = u64(*j, "changes");
    m.base = u64(*j, "base");
    m.follow = u64(*j, "follow");
    auto hosts = j->find("hosts");
    if (hosts == j->end() || !hosts->is_object())
        return Status::invalidArgument("manifest: no hosts object");
    for (const auto& [name, served] : hosts->items()) {
        if (served.is_object())
            m.hosts.emplace(name, servedFrom(served));
    }
    if (auto removed = j->find("removed"); m.base != 0 && removed != j->end()) {
        if (!removed->is_array())
            return Status::invalidArgument("manifest: removed is not a list");
        for (const auto& name : *removed) {
            if (name.is_string())
                m.removed.push_back(name.get<std::string>());
        }
    }
    return m;
}

std::string encodeCheckpoint(const CheckpointRequest& c) {
    return json{{"host", c.host}, {"boot", c.boot}}.dump();
}

Result<CheckpointRequest> decodeCheckpoint(std::string_view text) {
    auto j = parseObject(text, "checkpoint");
    if (!j)
        return j.status();
    CheckpointRequest c{str(*j, "host"), str(*j, "boot")};
    if (c.host.empty())
        return Status::invalidArgument("checkpoint: no host");
    return c;
}

std::string encodeCheckpointAnswer(const CheckpointAnswer& a) {
    json j = servedJson(a.served);
    j["summary"] = a.summary;
    return j.dump();
}

Result<CheckpointAnswer> decodeCheckpointAnswer(std::string_view text) {
    auto j = parseObject(text, "checkpoint answer");
    if (!j)
        return j.status();
    return CheckpointAnswer{str(*j, "summary"), servedFrom(*j)};
}

std::string encodeTasks(const std::vector<Task>& tasks) {
    json list = json::array();
    for (const auto& t : tasks) {
        list.push_back({{"id", t.id},
                        {"host", t.host},
                        {"kind", t.kind},
                        {"args", t.args},
                        {"timeout_s", t.timeout_s}});
    }
    return json{{"tasks", std::move(list)}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<std::vector<Task>> decodeTasks(std::string_view text) {
    auto j = parseObject(text, "tasks");
    if (!j)
        return j.status();
    auto list = j->find("tasks");
    if (list == j->end() || !list->is_array())
        return Status::invalidArgument("tasks: no tasks array");
    if (list->size() > kMaxTasksPerCall)
        return Status::invalidArgument("tasks: more than " + std::to_string(kMaxTasksPerCall));
    std::vector<Task> out;
    for (const auto& item : *list) {
        if (!item.is_object())
            return Status::invalidArgument("tasks: a task is not an object");
        Task t;
        t.id = str(item, "id");
        t.host = str(item, "host");
        t.kind = str(item, "kind");
        t.args = str(item, "args");
        t.timeout_s = static_cast<uint32_t>(std::min<uint64_t>(u64(item, "timeout_s"), 86'400));
        if (t.id.empty() || t.kind.empty())
            return Status::invalidArgument("tasks: a task has no id or kind");
        out.push_back(std::move(t));
    }
    return out;
}

std::string encodeTaskResults(const std::vector<TaskResult>& results) {
    json list = json::array();
    for (const auto& r : results)
        list.push_back({{"id", r.id}, {"ok", r.ok}, {"detail", r.detail}});
    return json{{"results", std::move(list)}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<std::vector<TaskResult>> decodeTaskResults(std::string_view text) {
    auto j = parseObject(text, "task results");
    if (!j)
        return j.status();
    auto list = j->find("results");
    if (list == j->end() || !list->is_array())
        return Status::invalidArgument("task results: no results array");
    if (list->size() > kMaxTasksPerCall)
        return Status::invalidArgument("task results: more than " +
                                       std::to_string(kMaxTasksPerCall));
    std::vector<TaskResult> out;
    for (const auto& item : *list) {
        if (!item.is_object())
            return Status::invalidArgument("task results: a result is not an object");
        auto ok = item.find("ok");
        TaskResult r{str(item, "id"), ok != item.end() && ok->is_boolean() && ok->get<bool>(),
                     str(item, "detail")};
        if (r.id.empty())
            return Status::invalidArgument("task results: a result has no id");
        out.push_back(std::move(r));
    }
    return out;
}

std::string encodeError(std::string_view message) {
    return json{{"error", message}}.dump();
}

std::string errorMessage(std::string_view body) {
    json j = json::parse(body, nullptr, false);
    if (j.is_object()) {
        if (auto m = str(j, "error"); !m.empty())
            return m;
    }
    return std::string(body.substr(0, 300));
}

}  // namespace vq::control::wire
