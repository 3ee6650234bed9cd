#pragma once
// A bounded queue of text lines kept in a file, for what the agent owes its server while it
// is unreachable (checkpoints, events): nothing is lost across an outage or an agent
// restart. Lines are appended as they come and the file is rewritten when a delivered prefix
// is dropped. Full means full: push() refuses and the caller counts the loss. Thread-safe.

#include <cstdint>
#include <deque>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "base/result.h"

namespace vq::remote {

class DiskQueue {
public:
    // Reads what an earlier run left in `file` (created when absent).
    static Result<std::unique_ptr<DiskQueue>> open(std::filesystem::path file, size_t limit);

    // False when full or the line cannot be written. Lines must not contain '\n'.
    bool push(const std::string& line);
    // The oldest `n` lines (fewer when there are fewer).
    std::vector<std::string> front(size_t n) const;
    // Drops the oldest `n` lines (after they were delivered).
    Status pop(size_t n);
    size_t size() const;

private:
    DiskQueue(std::filesystem::path file, size_t limit) : file_(std::move(file)), limit_(limit) {}
    Status rewrite();

    std::filesystem::path file_;
    size_t limit_;
    mutable std::mutex mu_;
    std::deque<std::string> lines_;
};

}  // namespace vq::remote
