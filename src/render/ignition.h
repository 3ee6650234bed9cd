#pragma once
// Ignition assets are written in YAML, in the dialect of CoreOS's fuze / Container Linux
// Config, and served as Ignition JSON (spec 2.0): snake_case keys become camelCase, inline
// file contents become data: URLs, remote contents become sources, `arrays` becomes `raid`,
// and `ignition.version` is set. Assets already written as Ignition JSON pass through.
//
// The translation follows the schema so scalars get Ignition's types (YAML 1.1 rules as
// go-yaml applied them: `0644` is octal, `yes` is true), and it reports every place where
// the document does not fit the schema, with the YAML line, for `validate`.

#include <string>
#include <string_view>
#include <vector>

namespace vq::render {

inline constexpr std::string_view kIgnitionVersion = "2.0.0";

struct ConfigIssue {
    bool error = true;  // false: a warning (e.g. a key Ignition ignores)
    int line = 0;       // 1-based line in the rendered text; 0 when unknown
    int col = 0;
    std::string path;  // e.g. "systemd.units[0].enable"
    std::string message;
};

struct IgnitionResult {
    std::string json;  // the served bytes; empty when the text is not usable at all
    std::vector<ConfigIssue> issues;
    bool ok() const;  // no error-level issue
};

// Translates a rendered Ignition asset (YAML or JSON) into the JSON that is served.
IgnitionResult translateIgnition(std::string_view rendered);

// RFC 2397 data URL of `bytes`, escaped as Ignition's config transpilers did ("data:,...").
std::string dataUrl(std::string_view bytes);

// "ssh_authorized_keys" -> "sshAuthorizedKeys".
std::string snakeToCamel(std::string_view key);

}  // namespace vq::render
