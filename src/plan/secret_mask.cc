#include "plan/secret_mask.h"

#include <algorithm>
#include <cctype>

#include "base/text.h"

namespace vq::plan {
namespace {

bool keyChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' || c == '.';
}

// Masks the value after a secret-named key on one line: `name: v`, `name=v`, `"name": "v"`.
std::string maskSecretFields(std::string_view line) {
    std::string out;
    size_t i = 0;
    while (i < line.size()) {
        if (!keyChar(line[i])) {
            out += line[i++];
            continue;
        }
        size_t end = i;
        while (end < line.size() && keyChar(line[end]))
            ++end;
        const std::string_view key = line.substr(i, end - i);
        out.append(key);
        i = end;
        if (!SecretMask::secretName(key))
            continue;
        size_t j = i;
        if (j < line.size() && (line[j] == '"' || line[j] == '\''))
            ++j;  // closing quote of a quoted key
        while (j < line.size() && line[j] == ' ')
            ++j;
        if (j >= line.size() || (line[j] != ':' && line[j] != '='))
            continue;
        // YAML and JSON values run to the end of the line (or of a flow entry); `k=v` values
        // (kernel command lines, URLs) stop at the next word.
        const std::string_view stops = line[j] == ':' ? ",}" : " &,}\"'";
        ++j;
        while (j < line.size() && line[j] == ' ')
            ++j;
        if (j >= line.size() || line[j] == '[' || line[j] == '{' || line[j] == '|' ||
            line[j] == '>') {
            continue;  // nested value or block scalar: nothing on this line to mask
        }
        size_t value_end;
        if (line[j] == '"' || line[j] == '\'') {
            const char q = line[j];
            value_end = j + 1;
            while (value_end < line.size() && line[value_end] != q)
                value_end += line[value_end] == '\\' ? 2 : 1;
            value_end = std::min(line.size(), value_end + 1);
            out.append(line.substr(i, j + 1 - i));
            out.append(kMasked);
            if (value_end > j + 1 && value_end <= line.size() && line[value_end - 1] == q)
                out += q;
        } else {
            value_end = j;
            while (value_end < line.size() && stops.find(line[value_end]) == std::string_view::npos)
                ++value_end;
            out.append(line.substr(i, j - i));
            out.append(kMasked);
        }
        i = value_end;
    }
    return out;
}

}  // namespace

bool SecretMask::secretName(std::string_view name) {
    const std::string n = toLowerAscii(name);
    for (std::string_view word : {"password", "passwd", "token", "secret", "key"}) {
        if (n.find(word) != std::string::npos)
            return true;
    }
    return false;
}

void SecretMask::add(std::string_view secret) {
    if (secret.empty() || secret == kMasked)
        return;
    if (std::find(secrets_.begin(), secrets_.end(), secret) == secrets_.end())
        secrets_.emplace_back(secret);
}

void SecretMask::addContainer(const model::Container& c) {
    if (c.registry_auth)
        add(c.registry_auth->password);
    for (const auto& [k, v] : c.env) {
        if (secretName(k))
            add(v);
    }
}

void SecretMask::addHost(const model::Host& host) {
    for (const auto& i : host.interfaces) {
        if (!i.bmc)
            continue;
        add(i.bmc->password);
        if (i.bmc->container)
            addContainer(*i.bmc->container);
    }
}

void SecretMask::addSite(const model::Site& site) {
    if (site.config)
        add(site.config->token);
}

void SecretMask::addBoot(const model::Boot& boot) {
    for (const auto& c : boot.validate)
        addContainer(c);
    for (const auto& c : boot.before_shutdown)
        addContainer(c);
}

std::string SecretMask::apply(std::string_view text) const {
    std::string s(text);
    // Longest first, so a secret that contains another is replaced whole.
    std::vector<const std::string*> order;
    for (const auto& secret : secrets_)
        order.push_back(&secret);
    std::sort(order.begin(), order.end(),
              [](const std::string* a, const std::string* b) { return a->size() > b->size(); });
    for (const std::string* secret : order) {
        size_t at = 0;
        while ((at = s.find(*secret, at)) != std::string::npos) {
            s.replace(at, secret->size(), kMasked);
            at += kMasked.size();
        }
    }
    std::string out;
    out.reserve(s.size());
    size_t start = 0;
    while (start <= s.size()) {
        size_t nl = s.find('\n', start);
        const bool last = nl == std::string::npos;
        if (last)
            nl = s.size();
        out += maskSecretFields(std::string_view(s).substr(start, nl - start));
        if (last)
            break;
        out += '\n';
        start = nl + 1;
    }
    return out;
}

}  // namespace vq::plan
