#pragma once
// The task journal (task_journal.h) in a file under SavePath, for the embedded store: one
// JSON line per change, flushed and synced before the call returns; the file is rewritten
// from memory when it holds twice the entries kept.

#include <cstdio>
#include <filesystem>
#include <memory>

#include "base/result.h"
#include "server/task_journal.h"

namespace vq::server {

class FileTaskJournal : public TaskJournal {
public:
    static Result<std::unique_ptr<FileTaskJournal>> open(std::filesystem::path file, size_t keep);
    ~FileTaskJournal() override;

protected:
    Status persist(const std::string& id,
                   const Entry& e,
                   const std::vector<std::string>& forgotten) override;

private:
    FileTaskJournal(std::filesystem::path file, size_t keep)
        : TaskJournal(keep), file_(std::move(file)) {}
    Status rewrite();

    std::filesystem::path file_;
    std::FILE* out_ = nullptr;
    size_t lines_ = 0;
};

}  // namespace vq::server
