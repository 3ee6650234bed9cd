#include "remote/disk_queue.h"

#include <fstream>

#include "base/file_set.h"

namespace vq::remote {

Result<std::unique_ptr<DiskQueue>> DiskQueue::open(std::filesystem::path file, size_t limit) {
    std::unique_ptr<DiskQueue> q(new DiskQueue(std::move(file), limit));
    std::error_code ec;
    std::filesystem::create_directories(q->file_.parent_path(), ec);
    std::ifstream in(q->file_);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && q->lines_.size() < limit)
            q->lines_.push_back(line);
    }
    // A torn last line (a crash mid-append) was read as a line; rewriting keeps the file
    // exactly what is held.
    VQ_TRY(q->rewrite());
    return q;
}

bool DiskQueue::push(const std::string& line) {
    if (line.find('\n') != std::string::npos)
        return false;
    std::lock_guard lock(mu_);
    if (lines_.size() >= limit_)
        return false;
    std::ofstream out(file_, std::ios::app);
    out << line << '\n';
    out.flush();
    if (!out)
        return false;
    lines_.push_back(line);
    return true;
}

std::vector<std::string> DiskQueue::front(size_t n) const {
    std::lock_guard lock(mu_);
    n = std::min(n, lines_.size());
    return std::vector<std::string>(lines_.begin(), lines_.begin() + static_cast<ptrdiff_t>(n));
}

Status DiskQueue::pop(size_t n) {
    std::lock_guard lock(mu_);
    n = std::min(n, lines_.size());
    lines_.erase(lines_.begin(), lines_.begin() + static_cast<ptrdiff_t>(n));
    return rewrite();
}

size_t DiskQueue::size() const {
    std::lock_guard lock(mu_);
    return lines_.size();
}

// Written aside and renamed over: a crash leaves the old file or the new one, never half.
Status DiskQueue::rewrite() {
    std::string text;
    for (const auto& l : lines_) {
        text += l;
        text += '\n';
    }
    return replaceFile(file_, text);
}

}  // namespace vq::remote
