#include "server/task_journal.h"

#include <nlohmann/json.hpp>

namespace vq::server {

using json = nlohmann::json;

std::string TaskJournal::encode(const std::string& id, const Entry& e) {
    json j = {{"id", id}, {"agent", e.agent}};
    if (e.done) {
        j["ok"] = e.ok;
        j["detail"] = e.detail;
    }
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<std::pair<std::string, TaskJournal::Entry>> TaskJournal::decode(
    std::string_view text) {
    const json l = json::parse(text, nullptr, false);
    if (!l.is_object() || !l.contains("id") || !l["id"].is_string())
        return std::nullopt;
    Entry e;
    if (auto a = l.find("agent"); a != l.end() && a->is_string())
        e.agent = a->get<std::string>();
    if (auto ok = l.find("ok"); ok != l.end() && ok->is_boolean()) {
        e.done = true;
        e.ok = ok->get<bool>();
        if (auto d = l.find("detail"); d != l.end() && d->is_string())
            e.detail = d->get<std::string>();
    }
    return std::make_pair(l["id"].get<std::string>(), std::move(e));
}

std::optional<TaskJournal::Entry> TaskJournal::find(const std::string& id) const {
    auto it = entries_.find(id);
    if (it == entries_.end())
        return std::nullopt;
    return it->second;
}

std::vector<std::string> TaskJournal::remember(const std::string& id, Entry e) {
    auto [it, added] = entries_.insert_or_assign(id, std::move(e));
    if (added)
        order_.push_back(id);
    std::vector<std::string> forgotten;
    while (order_.size() > keep_) {
        entries_.erase(order_.front());
        forgotten.push_back(std::move(order_.front()));
        order_.pop_front();
    }
    return forgotten;
}

Status TaskJournal::leased(const std::string& id, const std::string& agent) {
    Entry e;
    e.agent = agent;
    auto forgotten = remember(id, e);
    return persist(id, e, forgotten);
}

Status TaskJournal::done(const std::string& id, bool ok, const std::string& detail) {
    Entry e;
    if (auto it = entries_.find(id); it != entries_.end())
        e.agent = it->second.agent;
    e.done = true;
    e.ok = ok;
    e.detail = detail;
    auto forgotten = remember(id, e);
    return persist(id, e, forgotten);
}

}  // namespace vq::server
