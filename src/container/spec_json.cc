#include "container/spec_json.h"

#include <nlohmann/json.hpp>

namespace vq::container {
namespace {

using json = nlohmann::json;

constexpr size_t kMaxSpecs = 256;

std::string str(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int integer(const json& j, const char* key, int lo, int hi) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_number_integer())
        return 0;
    const int64_t v = it->get<int64_t>();
    return v < lo || v > hi ? 0 : static_cast<int>(v);
}

std::vector<std::string> strings(const json& j, const char* key) {
    std::vector<std::string> out;
    auto it = j.find(key);
    if (it == j.end() || !it->is_array())
        return out;
    for (const auto& v : *it) {
        if (v.is_string())
            out.push_back(v.get<std::string>());
    }
    return out;
}

}  // namespace

std::string specsToJson(const std::vector<ContainerSpec>& specs) {
    json list = json::array();
    for (const auto& s : specs) {
        json env = json::array();
        for (const auto& [k, v] : s.env)
            env.push_back(json::array({k, v}));
        list.push_back({{"image", s.image},
                        {"pull", s.pull},
                        {"command", s.command},
                        {"args", s.args},
                        {"commands", s.commands},
                        {"env", std::move(env)},
                        {"registry_username", s.registry_username},
                        {"registry_password", s.registry_password},
                        {"retry", s.retry},
                        {"timeout_s", s.timeout_s}});
    }
    return list.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<std::vector<ContainerSpec>> specsFromJson(std::string_view text) {
    const json j = json::parse(text, nullptr, false);
    if (!j.is_array())
        return Status::invalidArgument("containers: not a JSON array");
    if (j.size() > kMaxSpecs)
        return Status::invalidArgument("containers: more than " + std::to_string(kMaxSpecs));
    std::vector<ContainerSpec> out;
    for (const auto& item : j) {
        if (!item.is_object())
            return Status::invalidArgument("containers: an entry is not an object");
        ContainerSpec s;
        s.image = str(item, "image");
        if (s.image.empty())
            return Status::invalidArgument("containers: an entry has no image");
        auto pull = item.find("pull");
        s.pull = pull != item.end() && pull->is_boolean() && pull->get<bool>();
        s.command = str(item, "command");
        s.args = strings(item, "args");
        s.commands = strings(item, "commands");
        if (auto env = item.find("env"); env != item.end() && env->is_array()) {
            for (const auto& kv : *env) {
                if (kv.is_array() && kv.size() == 2 && kv[0].is_string() && kv[1].is_string())
                    s.env.emplace_back(kv[0].get<std::string>(), kv[1].get<std::string>());
            }
        }
        s.registry_username = str(item, "registry_username");
        s.registry_password = str(item, "registry_password");
        s.retry = integer(item, "retry", 0, 100);
        s.timeout_s = integer(item, "timeout_s", 0, 86'400);
        out.push_back(std::move(s));
    }
    return out;
}

}  // namespace vq::container
