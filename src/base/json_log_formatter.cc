#include "base/json_log_formatter.h"

#include <string>

#include <nlohmann/json.hpp>
#include <spdlog/pattern_formatter.h>

namespace vq {
namespace {

class JsonLogFormatter final : public spdlog::formatter {
public:
    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
        time_buffer_.clear();
        time_format_.format(msg, time_buffer_);
        const auto level = spdlog::level::to_string_view(msg.level);
        // ordered_json keeps the fields in the order readers of the old lines saw them.
        const nlohmann::ordered_json line = {
            {"time", std::string(time_buffer_.data(), time_buffer_.size())},
            {"level", std::string(level.data(), level.size())},
            {"msg", std::string(msg.payload.data(), msg.payload.size())},
        };
        const std::string text =
            line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
        dest.append(text.data(), text.data() + text.size());
        dest.push_back('\n');
    }

    std::unique_ptr<spdlog::formatter> clone() const override {
        return std::make_unique<JsonLogFormatter>();
    }

private:
    // Same clock and layout as the text lines: local time, milliseconds, UTC offset.
    spdlog::pattern_formatter time_format_{"%Y-%m-%dT%H:%M:%S.%e%z",
                                           spdlog::pattern_time_type::local, ""};
    spdlog::memory_buf_t time_buffer_;
};

}  // namespace

std::unique_ptr<spdlog::formatter> makeJsonLogFormatter() {
    return std::make_unique<JsonLogFormatter>();
}

}  // namespace vq
