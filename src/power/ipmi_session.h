#pragma once
// One authenticated IPMI 2.0 session with a BMC, closed by the destructor. Kept apart from
// the driver so the libfreeipmi details (context, fiid objects, error numbers) live in one
// place.

#include <functional>
#include <string>

#include "base/result.h"
#include "power/target.h"

struct ipmi_ctx;
struct fiid_obj;

namespace vq::power {

class IpmiSession {
public:
    // Opens the session for `what` (the action, named in every message); check openStatus().
    IpmiSession(const Target& target,
                const char* what,
                unsigned session_timeout_ms,
                unsigned retransmission_ms);
    ~IpmiSession();
    IpmiSession(const IpmiSession&) = delete;
    IpmiSession& operator=(const IpmiSession&) = delete;

    const Status& openStatus() const { return open_status_; }
    ipmi_ctx* ctx() { return ctx_; }

    // "<who>: <what> failed: <why>" from the context's last error.
    Status failure() const;

private:
    Status failure(const std::string& stage) const;

    const Target& target_;
    const char* what_;
    ipmi_ctx* ctx_ = nullptr;
    bool open_ = false;
    unsigned timeout_ms_ = 0;
    Status open_status_;
};

// Owns a fiid object (a decoded IPMI response).
class FiidObject {
public:
    explicit FiidObject(fiid_obj* obj) : obj_(obj) {}
    ~FiidObject();
    FiidObject(const FiidObject&) = delete;
    FiidObject& operator=(const FiidObject&) = delete;
    fiid_obj* get() const { return obj_; }
    explicit operator bool() const { return obj_ != nullptr; }

private:
    fiid_obj* obj_;
};

}  // namespace vq::power
