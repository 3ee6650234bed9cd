#include "git/push_event.h"

#include <nlohmann/json.hpp>

namespace vq::git {
namespace {

constexpr std::string_view kHeads = "refs/heads/";

std::string stringField(const nlohmann::json& obj, const char* key) {
    auto it = obj.find(key);
    return (it != obj.end() && it->is_string()) ? it->get<std::string>() : std::string();
}

int hexValue(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// The `payload` field of a form body, decoded ('+' is a space); empty when absent or
// malformed.
std::string formPayload(std::string_view body) {
    constexpr std::string_view kKey = "payload=";
    size_t start = 0;
    while (start <= body.size()) {
        size_t end = body.find('&', start);
        if (end == std::string_view::npos)
            end = body.size();
        const auto pair = body.substr(start, end - start);
        if (pair.substr(0, kKey.size()) == kKey) {
            std::string out;
            const auto v = pair.substr(kKey.size());
            for (size_t i = 0; i < v.size(); ++i) {
                if (v[i] == '+') {
                    out.push_back(' ');
                } else if (v[i] == '%') {
                    if (i + 2 >= v.size())
                        return {};
                    const int hi = hexValue(v[i + 1]);
                    const int lo = hexValue(v[i + 2]);
                    if (hi < 0 || lo < 0)
                        return {};
                    out.push_back(static_cast<char>(hi * 16 + lo));
                    i += 2;
                } else {
                    out.push_back(v[i]);
                }
            }
            return out;
        }
        start = end + 1;
    }
    return {};
}

}  // namespace

std::string PushEvent::branch() const {
    if (ref.size() > kHeads.size() && ref.compare(0, kHeads.size(), kHeads) == 0)
        return ref.substr(kHeads.size());
    return {};
}

Result<PushEvent> parsePushEvent(std::string_view body, std::string_view content_type) {
    std::string form_json;
    if (content_type.find("application/x-www-form-urlencoded") != std::string_view::npos) {
        form_json = formPayload(body);
        if (form_json.empty())
            return Status::invalidArgument("form body without a payload field");
        body = form_json;
    }
    const auto doc = nlohmann::json::parse(body.begin(), body.end(), nullptr,
                                           /*allow_exceptions=*/false);
    if (doc.is_discarded())
        return Status::invalidArgument("the body is not JSON");
    if (!doc.is_object())
        return Status::invalidArgument("the body is not a JSON object");
    PushEvent e;
    e.ref = stringField(doc, "ref");
    if (e.ref.empty())
        return Status::invalidArgument("no \"ref\" in the push event");
    e.after = stringField(doc, "after");
    if (auto d = doc.find("deleted"); d != doc.end() && d->is_boolean())
        e.deleted = d->get<bool>();
    if (auto r = doc.find("repository"); r != doc.end() && r->is_object()) {
        e.repository = stringField(*r, "full_name");
        if (e.repository.empty())
            e.repository = stringField(*r, "name");
    }
    return e;
}

}  // namespace vq::git
