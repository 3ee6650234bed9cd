#include "render/compiled.h"

#include <utility>

#include <fmt/format.h>

namespace vq::render {
namespace {

std::string assetKey(std::string_view type, std::string_view name) {
    return fmt::format("assets/{}/{}", type, name);
}

}  // namespace

tmpl::FuncMap CompiledModel::baseFuncs() {
    tmpl::FuncMap funcs;
    funcs.emplace("Checkpoint", [](std::span<const tmpl::Value>) -> Result<tmpl::Value> {
        return tmpl::Value("http://checkpoint.invalid/");
    });
    return funcs;
}

tmpl::FuncMap CompiledModel::checkpointOverride(std::string url) {
    tmpl::FuncMap funcs;
    funcs.emplace("Checkpoint",
                  [url = std::move(url)](std::span<const tmpl::Value>) -> Result<tmpl::Value> {
                      return tmpl::Value(url);
                  });
    return funcs;
}

std::string CompiledModel::kernelName(const model::Os& os) {
    return fmt::format("os/{}/kernel", os.id);
}
std::string CompiledModel::initrdName(const model::Os& os, size_t i) {
    return fmt::format("os/{}/initrd[{}]", os.id, i);
}
std::string CompiledModel::cmdlineName(const model::Os& os, size_t entry, size_t value) {
    return fmt::format("os/{}/cmdline[{}][{}]", os.id, entry, value);
}

std::shared_ptr<const CompiledModel> CompiledModel::build(std::shared_ptr<const model::Model> model,
                                                          tmpl::Options options) {
    auto c = std::shared_ptr<CompiledModel>(new CompiledModel());
    c->model_ = std::move(model);
    c->os_set_ = tmpl::TemplateSet(options, baseFuncs());
    const model::Model& m = *c->model_;

    auto parse = [&c](tmpl::TemplateSet& set, const std::string& name, std::string_view text) {
        Status s = set.parse(name, text);
        if (!s)
            c->parse_errors_.insert_or_assign(name, s.message());
    };
    for (const auto& os : m.oses()) {
        OsNames names;
        names.kernel = kernelName(os);
        parse(c->os_set_, names.kernel, os.kernel);
        for (size_t i = 0; i < os.initrd.size(); ++i) {
            names.initrds.push_back(initrdName(os, i));
            parse(c->os_set_, names.initrds.back(), os.initrd[i]);
        }
        for (size_t e = 0; e < os.cmdline.size(); ++e) {
            names.cmdline.emplace_back();
            for (size_t v = 0; v < os.cmdline[e].values.size(); ++v) {
                names.cmdline.back().push_back(cmdlineName(os, e, v));
                parse(c->os_set_, names.cmdline.back().back(), os.cmdline[e].values[v]);
            }
        }
        c->os_names_.emplace(&os, std::move(names));
    }
    for (std::string_view type : {"cloud-config", "ignition", "kickstart", "untyped"}) {
        const auto& assets = m.assets(type);
        const auto& snippets = m.snippets(type);
        if (assets.empty() && snippets.empty())
            continue;
        tmpl::TemplateSet set(options, baseFuncs());
        // Snippets first so that assets may use their {{define}}s; named by path so a
        // snippet file never shadows an asset of the same file name.
        for (const auto& s : snippets)
            parse(set, s.path, s.text);
        for (const auto& a : assets) {
            Status st = set.parse(assetKey(type, a.name), a.text);
            if (!st)
                c->parse_errors_.insert_or_assign(assetKey(type, a.name), st.message());
        }
        c->asset_sets_.emplace(std::string(type), std::move(set));
    }
    for (const auto& site : m.sites())
        c->site_dots_.emplace(&site, SiteDot(site));
    for (const auto& boot : m.boots()) {
        c->boot_bases_.emplace(&boot, render::bootBase(boot, m.os(boot.operating_system)));
    }
    return c;
}

const SiteDot* CompiledModel::siteDot(const model::Site& site) const {
    auto it = site_dots_.find(&site);
    return it == site_dots_.end() ? nullptr : &it->second;
}

const CompiledModel::OsNames* CompiledModel::osNames(const model::Os& os) const {
    auto it = os_names_.find(&os);
    return it == os_names_.end() ? nullptr : &it->second;
}

const tmpl::Value* CompiledModel::bootBase(const model::Boot& boot) const {
    auto it = boot_bases_.find(&boot);
    return it == boot_bases_.end() ? nullptr : &it->second;
}

Result<std::string> CompiledModel::renderOs(std::string_view name,
                                            const tmpl::Value& dot,
                                            const tmpl::FuncMap* overrides) const {
    if (!parse_errors_.empty()) {
        if (auto it = parse_errors_.find(name); it != parse_errors_.end())
            return Result<std::string>::error(it->second);
    }
    return os_set_.execute(name, dot, overrides);
}

Result<std::string> CompiledModel::renderAsset(std::string_view type,
                                               std::string_view name,
                                               const tmpl::Value& dot,
                                               const tmpl::FuncMap* overrides) const {
    const std::string key = assetKey(type, name);
    if (auto it = parse_errors_.find(key); it != parse_errors_.end()) {
        return Result<std::string>::error(it->second);
    }
    auto set = asset_sets_.find(type);
    if (set == asset_sets_.end() || !set->second.has(key)) {
        return Result<std::string>::error(fmt::format("no asset {}", key));
    }
    return set->second.execute(key, dot, overrides);
}

}  // namespace vq::render
