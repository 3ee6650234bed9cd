#include "tftp/core/admission.h"

#include <variant>

#include "tftp/core/netascii.h"

namespace vq::tftp {
namespace {

Admission refuse(Admission a, ErrorCode code, std::string reason, std::string_view wire_message) {
    a.error = code;
    a.reason = std::move(reason);
    a.reply = encodeError(code, wire_message);
    return a;
}

}  // namespace

Admission admit(std::span<const uint8_t> datagram, FileSource& files, const SessionLimits& limits) {
    Admission a;
    auto decoded = decode(datagram);
    if (!decoded) {
        return refuse(std::move(a), ErrorCode::IllegalOperation, decoded.message(),
                      "malformed request");
    }
    auto* req = std::get_if<Request>(&*decoded);
    if (req == nullptr) {
        // DATA, ACK, OACK or ERROR on the request port: never answered, so two confused
        // peers cannot bounce errors at each other forever.
        a.reason = "not a request";
        return a;
    }
    a.request = *req;
    if (req->write) {
        return refuse(std::move(a), ErrorCode::AccessViolation, "write request refused",
                      "read-only server");
    }
    if (req->mode == Mode::Mail) {
        return refuse(std::move(a), ErrorCode::IllegalOperation, "mail mode refused",
                      "mail mode not supported");
    }
    FileLookup found = files.open(req->filename);
    if (!found.ok()) {
        std::string_view msg =
            found.error == ErrorCode::FileNotFound ? "file not found" : "access violation";
        return refuse(std::move(a), found.error, found.reason, msg);
    }
    std::shared_ptr<const FileData> file = std::move(found.file);
    if (req->mode == Mode::Netascii) {
        // Rare (text files only), so converted per transfer rather than cached.
        file = std::make_shared<BufferFileData>(toNetascii(file->bytes()));
    }
    Negotiated n = negotiate(req->options, file->bytes().size(), limits);
    a.session = std::make_unique<Session>(std::move(file), n, limits);
    return a;
}

}  // namespace vq::tftp
