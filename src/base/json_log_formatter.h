#pragma once
// Log lines as JSON objects, {"time":..,"level":..,"msg":..} one per line, built with a JSON
// library so that any message (quotes, backslashes, newlines, control bytes, invalid UTF-8,
// which becomes U+FFFD) still yields a line that every JSON parser accepts.

#include <memory>

#include <spdlog/formatter.h>

namespace vq {

std::unique_ptr<spdlog::formatter> makeJsonLogFormatter();

}  // namespace vq
