#include "server/file_task_journal.h"

#include <fstream>

#include <unistd.h>

#include "base/file_set.h"

namespace vq::server {

FileTaskJournal::~FileTaskJournal() {
    if (out_ != nullptr)
        std::fclose(out_);
}

Result<std::unique_ptr<FileTaskJournal>> FileTaskJournal::open(std::filesystem::path file,
                                                               size_t keep) {
    std::unique_ptr<FileTaskJournal> j(new FileTaskJournal(std::move(file), keep));
    std::error_code ec;
    std::filesystem::create_directories(j->file_.parent_path(), ec);
    {
        std::ifstream in(j->file_);
        // A torn last line (a crash mid-write) or any garbage is skipped.
        for (std::string text; std::getline(in, text);) {
            if (auto entry = decode(text))
                j->remember(entry->first, std::move(entry->second));
        }
    }
    if (Status st = j->rewrite(); !st)
        return st;
    return j;
}

Status FileTaskJournal::persist(const std::string& id,
                                const Entry& e,
                                const std::vector<std::string>&) {
    if (lines_ >= 2 * keep())
        return rewrite();  // holds the entry just remembered
    const std::string text = encode(id, e) + "\n";
    if (out_ == nullptr || std::fwrite(text.data(), 1, text.size(), out_) != text.size() ||
        std::fflush(out_) != 0 || ::fdatasync(fileno(out_)) != 0)
        return Status::unavailable("task journal " + file_.string() + ": write failed");
    ++lines_;
    return Status::ok();
}

Status FileTaskJournal::rewrite() {
    std::string text;
    for (const auto& id : order())
        text += encode(id, at(id)) + "\n";
    if (!replaceFile(file_, text, /*sync=*/true))
        return Status::unavailable("task journal " + file_.string() + ": rewrite failed");
    if (out_ != nullptr)
        std::fclose(out_);
    out_ = std::fopen(file_.c_str(), "a");
    lines_ = order().size();
    if (out_ == nullptr)
        return Status::unavailable("task journal " + file_.string() + ": cannot append");
    return Status::ok();
}

}  // namespace vq::server
