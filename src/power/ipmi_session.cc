#include "power/ipmi_session.h"

#include <mutex>

#include <fmt/format.h>
#include <freeipmi/freeipmi.h>

namespace vq::power {
namespace {

// Operators read these; libfreeipmi's own strings ("session timeout") say less.
std::string explain(int errnum, unsigned timeout_ms) {
    switch (errnum) {
        case IPMI_ERR_USERNAME_INVALID:
        case IPMI_ERR_PASSWORD_INVALID:
        case IPMI_ERR_K_G_INVALID:
            return "wrong username or password";
        case IPMI_ERR_PRIVILEGE_LEVEL_INSUFFICIENT:
        case IPMI_ERR_PRIVILEGE_LEVEL_CANNOT_BE_OBTAINED:
            return "the user lacks the administrator privilege";
        case IPMI_ERR_CIPHER_SUITE_ID_UNAVAILABLE:
        case IPMI_ERR_AUTHENTICATION_TYPE_UNAVAILABLE:
            return "the BMC refuses this cipher suite";
        case IPMI_ERR_IPMI_2_0_UNAVAILABLE:
            return "the BMC does not speak IPMI 2.0";
        case IPMI_ERR_CONNECTION_TIMEOUT:
        case IPMI_ERR_SESSION_TIMEOUT:
        case IPMI_ERR_MESSAGE_TIMEOUT:
            return fmt::format("no answer from the BMC within {} ms", timeout_ms);
        case IPMI_ERR_HOSTNAME_INVALID:
            return "the BMC address does not resolve";
        case IPMI_ERR_BMC_BUSY:
            return "the BMC is busy";
        case IPMI_ERR_COMMAND_INVALID_OR_UNSUPPORTED:
            return "the BMC does not support this command";
        case IPMI_ERR_BAD_COMPLETION_CODE:
            return "the BMC rejected the command";
        case IPMI_ERR_BAD_RMCPPLUS_STATUS_CODE:
            return "the BMC rejected the session";
        default:
            return fmt::format("IPMI error: {}", ipmi_ctx_strerror(errnum));
    }
}

}  // namespace

IpmiSession::IpmiSession(const Target& target,
                         const char* what,
                         unsigned session_timeout_ms,
                         unsigned retransmission_ms)
    : target_(target), what_(what), timeout_ms_(session_timeout_ms) {
    // libfreeipmi's crypto must be initialised once before concurrent use; the first session
    // does it while any others wait here.
    static std::once_flag crypt_once;
    static bool crypt_ok = false;
    std::call_once(crypt_once, [] { crypt_ok = ipmi_rmcpplus_init() == 0; });
    if (!crypt_ok) {
        open_status_ = Status::error(
            fmt::format("{}: {} failed: IPMI cryptography unavailable", describe(target_), what_));
        return;
    }
    ctx_ = ipmi_ctx_create();
    if (!ctx_) {
        open_status_ = Status::error(fmt::format("{}: out of memory", describe(target_)));
        return;
    }
    const std::string hostname = fmt::format("{}:{}", target_.address, effectivePort(target_));
    // Ask for the administrator level by name in the Open Session request, as ipmitool does:
    // BMCs such as OpenIPMI's refuse the spec's "highest level available" (0) there.
    const unsigned workarounds = IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_OPEN_SESSION_PRIVILEGE;
    // The password is copied into the context only; it never reaches a message.
    const int rc = ipmi_ctx_open_outofband_2_0(
        ctx_, hostname.c_str(), target_.username.c_str(), target_.password.c_str(), nullptr, 0,
        IPMI_PRIVILEGE_LEVEL_ADMIN, static_cast<uint8_t>(target_.cipher_suite), session_timeout_ms,
        retransmission_ms, workarounds, IPMI_FLAGS_DEFAULT);
    if (rc < 0) {
        const int errnum = ipmi_ctx_errnum(ctx_);
        // A BMC that does not offer the cipher suite often fails the RAKP exchange in ways
        // libfreeipmi reports only as an internal error: name the suite to point there.
        if (errnum == IPMI_ERR_IPMI_ERROR || errnum == IPMI_ERR_CIPHER_SUITE_ID_UNAVAILABLE ||
            errnum == IPMI_ERR_BAD_RMCPPLUS_STATUS_CODE) {
            open_status_ = Status::error(
                fmt::format("{}: {} failed: cannot open an IPMI session: the BMC rejected cipher "
                            "suite {} (see --cipher-suite)",
                            describe(target_), what_, target_.cipher_suite));
        } else {
            open_status_ = failure("cannot open an IPMI session: ");
        }
        return;
    }
    open_ = true;
}

IpmiSession::~IpmiSession() {
    if (!ctx_)
        return;
    if (open_)
        ipmi_ctx_close(ctx_);
    ipmi_ctx_destroy(ctx_);
}

Status IpmiSession::failure() const {
    return failure("");
}

Status IpmiSession::failure(const std::string& stage) const {
    const int errnum = ipmi_ctx_errnum(ctx_);
    return Status::error(redact(fmt::format("{}: {} failed: {}{}", describe(target_), what_, stage,
                                            explain(errnum, timeout_ms_)),
                                target_));
}

FiidObject::~FiidObject() {
    if (obj_)
        fiid_obj_destroy(obj_);
}

}  // namespace vq::power
