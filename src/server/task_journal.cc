#include "server/task_journal.h"

#include <fstream>

#include <nlohmann/json.hpp>
#include <unistd.h>

#include "base/file_set.h"

namespace vq::server {
namespace {

using json = nlohmann::json;

std::string line(const std::string& id, const TaskJournal::Entry& e) {
    json j = {{"id", id}, {"agent", e.agent}};
    if (e.done) {
        j["ok"] = e.ok;
        j["detail"] = e.detail;
    }
    return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace

TaskJournal::TaskJournal(std::filesystem::path file, size_t keep)
    : file_(std::move(file)), keep_(keep == 0 ? 1 : keep) {}

TaskJournal::~TaskJournal() {
    if (out_ != nullptr)
        std::fclose(out_);
}

Result<std::unique_ptr<TaskJournal>> TaskJournal::open(std::filesystem::path file, size_t keep) {
    std::unique_ptr<TaskJournal> j(new TaskJournal(std::move(file), keep));
    std::error_code ec;
    std::filesystem::create_directories(j->file_.parent_path(), ec);
    {
        std::ifstream in(j->file_);
        std::string text;
        // A torn last line (a crash mid-write) or any garbage is skipped: the journal only
        // ever prevents a second run, it never invents a success.
        while (std::getline(in, text)) {
            const json l = json::parse(text, nullptr, false);
            if (!l.is_object() || !l.contains("id") || !l["id"].is_string())
                continue;
            Entry e;
            if (auto a = l.find("agent"); a != l.end() && a->is_string())
                e.agent = a->get<std::string>();
            if (auto ok = l.find("ok"); ok != l.end() && ok->is_boolean()) {
                e.done = true;
                e.ok = ok->get<bool>();
                if (auto d = l.find("detail"); d != l.end() && d->is_string())
                    e.detail = d->get<std::string>();
            }
            j->remember(l["id"].get<std::string>(), std::move(e));
        }
    }
    if (Status st = j->rewrite(); !st)
        return st;
    return j;
}

std::optional<TaskJournal::Entry> TaskJournal::find(const std::string& id) const {
    auto it = entries_.find(id);
    if (it == entries_.end())
        return std::nullopt;
    return it->second;
}

void TaskJournal::remember(const std::string& id, Entry e) {
    auto [it, added] = entries_.insert_or_assign(id, std::move(e));
    if (added)
        order_.push_back(id);
    while (order_.size() > keep_) {
        entries_.erase(order_.front());
        order_.pop_front();
    }
}

Status TaskJournal::leased(const std::string& id, const std::string& agent) {
    Entry e;
    e.agent = agent;
    remember(id, e);
    return append(id, e);
}

Status TaskJournal::done(const std::string& id, bool ok, const std::string& detail) {
    Entry e;
    if (auto it = entries_.find(id); it != entries_.end())
        e.agent = it->second.agent;
    e.done = true;
    e.ok = ok;
    e.detail = detail;
    remember(id, e);
    return append(id, e);
}

Status TaskJournal::append(const std::string& id, const Entry& e) {
    if (lines_ >= 2 * keep_)
        return rewrite();  // holds the entry just remembered
    const std::string text = line(id, e);
    if (out_ == nullptr || std::fwrite(text.data(), 1, text.size(), out_) != text.size() ||
        std::fflush(out_) != 0 || ::fdatasync(fileno(out_)) != 0)
        return Status::unavailable("task journal " + file_.string() + ": write failed");
    ++lines_;
    return Status::ok();
}

Status TaskJournal::rewrite() {
    std::string text;
    for (const auto& id : order_)
        text += line(id, entries_.at(id));
    if (!replaceFile(file_, text, /*sync=*/true))
        return Status::unavailable("task journal " + file_.string() + ": rewrite failed");
    if (out_ != nullptr)
        std::fclose(out_);
    out_ = std::fopen(file_.c_str(), "a");
    lines_ = order_.size();
    if (out_ == nullptr)
        return Status::unavailable("task journal " + file_.string() + ": cannot append");
    return Status::ok();
}

}  // namespace vq::server
