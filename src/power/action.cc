#include "power/action.h"

#include <array>
#include <utility>

namespace vq::power {
namespace {

constexpr std::array<std::pair<Action, std::string_view>, 6> kNames{{
    {Action::Status, "status"},
    {Action::On, "on"},
    {Action::Off, "off"},
    {Action::Cycle, "cycle"},
    {Action::Soft, "soft"},
    {Action::Pxe, "pxe"},
}};

}  // namespace

std::string_view actionName(Action a) {
    for (const auto& [action, name] : kNames) {
        if (action == a)
            return name;
    }
    return "unknown";
}

std::optional<Action> parseAction(std::string_view text) {
    for (const auto& [action, name] : kNames) {
        if (name == text)
            return action;
    }
    return std::nullopt;
}

}  // namespace vq::power
