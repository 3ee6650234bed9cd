#include "base/log.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include "base/json_log_formatter.h"

namespace vq {
namespace {

std::optional<spdlog::level::level_enum> parseLevel(std::string level) {
    std::transform(level.begin(), level.end(), level.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (level == "trace")
        return spdlog::level::trace;
    if (level == "debug")
        return spdlog::level::debug;
    if (level == "info" || level.empty())
        return spdlog::level::info;
    if (level == "warning" || level == "warn")
        return spdlog::level::warn;
    if (level == "error")
        return spdlog::level::err;
    if (level == "fatal" || level == "panic")
        return spdlog::level::critical;
    return std::nullopt;
}

}  // namespace

Status configureLogging(const LogSettings& settings) {
    auto level = parseLevel(settings.level);
    if (!level) {
        return Status::error("unknown log level '" + settings.level +
                             "' (want debug, info, warning, error, fatal or panic)");
    }
    std::shared_ptr<spdlog::logger> logger;
    try {
        if (settings.location.empty() || settings.location == "stdout") {
            logger = std::make_shared<spdlog::logger>(
                "vaquero", std::make_shared<spdlog::sinks::stdout_sink_mt>());
        } else if (settings.location == "stderr") {
            logger = std::make_shared<spdlog::logger>(
                "vaquero", std::make_shared<spdlog::sinks::stderr_sink_mt>());
        } else {
            logger = std::make_shared<spdlog::logger>(
                "vaquero",
                std::make_shared<spdlog::sinks::basic_file_sink_mt>(settings.location, false));
        }
    } catch (const spdlog::spdlog_ex& e) {
        return Status::error("cannot open log location '" + settings.location + "': " + e.what());
    }
    if (settings.type == "json") {
        logger->set_formatter(makeJsonLogFormatter());
    } else if (settings.type == "text" || settings.type.empty()) {
        logger->set_pattern("time=%Y-%m-%dT%H:%M:%S.%e%z level=%l msg=\"%v\"");
    } else {
        return Status::error("unknown log type '" + settings.type + "' (want text or json)");
    }
    logger->set_level(*level);
    logger->flush_on(spdlog::level::info);
    spdlog::set_default_logger(logger);
    return Status::ok();
}

}  // namespace vq
