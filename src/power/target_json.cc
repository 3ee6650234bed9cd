#include "power/target_json.h"

#include <nlohmann/json.hpp>

namespace vq::power {
namespace {

using json = nlohmann::json;

std::string str(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int integer(const json& j, const char* key, int fallback, int lo, int hi) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_number_integer())
        return fallback;
    const int64_t v = it->get<int64_t>();
    return v < lo || v > hi ? fallback : static_cast<int>(v);
}

bool boolean(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_boolean() && it->get<bool>();
}

}  // namespace

std::string targetToJson(const Target& t) {
    return json{{"host", t.host},
                {"driver", t.driver},
                {"address", t.address},
                {"port", t.port},
                {"username", t.username},
                {"password", t.password},
                {"keypath", t.keypath},
                {"soft_reboot", t.soft_reboot},
                {"soft_timeout", t.soft_timeout},
                {"cipher_suite", t.cipher_suite},
                {"efi_boot", t.efi_boot}}
        .dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<Target> targetFromJson(std::string_view text) {
    const json j = json::parse(text, nullptr, false);
    if (!j.is_object())
        return Status::invalidArgument("power target: not a JSON object");
    Target t;
    t.host = str(j, "host");
    t.driver = str(j, "driver");
    t.address = str(j, "address");
    t.port = integer(j, "port", 0, 0, 65535);
    t.username = str(j, "username");
    t.password = str(j, "password");
    t.keypath = str(j, "keypath");
    t.soft_reboot = boolean(j, "soft_reboot");
    t.soft_timeout = integer(j, "soft_timeout", 0, 0, 86'400);
    t.cipher_suite = integer(j, "cipher_suite", kDefaultCipherSuite, 0, 17);
    t.efi_boot = boolean(j, "efi_boot");
    if (t.driver.empty())
        return Status::invalidArgument("power target: no driver");
    return t;
}

}  // namespace vq::power
