#include "render/ignition.h"

#include <cctype>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "render/yaml_scalar.h"

namespace vq::render {
namespace {

using Json = nlohmann::ordered_json;

enum class Kind { String, Bool, Int, Object, List, Contents };

struct Type;
struct Field {
    std::string_view yaml;  // key as written in the YAML dialect
    std::string_view json;  // key in Ignition JSON
    const Type* type;
};
struct Type {
    Type(Kind k, const Type* e = nullptr, std::vector<Field> f = {})
        : kind(k), elem(e), fields(std::move(f)) {}
    Kind kind;
    const Type* elem;           // List
    std::vector<Field> fields;  // Object
};

// Ignition spec 2.0.0, with the YAML spellings the config transpilers accepted.
struct Schema {
    Type str{Kind::String}, boolean{Kind::Bool}, integer{Kind::Int};
    Type str_list{Kind::List, &str};
    Type verification{Kind::Object, nullptr, {{"hash", "hash", &str}}};
    Type config_ref{Kind::Object,
                    nullptr,
                    {{"source", "source", &str}, {"verification", "verification", &verification}}};
    Type config_ref_list{Kind::List, &config_ref};
    Type ign_config{Kind::Object,
                    nullptr,
                    {{"append", "append", &config_ref_list}, {"replace", "replace", &config_ref}}};
    Type ignition{
        Kind::Object, nullptr, {{"version", "version", &str}, {"config", "config", &ign_config}}};
    Type partition{Kind::Object,
                   nullptr,
                   {{"label", "label", &str},
                    {"number", "number", &integer},
                    {"size", "size", &integer},
                    {"start", "start", &integer},
                    {"type_guid", "typeGuid", &str}}};
    Type partition_list{Kind::List, &partition};
    Type disk{Kind::Object,
              nullptr,
              {{"device", "device", &str},
               {"wipe_table", "wipeTable", &boolean},
               {"partitions", "partitions", &partition_list}}};
    Type disk_list{Kind::List, &disk};
    Type raid{Kind::Object,
              nullptr,
              {{"name", "name", &str},
               {"level", "level", &str},
               {"devices", "devices", &str_list},
               {"spares", "spares", &integer}}};
    Type raid_list{Kind::List, &raid};
    Type create{
        Kind::Object, nullptr, {{"force", "force", &boolean}, {"options", "options", &str_list}}};
    Type mount{
        Kind::Object,
        nullptr,
        {{"device", "device", &str}, {"format", "format", &str}, {"create", "create", &create}}};
    Type filesystem{Kind::Object,
                    nullptr,
                    {{"name", "name", &str}, {"mount", "mount", &mount}, {"path", "path", &str}}};
    Type filesystem_list{Kind::List, &filesystem};
    Type contents{Kind::Contents};
    Type id{Kind::Object, nullptr, {{"id", "id", &integer}}};
    Type file{Kind::Object,
              nullptr,
              {{"filesystem", "filesystem", &str},
               {"path", "path", &str},
               {"contents", "contents", &contents},
               {"mode", "mode", &integer},
               {"user", "user", &id},
               {"group", "group", &id}}};
    Type file_list{Kind::List, &file};
    Type storage{Kind::Object,
                 nullptr,
                 {{"disks", "disks", &disk_list},
                  {"arrays", "raid", &raid_list},
                  {"raid", "raid", &raid_list},
                  {"filesystems", "filesystems", &filesystem_list},
                  {"files", "files", &file_list}}};
    Type dropin{Kind::Object, nullptr, {{"name", "name", &str}, {"contents", "contents", &str}}};
    Type dropin_list{Kind::List, &dropin};
    Type unit{Kind::Object,
              nullptr,
              {{"name", "name", &str},
               {"enable", "enable", &boolean},
               {"enabled", "enable", &boolean},
               {"mask", "mask", &boolean},
               {"contents", "contents", &str},
               {"dropins", "dropins", &dropin_list}}};
    Type unit_list{Kind::List, &unit};
    Type systemd{Kind::Object, nullptr, {{"units", "units", &unit_list}}};
    Type net_unit{Kind::Object, nullptr, {{"name", "name", &str}, {"contents", "contents", &str}}};
    Type net_unit_list{Kind::List, &net_unit};
    Type networkd{Kind::Object, nullptr, {{"units", "units", &net_unit_list}}};
    Type user_create{Kind::Object,
                     nullptr,
                     {{"uid", "uid", &integer},
                      {"gecos", "gecos", &str},
                      {"home_dir", "homeDir", &str},
                      {"no_create_home", "noCreateHome", &boolean},
                      {"primary_group", "primaryGroup", &str},
                      {"groups", "groups", &str_list},
                      {"no_user_group", "noUserGroup", &boolean},
                      {"system", "system", &boolean},
                      {"no_log_init", "noLogInit", &boolean},
                      {"shell", "shell", &str}}};
    Type user{Kind::Object,
              nullptr,
              {{"name", "name", &str},
               {"password_hash", "passwordHash", &str},
               {"ssh_authorized_keys", "sshAuthorizedKeys", &str_list},
               {"create", "create", &user_create}}};
    Type user_list{Kind::List, &user};
    Type group{Kind::Object,
               nullptr,
               {{"name", "name", &str},
                {"gid", "gid", &integer},
                {"password_hash", "passwordHash", &str},
                {"system", "system", &boolean}}};
    Type group_list{Kind::List, &group};
    Type passwd{
        Kind::Object, nullptr, {{"users", "users", &user_list}, {"groups", "groups", &group_list}}};
    Type root{Kind::Object,
              nullptr,
              {{"ignition", "ignition", &ignition},
               {"storage", "storage", &storage},
               {"systemd", "systemd", &systemd},
               {"networkd", "networkd", &networkd},
               {"passwd", "passwd", &passwd}}};
};

const Schema& schema() {
    static const Schema s;
    return s;
}

class Translator {
public:
    explicit Translator(std::vector<ConfigIssue>& issues) : issues_(issues) {}

    // Returns false when the node does not fit; `out` is then left null.
    bool convert(const YAML::Node& node, const Type& type, const std::string& path, Json& out) {
        switch (type.kind) {
            case Kind::String:
                if (!node.IsScalar())
                    return mismatch(node, path, "a string");
                out = node.Scalar();
                return true;
            case Kind::Bool: {
                auto s = resolveYamlScalar(node);
                if (!node.IsScalar() || s.kind != YamlScalarKind::Bool) {
                    return mismatch(node, path, "a boolean");
                }
                out = s.boolean;
                return true;
            }
            case Kind::Int: {
                auto s = resolveYamlScalar(node);
                if (!node.IsScalar() || s.kind != YamlScalarKind::Int) {
                    return mismatch(node, path, "an integer");
                }
                out = s.integer;
                return true;
            }
            case Kind::List: {
                if (!node.IsSequence())
                    return mismatch(node, path, "a list");
                out = Json::array();
                for (size_t i = 0; i < node.size(); ++i) {
                    const YAML::Node item = node[i];
                    if (item.IsNull())
                        continue;
                    Json v;
                    if (convert(item, *type.elem, fmt::format("{}[{}]", path, i), v)) {
                        out.push_back(std::move(v));
                    }
                }
                return true;
            }
            case Kind::Object:
                return convertObject(node, type, path, out);
            case Kind::Contents:
                return convertContents(node, path, out);
        }
        return false;
    }

    void issue(bool error, const YAML::Node& node, std::string path, std::string message) {
        ConfigIssue i;
        i.error = error;
        if (node.IsDefined()) {
            i.line = node.Mark().line + 1;
            i.col = node.Mark().column + 1;
        }
        i.path = std::move(path);
        i.message = std::move(message);
        issues_.push_back(std::move(i));
    }

private:
    bool mismatch(const YAML::Node& node, const std::string& path, std::string_view want) {
        issue(true, node, path, fmt::format("expected {}", want));
        return false;
    }

    static std::string join(const std::string& path, std::string_view key) {
        return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
    }

    bool convertObject(const YAML::Node& node,
                       const Type& type,
                       const std::string& path,
                       Json& out) {
        if (!node.IsMap())
            return mismatch(node, path, "a map");
        out = Json::object();
        for (const auto& kv : node) {
            const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
            const Field* field = nullptr;
            for (const auto& f : type.fields) {
                if (f.yaml == key || f.json == key) {
                    field = &f;
                    break;
                }
            }
            const std::string sub = join(path, key);
            if (field == nullptr) {
                issue(false, kv.first, sub, "unknown key, not part of Ignition 2.0 (dropped)");
                continue;
            }
            if (kv.second.IsNull())
                continue;
            Json v;
            if (convert(kv.second, *field->type, sub, v)) {
                out[std::string(field->json)] = std::move(v);
            }
        }
        return true;
    }

    // `contents` of a file: {inline: TEXT} or {remote: {url, compression, verification:
    // {hash: {function, sum}}}} in the YAML dialect; {source, compression, verification}
    // in Ignition.
    bool convertContents(const YAML::Node& node, const std::string& path, Json& out) {
        if (!node.IsMap())
            return mismatch(node, path, "a map with `inline` or `remote`");
        out = Json::object();
        for (const auto& kv : node) {
            const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
            const std::string sub = join(path, key);
            const YAML::Node& v = kv.second;
            if (key == "inline") {
                if (!v.IsScalar() && !v.IsNull()) {
                    mismatch(v, sub, "a string");
                    continue;
                }
                out["source"] = dataUrl(v.IsNull() ? std::string() : v.Scalar());
            } else if (key == "source" || key == "compression") {
                Json s;
                if (convert(v, schema().str, sub, s))
                    out[key] = std::move(s);
            } else if (key == "verification") {
                Json s;
                if (convert(v, schema().verification, sub, s))
                    out[key] = std::move(s);
            } else if (key == "remote") {
                convertRemote(v, sub, out);
            } else {
                issue(false, kv.first, sub, "unknown key, not part of Ignition 2.0 (dropped)");
            }
        }
        if (!out.contains("source")) {
            issue(true, node, path, "file contents need `inline` or `remote.url`");
        }
        return true;
    }

    void convertRemote(const YAML::Node& node, const std::string& path, Json& out) {
        if (!node.IsMap()) {
            mismatch(node, path, "a map");
            return;
        }
        for (const auto& kv : node) {
            const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
            const std::string sub = join(path, key);
            if (key == "url") {
                Json s;
                if (convert(kv.second, schema().str, sub, s))
                    out["source"] = std::move(s);
            } else if (key == "compression") {
                Json s;
                if (convert(kv.second, schema().str, sub, s))
                    out["compression"] = std::move(s);
            } else if (key == "verification") {
                auto hash = mapChild(kv.second, "hash");
                auto function = hash ? mapChild(*hash, "function") : std::nullopt;
                auto sum = hash ? mapChild(*hash, "sum") : std::nullopt;
                if (!function || !sum || !function->IsScalar() || !sum->IsScalar()) {
                    mismatch(kv.second, sub, "a map {hash: {function, sum}}");
                    continue;
                }
                out["verification"] =
                    Json::object({{"hash", function->Scalar() + "-" + sum->Scalar()}});
            } else {
                issue(false, kv.first, sub, "unknown key, not part of Ignition 2.0 (dropped)");
            }
        }
    }

    std::vector<ConfigIssue>& issues_;
};

// The transpilers put every file on the root filesystem unless told otherwise.
void defaultFilesystems(Json& doc) {
    auto storage = doc.find("storage");
    if (storage == doc.end())
        return;
    auto files = storage->find("files");
    if (files == storage->end() || !files->is_array())
        return;
    for (auto& f : *files) {
        if (f.is_object() && !f.contains("filesystem"))
            f["filesystem"] = "root";
    }
}

IgnitionResult passThroughJson(std::string_view rendered) {
    IgnitionResult r;
    Json doc = Json::parse(rendered.begin(), rendered.end(), nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded() || !doc.is_object()) {
        r.issues.push_back({true, 0, 0, "", "not a valid JSON object"});
        return r;
    }
    auto ign = doc.find("ignition");
    if (ign == doc.end() || !ign->is_object() || !ign->contains("version") ||
        !(*ign)["version"].is_string()) {
        r.issues.push_back({true, 0, 0, "ignition.version", "missing in an Ignition JSON asset"});
    }
    r.json = std::string(rendered);
    return r;
}

}  // namespace

bool IgnitionResult::ok() const {
    for (const auto& i : issues) {
        if (i.error)
            return false;
    }
    return true;
}

IgnitionResult translateIgnition(std::string_view rendered) {
    size_t first = rendered.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && rendered[first] == '{') {
        return passThroughJson(rendered);
    }
    IgnitionResult r;
    YAML::Node root;
    try {
        root = YAML::Load(std::string(rendered));
    } catch (const YAML::Exception& e) {
        r.issues.push_back(
            {true, e.mark.line + 1, e.mark.column + 1, "", fmt::format("YAML: {}", e.msg)});
        return r;
    }
    Json doc = Json::object();
    doc["ignition"] = Json::object({{"version", kIgnitionVersion}});
    if (root.IsDefined() && !root.IsNull()) {
        Translator t(r.issues);
        Json body;
        try {
            if (t.convert(root, schema().root, "", body)) {
                for (auto& [k, v] : body.items()) {
                    if (k == "ignition") {
                        if (v.contains("version") && v["version"] != kIgnitionVersion) {
                            t.issue(false, *mapChild(root, "ignition"), "ignition.version",
                                    fmt::format("replaced by {}", kIgnitionVersion));
                        }
                        v["version"] = kIgnitionVersion;
                        doc["ignition"] = std::move(v);
                    } else {
                        doc[k] = std::move(v);
                    }
                }
            }
        } catch (const YAML::Exception& e) {
            r.issues.push_back(
                {true, e.mark.line + 1, e.mark.column + 1, "", fmt::format("YAML: {}", e.msg)});
        }
    }
    defaultFilesystems(doc);
    if (r.ok())
        r.json = doc.dump(2) + "\n";
    return r;
}

std::string dataUrl(std::string_view bytes) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out = "data:,";
    out.reserve(out.size() + bytes.size() * 2);
    for (unsigned char c : bytes) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '!' || c == '~' ||
            c == '*' || c == '\'' || c == '(' || c == ')') {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 0xF]);
        }
    }
    return out;
}

std::string snakeToCamel(std::string_view key) {
    std::string out;
    out.reserve(key.size());
    bool upper = false;
    for (char c : key) {
        if (c == '_') {
            upper = !out.empty();
            continue;
        }
        out.push_back(upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c);
        upper = false;
    }
    return out;
}

}  // namespace vq::render
