#pragma once
// Keeps secrets out of a plan's diffs. Two layers: every secret value the SoT gives for a
// host (BMC passwords, registry passwords, container env values and config tokens whose
// names look secret) is replaced wherever it appears, and the value of any `key: value`,
// `key=value` or `"key": "value"` whose key names a password, token, secret or key is
// replaced too, so a secret written straight into a template is caught as well.

#include <string>
#include <string_view>
#include <vector>

#include "model/model.h"

namespace vq::plan {

inline constexpr std::string_view kMasked = "********";

class SecretMask {
public:
    void add(std::string_view secret);
    // BMC credentials of the host's interfaces.
    void addHost(const model::Host& host);
    // Secrets of the site's env (SoT config token).
    void addSite(const model::Site& site);
    // Registry passwords and secret-named env values of the boot's containers.
    void addBoot(const model::Boot& boot);

    std::string apply(std::string_view text) const;

    // True for a field name that names a secret (password, passwd, token, secret, key).
    static bool secretName(std::string_view name);

private:
    void addContainer(const model::Container& c);
    std::vector<std::string> secrets_;  // longest first when applied
};

}  // namespace vq::plan
