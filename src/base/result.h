#pragma once
// Status and Result<T>: how every module reports failures that come from outside
// (bad input, I/O, peers). Exceptions never cross a module boundary.

#include <string>
#include <utility>
#include <variant>

namespace vq {

class Status {
public:
    Status() = default;
    static Status ok() { return Status(); }
    static Status error(std::string message) { return Status(std::move(message), true); }

    bool isOk() const { return !failed_; }
    explicit operator bool() const { return isOk(); }
    const std::string& message() const { return message_; }
    // Lets VQ_TRY take a Status or a Result alike.
    const Status& status() const { return *this; }

private:
    Status(std::string message, bool failed) : message_(std::move(message)), failed_(failed) {}
    std::string message_;
    bool failed_ = false;
};

// Holds either a value or an error message.
template <typename T>
class Result {
public:
    Result(T value) : data_(std::move(value)) {}         // NOLINT: implicit by design
    Result(Status status) : data_(std::move(status)) {}  // NOLINT: implicit by design

    static Result error(std::string message) { return Result(Status::error(std::move(message))); }

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

// Early return on failure: VQ_TRY(expr) where expr yields a Status or a Result.
#define VQ_TRY(expr)                                                                    \
    do {                                                                                \
        auto vq_try_result_ = (expr);                                                   \
        if (!vq_try_result_.isOk()) {                                                   \
            return ::vq::Status::error(std::string(vq_try_result_.status().message())); \
        }                                                                               \
    } while (0)
