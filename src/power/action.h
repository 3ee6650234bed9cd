#pragma once
// The power actions an operator or the state engine can ask for.

#include <optional>
#include <string_view>

namespace vq::power {

enum class Action { Status, On, Off, Cycle, Soft, Pxe };

// "status", "on", "off", "cycle", "soft", "pxe"
std::string_view actionName(Action a);
std::optional<Action> parseAction(std::string_view text);

}  // namespace vq::power
