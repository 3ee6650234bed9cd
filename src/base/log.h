#pragma once
// Process-wide logging. Events carry a stable UPPER_SNAKE name and key=value fields,
// e.g. VQ_LOG_INFO("DHCP_OFFER mac={} ip={}", mac, ip).

#include <string>

#include <spdlog/spdlog.h>

#include "base/result.h"

namespace vq {

struct LogSettings {
    std::string level = "info";       // debug, info, warning, error, fatal, panic
    std::string location = "stdout";  // stdout, stderr, or a file path
    std::string type = "text";        // text or json
};

// Configures the default logger. Fails on an unknown level/type or an unwritable file.
Status configureLogging(const LogSettings& settings);

}  // namespace vq

#define VQ_LOG_DEBUG(...) SPDLOG_DEBUG(__VA_ARGS__)
#define VQ_LOG_INFO(...) SPDLOG_INFO(__VA_ARGS__)
#define VQ_LOG_WARN(...) SPDLOG_WARN(__VA_ARGS__)
#define VQ_LOG_ERROR(...) SPDLOG_ERROR(__VA_ARGS__)
