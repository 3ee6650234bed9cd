#pragma once
// Status and Result<T>: how every module reports failures that come from outside
// (bad input, I/O, peers). Exceptions never cross a module boundary. A failure carries a
// code saying what kind of failure it is, so callers decide what to do (an HTTP status, a
// retry, an exit code) from the code and never from the message's wording.

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace vq {

enum class StatusCode {
    ok,
    unknown,              // a failure nobody classified (Status::error)
    invalid_argument,     // the request or input is wrong; retrying it will not help
    not_found,            // it names something that does not exist
    conflict,             // it contradicts the current state (e.g. already exists, halted)
    failed_precondition,  // the system is not in a state where this can run
    unavailable,          // a dependency (store, peer, disk) failed; retrying may help
    deadline_exceeded,    // it took longer than allowed
    permission_denied,    // the caller may not do this
    internal,             // a bug or an invariant broken on our side
};

std::string_view toString(StatusCode code);

class Status {
public:
    Status() = default;
    static Status ok() { return Status(); }
    static Status error(std::string message) {
        return Status(StatusCode::unknown, std::move(message));
    }
    static Status withCode(StatusCode code, std::string message) {
        return Status(code, std::move(message));
    }
    static Status invalidArgument(std::string m) {
        return Status(StatusCode::invalid_argument, std::move(m));
    }
    static Status notFound(std::string m) { return Status(StatusCode::not_found, std::move(m)); }
    static Status conflict(std::string m) { return Status(StatusCode::conflict, std::move(m)); }
    static Status failedPrecondition(std::string m) {
        return Status(StatusCode::failed_precondition, std::move(m));
    }
    static Status unavailable(std::string m) {
        return Status(StatusCode::unavailable, std::move(m));
    }
    static Status deadlineExceeded(std::string m) {
        return Status(StatusCode::deadline_exceeded, std::move(m));
    }
    static Status permissionDenied(std::string m) {
        return Status(StatusCode::permission_denied, std::move(m));
    }
    static Status internal(std::string m) { return Status(StatusCode::internal, std::move(m)); }

    bool isOk() const { return code_ == StatusCode::ok; }
    explicit operator bool() const { return isOk(); }
    StatusCode code() const { return code_; }
    const std::string& message() const { return message_; }
    // The same failure with context in front of its message: "context: message".
    Status prefixed(std::string_view context) const {
        if (isOk())
            return *this;
        return Status(code_, std::string(context) + ": " + message_);
    }
    // Lets VQ_TRY take a Status or a Result alike.
    const Status& status() const { return *this; }

private:
    Status(StatusCode code, std::string message) : message_(std::move(message)), code_(code) {}
    std::string message_;
    StatusCode code_ = StatusCode::ok;
};

// Holds either a value or a failed Status.
template <typename T>
class Result {
public:
    Result(T value) : data_(std::move(value)) {}         // NOLINT: implicit by design
    Result(Status status) : data_(std::move(status)) {}  // NOLINT: implicit by design

    static Result error(std::string message) { return Result(Status::error(std::move(message))); }
    static Result error(StatusCode code, std::string message) {
        return Result(Status::withCode(code, std::move(message)));
    }

    bool isOk() const { return std::holds_alternative<T>(data_); }
    explicit operator bool() const { return isOk(); }

    const T& value() const& { return std::get<T>(data_); }
    T& value() & { return std::get<T>(data_); }
    T&& value() && { return std::get<T>(std::move(data_)); }
    const T& operator*() const& { return value(); }
    T& operator*() & { return value(); }
    const T* operator->() const { return &value(); }
    T* operator->() { return &value(); }

    Status status() const { return isOk() ? Status::ok() : std::get<Status>(data_); }
    StatusCode code() const { return isOk() ? StatusCode::ok : std::get<Status>(data_).code(); }
    const std::string& message() const {
        static const std::string kEmpty;
        return isOk() ? kEmpty : std::get<Status>(data_).message();
    }

private:
    std::variant<T, Status> data_;
};

inline Status errorStatus(std::string message) {
    return Status::error(std::move(message));
}

}  // namespace vq

// Early return on failure: VQ_TRY(expr) where expr yields a Status or a Result. The failure
// keeps its code.
#define VQ_TRY(expr)                                      \
    do {                                                  \
        auto vq_try_result_ = (expr);                     \
        if (!vq_try_result_.isOk()) {                     \
            return ::vq::Status(vq_try_result_.status()); \
        }                                                 \
    } while (0)
