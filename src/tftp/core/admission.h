#pragma once
// What the well-known port does with one datagram: decode it, refuse writes and bad
// requests, look the file up, negotiate options, and hand back a ready Session or the ERROR
// to send. Pure, like Session: the runtime only moves bytes.

#include <memory>
#include <optional>
#include <span>
#include <string>

#include "tftp/codec/packet.h"
#include "tftp/core/file_source.h"
#include "tftp/core/options.h"
#include "tftp/core/session.h"

namespace vq::tftp {

struct Admission {
    std::unique_ptr<Session> session;           // set when the transfer may start
    std::optional<Request> request;             // set when the datagram was a valid request
    std::optional<std::vector<uint8_t>> reply;  // ERROR to send when refused (none for noise)
    ErrorCode error = ErrorCode::NotDefined;
    std::string reason;  // why it was refused, for logs and events

    bool accepted() const { return session != nullptr; }
};

Admission admit(std::span<const uint8_t> datagram, FileSource& files, const SessionLimits& limits);

}  // namespace vq::tftp
