#pragma once
// Everything of a model snapshot that can be prepared before the first request: every
// template parsed once (each asset type's assets together with that type's snippets, so
// {{template "x"}} finds the snippets' {{define}}s; every kernel, initrd and cmdline value
// of every OS), and the host-independent parts of the dot. Immutable once built, shared
// by all request threads together with the model it was built from.

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "model/model.h"
#include "render/dot.h"
#include "tmpl/template.h"

namespace vq::render {

class CompiledModel {
public:
    // `options` decide missing keys: default when serving, error when validating.
    static std::shared_ptr<const CompiledModel> build(std::shared_ptr<const model::Model> model,
                                                      tmpl::Options options = {});

    const model::Model& model() const { return *model_; }
    const std::shared_ptr<const model::Model>& modelPtr() const { return model_; }

    const SiteDot* siteDot(const model::Site& site) const;
    const tmpl::Value* bootBase(const model::Boot& boot) const;

    // Names of OS templates.
    static std::string kernelName(const model::Os& os);
    // The same names, built once per snapshot (no formatting per request); null for an OS
    // not of this model.
    struct OsNames {
        std::string kernel;
        std::vector<std::string> initrds;
        std::vector<std::vector<std::string>> cmdline;  // [entry][value]
    };
    const OsNames* osNames(const model::Os& os) const;
    static std::string initrdName(const model::Os& os, size_t i);
    static std::string cmdlineName(const model::Os& os, size_t entry, size_t value);

    // Renders an OS template by name (see the name helpers).
    Result<std::string> renderOs(std::string_view name,
                                 const tmpl::Value& dot,
                                 const tmpl::FuncMap* overrides) const;
    // Renders assets/<type>/<name>.
    Result<std::string> renderAsset(std::string_view type,
                                    std::string_view name,
                                    const tmpl::Value& dot,
                                    const tmpl::FuncMap* overrides) const;

    // Functions every template may call; Checkpoint is replaced per request.
    static tmpl::FuncMap baseFuncs();
    static tmpl::FuncMap checkpointOverride(std::string url);

private:
    CompiledModel() = default;
    std::shared_ptr<const model::Model> model_;
    tmpl::TemplateSet os_set_;
    std::map<std::string, tmpl::TemplateSet, std::less<>> asset_sets_;  // by type
    std::map<std::string, std::string, std::less<>> parse_errors_;      // template -> error
    std::map<const model::Site*, SiteDot> site_dots_;
    std::map<const model::Boot*, tmpl::Value> boot_bases_;
    std::map<const model::Os*, OsNames> os_names_;
};

}  // namespace vq::render
