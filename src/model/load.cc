#include "model/load.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <system_error>

#include <fmt/format.h>

#include "model/decode.h"
#include "model/template_check.h"
#include "model/validate.h"
#include "model/yaml_tree.h"

namespace vq::model {
namespace {

constexpr size_t kMaxFileBytes = 64u << 20;
constexpr size_t kMaxFiles = 1u << 20;
constexpr std::string_view kAssetTypes[] = {"cloud-config", "ignition", "kickstart", "untyped"};

bool isYaml(std::string_view path) {
    return path.ends_with(".yml") || path.ends_with(".yaml");
}

std::vector<std::string_view> splitPath(std::string_view p) {
    std::vector<std::string_view> parts;
    size_t start = 0;
    while (start <= p.size()) {
        size_t slash = p.find('/', start);
        if (slash == std::string_view::npos)
            slash = p.size();
        if (slash > start)
            parts.push_back(p.substr(start, slash - start));
        start = slash + 1;
    }
    return parts;
}

std::string joinFrom(const std::vector<std::string_view>& parts, size_t from) {
    std::string out;
    for (size_t i = from; i < parts.size(); ++i) {
        if (!out.empty())
            out += '/';
        out += parts[i];
    }
    return out;
}

struct SiteFiles {
    std::vector<const SotFile*> env;
    std::vector<const SotFile*> inventory;
};

// Parses a YAML file, reporting a syntax error; returns the documents read before it.
std::vector<YamlDoc> parseFile(const SotFile& f, Diagnostics& diags, bool* failed = nullptr) {
    YamlFile parsed = parseYaml(f.data);
    if (failed)
        *failed = parsed.error.has_value();
    if (parsed.error) {
        diags.error(f.path, std::max(parsed.error->line, 1), std::max(parsed.error->col, 1), "",
                    "YAML syntax error: " + parsed.error->message);
    }
    return std::move(parsed.docs);
}

bool emptyDoc(const YamlDoc& doc) {
    return doc.root() == YamlDoc::kNone || doc.isNull(doc.root());
}

// A file's share of a load, from the cache when its bytes are unchanged.
class FileParser {
public:
    explicit FileParser(ParsedSotCache* cache) : cache_(cache), load_(cache) {}

    template <typename Decode>
    std::shared_ptr<const ParsedSotFile> get(const SotFile& f, Decode decode) {
        if (auto hit = load_.find(f.path, f.data)) {
            load_.keep(f.path, hit, true);
            return hit;
        }
        auto parsed = std::make_shared<ParsedSotFile>();
        Diagnostics diags;
        decode(f, *parsed, diags);
        parsed->diagnostics = diags.take();
        if (cache_ != nullptr)
            parsed->data = f.data;
        load_.keep(f.path, parsed, false);
        return parsed;
    }

    ParsedSotCacheLoad& cacheLoad() { return load_; }

private:
    ParsedSotCache* cache_;
    ParsedSotCacheLoad load_;
};

enum class DefKind { Os, Boot, Workflow };

void decodeDefs(const SotFile& f, DefKind kind, ParsedSotFile& out, Diagnostics& diags) {
    const auto docs = parseFile(f, diags);
    for (const YamlDoc& doc : docs) {
        if (emptyDoc(doc))
            continue;
        DecodeCtx ctx{f.path, doc, diags};
        switch (kind) {
            case DefKind::Os:
                out.oses.push_back(decodeOs(ctx, doc.root()));
                break;
            case DefKind::Boot:
                out.boots.push_back(decodeBoot(ctx, doc.root()));
                break;
            case DefKind::Workflow:
                out.workflows.push_back(decodeWorkflow(ctx, doc.root()));
                break;
        }
    }
}

void decodeEnvFile(const SotFile& f, ParsedSotFile& out, Diagnostics& diags) {
    bool syntax_error = false;
    const auto env_docs = parseFile(f, diags, &syntax_error);
    const YamlDoc* env_doc = nullptr;
    for (const auto& d : env_docs) {
        if (emptyDoc(d))
            continue;
        if (env_doc) {
            diags.error(f.path, d.line(), 1, "", "env.yml holds one document; this one is ignored");
            break;
        }
        env_doc = &d;
    }
    if (env_doc) {
        out.env = decodeEnv(DecodeCtx{f.path, *env_doc, diags}, env_doc->root());
    } else if (!syntax_error) {
        diags.error(f.path, 1, 1, "", "env.yml is empty");
    }
}

void decodeInventory(const SotFile& f, ParsedSotFile& out, Diagnostics& diags) {
    const auto docs = parseFile(f, diags);
    bool first = true;
    for (const YamlDoc& doc : docs) {
        if (emptyDoc(doc))
            continue;
        DecodeCtx ctx{f.path, doc, diags};
        const uint32_t root = doc.root();
        const bool was_first = first;
        first = false;
        if (doc.isMap(root) && doc.find(root, "config") != YamlDoc::kNone &&
            doc.node(root).count == 1) {
            if (!was_first)
                ctx.warning(root, "config",
                            "a cluster `config:` document belongs first in its file");
            SotConfig c = decodeSotConfig(ctx, doc.find(root, "config"), "config");
            if (!out.config)
                out.config = std::move(c);
            continue;
        }
        if (doc.isMap(root) && doc.find(root, "host_group") != YamlDoc::kNone) {
            ctx.error(root, "host_group",
                      "host groups are the layout of Vaquero v0.9 and earlier: write one host "
                      "per document with `workflow: <id>` (or `boot: <id>` plus `hosts:` with "
                      "selectors)");
            continue;
        }
        if (doc.isMap(root) && doc.find(root, "hosts") != YamlDoc::kNone) {
            decodeSeedGroup(ctx, root, out.hosts);
            continue;
        }
        if (auto h = decodeHost(ctx, root, ""))
            out.hosts.push_back(std::move(*h));
    }
}

class Loader {
public:
    Loader(const LoadOptions& options, Diagnostics& diags, ParsedSotCache* cache)
        : options_(options), diags_(diags), parser_(cache) {}

    void run(const std::vector<SotFile>& files) {
        classify(files);
        for (const SotFile* f : os_files_)
            loadDefs(*f, DefKind::Os);
        for (const SotFile* f : boot_files_)
            loadDefs(*f, DefKind::Boot);
        for (const SotFile* f : workflow_files_)
            loadDefs(*f, DefKind::Workflow);
        loadSites();
    }

    ModelBuilder builder;

private:
    void classify(const std::vector<SotFile>& files) {
        std::set<std::string> warned_types;
        bool host_groups = false;
        for (const SotFile& f : files) {
            const auto parts = splitPath(f.path);
            if (parts.size() < 2)
                continue;  // README.md, .drone.yml, ...
            const std::string_view top = parts[0];
            if (top == "assets" && parts.size() >= 3) {
                const std::string type(parts[1]);
                if (std::find(std::begin(kAssetTypes), std::end(kAssetTypes), type) ==
                    std::end(kAssetTypes)) {
                    if (warned_types.insert(type).second) {
                        diags_.warning(f.path, 0, 0, "",
                                       fmt::format("unknown asset type directory \"{}\" (expected "
                                                   "cloud-config, ignition, kickstart or untyped)",
                                                   type));
                    }
                }
                if (parts[2] == "snippets" && parts.size() >= 4) {
                    builder.snippets.push_back(Asset{type, joinFrom(parts, 3), f.path, f.data});
                } else {
                    builder.assets.push_back(Asset{type, joinFrom(parts, 2), f.path, f.data});
                }
            } else if (top == "os" && isYaml(f.path)) {
                os_files_.push_back(&f);
            } else if (top == "boot" && isYaml(f.path)) {
                boot_files_.push_back(&f);
            } else if (top == "workflows" && isYaml(f.path)) {
                workflow_files_.push_back(&f);
            } else if (top == "sites" && parts.size() >= 3 && isYaml(f.path)) {
                auto& site = sites_[std::string(parts[1])];
                const bool is_env =
                    parts.size() == 3 && (parts[2] == "env.yml" || parts[2] == "env.yaml");
                (is_env ? site.env : site.inventory).push_back(&f);
            } else if (top == "host_groups" && !host_groups) {
                host_groups = true;
                diags_.error(f.path, 0, 0, "",
                             "host_groups/ is the layout of Vaquero v0.9 and earlier, which this "
                             "version does not load: move each host group into boot/ (the OS and "
                             "unattended config) plus workflows/ (a list of boots), and point "
                             "every host at its workflow with `workflow: <id>`");
            }
        }
    }

    void report(const ParsedSotFile& parsed) {
        for (const auto& d : parsed.diagnostics)
            diags_.add(d);
    }

    void loadDefs(const SotFile& f, DefKind kind) {
        auto parsed =
            parser_.get(f, [kind](const SotFile& file, ParsedSotFile& out, Diagnostics& diags) {
                decodeDefs(file, kind, out, diags);
            });
        report(*parsed);
        builder.oses.insert(builder.oses.end(), parsed->oses.begin(), parsed->oses.end());
        builder.boots.insert(builder.boots.end(), parsed->boots.begin(), parsed->boots.end());
        builder.workflows.insert(builder.workflows.end(), parsed->workflows.begin(),
                                 parsed->workflows.end());
    }

    void loadSites() {
        bool matched = options_.site.empty();
        for (auto& [dir, files] : sites_) {
            if (files.env.empty()) {
                const SotFile* first = files.inventory.front();
                if (!options_.site.empty() && options_.site != dir)
                    continue;
                diags_.error(
                    first->path, 0, 0, "",
                    fmt::format("site \"{}\" has no env.yml (sites/{}/env.yml is required)", dir,
                                dir));
                continue;
            }
            if (files.env.size() > 1) {
                diags_.error(files.env[1]->path, 0, 0, "",
                             fmt::format("site \"{}\" has both env.yml and env.yaml", dir));
            }
            const SotFile& env_file = *files.env.front();
            auto env = parser_.get(env_file, decodeEnvFile);
            report(*env);
            const std::string site_id = env->env && !env->env->id.empty() ? env->env->id : dir;
            if (!options_.site.empty() && options_.site != dir && options_.site != site_id)
                continue;
            matched = true;
            BuiltSite built;
            built.dir = dir;
            built.inputs.push_back(env);
            for (const SotFile* f : files.inventory) {
                built.inputs.push_back(parser_.get(*f, decodeInventory));
                report(*built.inputs.back());
            }
            if (files.inventory.empty()) {
                diags_.warning(env_file.path, 0, 0, "",
                               fmt::format("site \"{}\" has no inventory (no hosts)", site_id));
            }
            if (const CachedSite* earlier = parser_.cacheLoad().findSite(dir, built.inputs)) {
                built.site = earlier->site;
                built.earlier_checks = earlier->checks;
                built.reused = true;
                builder.sites.push_back(built.site);
                built_.push_back(std::move(built));
                continue;
            }
            Site site = env->env ? *env->env : Site{};
            site.dir = dir;
            site.id = site_id;
            if (site.name.empty())
                site.name = site.id;
            for (size_t i = 1; i < built.inputs.size(); ++i) {
                const ParsedSotFile& inventory = *built.inputs[i];
                if (!site.config && inventory.config)
                    site.config = inventory.config;
                site.hosts.insert(site.hosts.end(), inventory.hosts.begin(), inventory.hosts.end());
            }
            built.site = IndexedSite::make(std::move(site));
            builder.sites.push_back(built.site);
            built_.push_back(std::move(built));
        }
        if (!matched) {
            diags_.error("sites", 0, 0, "",
                         fmt::format("no site \"{}\" in this SoT", options_.site));
        }
    }

public:
    // Checks each site of the built model, or takes an earlier load's checks of the very same
    // site while they still hold, and leaves the sites in the cache.
    void checkSites(const Model& m) {
        for (BuiltSite& b : built_) {
            std::shared_ptr<const SiteChecks> checks = b.earlier_checks;
            const bool recheck = !checks || !checks->stillTrueOf(m);
            if (recheck)
                checks = checkSite(m, b.site->site());
            for (const auto& d : checks->diagnostics)
                diags_.add(d);
            parser_.cacheLoad().keepSite(b.dir, CachedSite{std::move(b.inputs), b.site, checks},
                                         b.reused, b.reused && recheck);
        }
    }

private:
    struct BuiltSite {
        std::string dir;
        std::vector<std::shared_ptr<const ParsedSotFile>> inputs;  // env, then inventories
        std::shared_ptr<const IndexedSite> site;
        std::shared_ptr<const SiteChecks> earlier_checks;
        bool reused = false;
    };

    const LoadOptions& options_;
    Diagnostics& diags_;
    FileParser parser_;
    std::vector<BuiltSite> built_;
    std::vector<const SotFile*> os_files_, boot_files_, workflow_files_;
    std::map<std::string, SiteFiles> sites_;
};

}  // namespace

bool LoadResult::hasErrors() const {
    return errorCount() > 0;
}

size_t LoadResult::errorCount() const {
    return static_cast<size_t>(
        std::count_if(diagnostics.begin(), diagnostics.end(),
                      [](const Diagnostic& d) { return d.severity == Severity::Error; }));
}

size_t LoadResult::warningCount() const {
    return diagnostics.size() - errorCount();
}

LoadResult loadSotFiles(const std::vector<SotFile>& files, const LoadOptions& options) {
    return loadSotFiles(files, options, nullptr);
}

LoadResult loadSotFiles(const std::vector<SotFile>& files,
                        const LoadOptions& options,
                        ParsedSotCache* cache) {
    LoadResult result;
    result.files = files.size();
    Diagnostics diags;
    try {
        Loader loader(options, diags, cache);
        loader.run(files);
        if (!std::any_of(files.begin(), files.end(),
                         [](const SotFile& f) { return f.path.starts_with("sites/"); })) {
            diags.error("sites", 0, 0, "", "no sites/ directory: a SoT needs sites/<site>/env.yml");
        }
        result.model = loader.builder.build();
        validateDefinitions(*result.model, diags);
        checkDefinitionTemplates(*result.model, diags);
        loader.checkSites(*result.model);
    } catch (const std::exception& e) {
        // Only resource exhaustion can get here; report it rather than crash.
        diags.error("", 0, 0, "", fmt::format("internal error while loading: {}", e.what()));
    }
    result.diagnostics = diags.take();
    sortDiagnostics(result.diagnostics);
    return result;
}

bool readSotDir(const std::filesystem::path& root, std::vector<SotFile>& out, std::string& error) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_directory(root, ec)) {
        error = fmt::format("{}: not a directory", root.string());
        return false;
    }
    fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
    if (ec) {
        error = fmt::format("{}: {}", root.string(), ec.message());
        return false;
    }
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) {
            error = fmt::format("{}: {}", root.string(), ec.message());
            return false;
        }
        const std::string name = it->path().filename().string();
        if (!name.empty() && name[0] == '.') {
            if (it->is_directory(ec))
                it.disable_recursion_pending();
            continue;
        }
        if (!it->is_regular_file(ec))
            continue;
        if (out.size() >= kMaxFiles) {
            error = fmt::format("{}: more than {} files", root.string(), kMaxFiles);
            return false;
        }
        const auto size = it->file_size(ec);
        SotFile f;
        f.path = it->path().lexically_relative(root).generic_string();
        if (!ec && size > kMaxFileBytes) {
            error = fmt::format("{}: larger than {} bytes", f.path, kMaxFileBytes);
            return false;
        }
        std::ifstream in(it->path(), std::ios::binary);
        if (!in) {
            error = fmt::format("{}: cannot read", f.path);
            return false;
        }
        // In blocks, not a character at a time: a 100,000-host SoT is read on every reload.
        // The size is a hint only (a file may change while read): read until the end.
        f.data.reserve(ec ? 0 : static_cast<size_t>(size));
        char block[1 << 16];
        while (in.read(block, sizeof block) || in.gcount() > 0) {
            f.data.append(block, static_cast<size_t>(in.gcount()));
            if (f.data.size() > kMaxFileBytes) {
                error = fmt::format("{}: larger than {} bytes", f.path, kMaxFileBytes);
                return false;
            }
        }
        out.push_back(std::move(f));
    }
    std::sort(out.begin(), out.end(),
              [](const SotFile& a, const SotFile& b) { return a.path < b.path; });
    return true;
}

LoadResult loadSot(const std::filesystem::path& root, const LoadOptions& options) {
    return loadSot(root, options, nullptr);
}

LoadResult loadSot(const std::filesystem::path& root,
                   const LoadOptions& options,
                   ParsedSotCache* cache) {
    std::vector<SotFile> files;
    std::string error;
    if (!readSotDir(root, files, error)) {
        LoadResult r;
        r.io_failure = true;
        r.diagnostics.push_back(Diagnostic{root.string(), 0, 0, Severity::Error, "", error});
        return r;
    }
    return loadSotFiles(files, options, cache);
}

}  // namespace vq::model
