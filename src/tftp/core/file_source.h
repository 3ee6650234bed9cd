#pragma once
// What the TFTP service asks of whoever owns the files. Files are immutable, shared byte
// buffers: every concurrent transfer of one file reads the same memory, none copies it.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tftp/codec/packet.h"

namespace vq::tftp {

class FileData {
public:
    virtual ~FileData() = default;
    virtual std::span<const uint8_t> bytes() const = 0;
};

// A FileData that owns its bytes (files read from disk, converted netascii, tests).
class BufferFileData : public FileData {
public:
    explicit BufferFileData(std::vector<uint8_t> data) : data_(std::move(data)) {}
    std::span<const uint8_t> bytes() const override { return data_; }

private:
    std::vector<uint8_t> data_;
};

struct FileLookup {
    std::shared_ptr<const FileData> file;     // set on success
    ErrorCode error = ErrorCode::NotDefined;  // FileNotFound or AccessViolation on failure
    std::string reason;                       // for logs, never sent verbatim to clients

    bool ok() const { return file != nullptr; }
    static FileLookup found(std::shared_ptr<const FileData> f) { return {std::move(f), {}, {}}; }
    static FileLookup failed(ErrorCode code, std::string why) {
        return {nullptr, code, std::move(why)};
    }
};

class FileSource {
public:
    virtual ~FileSource() = default;
    // `name` is the filename exactly as the client sent it (untrusted).
    virtual FileLookup open(std::string_view name) = 0;
};

}  // namespace vq::tftp
