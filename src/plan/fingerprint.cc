#include "plan/fingerprint.h"

#include <algorithm>
#include <set>
#include <string_view>

#include "plan/hash.h"
#include "plan/template_refs.h"

namespace vq::plan {
namespace {

constexpr uint64_t kAbsent = 0x9e3779b97f4a7c15ULL;

std::string assetTemplateName(std::string_view type, std::string_view name) {
    std::string s = "assets/";
    s.append(type).append("/").append(name);
    return s;
}

// Every template text of one OS (kernel, initrds, cmdline values).
template <typename Fn>
void forEachOsText(const model::Os& os, Fn&& fn) {
    fn(os.kernel);
    for (const auto& i : os.initrd)
        fn(i);
    for (const auto& e : os.cmdline) {
        for (const auto& v : e.values)
            fn(v);
    }
}

// One asset type's templates: which file defines which name, what each file calls, and
// the closure of an asset over those calls.
class TypeTemplates {
public:
    TypeTemplates(const model::Model& m, std::string_view type) {
        auto add = [this](std::string name, const std::string& path, const std::string& text) {
            File f;
            f.path = path;
            f.text = &text;
            f.refs = scanTemplateRefs(text);
            by_name_[name].push_back(files_.size());
            for (const auto& d : f.refs.defines)
                by_name_[d].push_back(files_.size());
            files_.push_back(std::move(f));
        };
        // Snippets are named by their path, assets by assets/<type>/<name> (render/compiled).
        for (const auto& s : m.snippets(type))
            add(s.path, s.path, s.text);
        for (const auto& a : m.assets(type))
            add(assetTemplateName(type, a.name), a.path, a.text);
    }

    uint64_t closureHash(std::string_view asset_name, std::string_view type) const {
        auto start = by_name_.find(assetTemplateName(type, asset_name));
        if (start == by_name_.end())
            return kAbsent;
        std::set<size_t> reached;
        std::vector<size_t> todo(start->second.begin(), start->second.end());
        bool opaque = false;
        while (!todo.empty() && !opaque) {
            const size_t i = todo.back();
            todo.pop_back();
            if (!reached.insert(i).second)
                continue;
            opaque = files_[i].refs.opaque;
            for (const auto& call : files_[i].refs.calls) {
                auto it = by_name_.find(call);
                if (it != by_name_.end())
                    todo.insert(todo.end(), it->second.begin(), it->second.end());
            }
        }
        Fnv64 h;
        h.field(asset_name);
        for (size_t i = 0; i < files_.size(); ++i) {
            if (opaque || reached.count(i) != 0) {
                h.field(files_[i].path);
                h.field(*files_[i].text);
            }
        }
        return h.digest();
    }

private:
    struct File {
        std::string path;
        const std::string* text = nullptr;
        TemplateRefs refs;
    };
    std::vector<File> files_;
    std::map<std::string, std::vector<size_t>, std::less<>> by_name_;
};

}  // namespace

InputFingerprints::InputFingerprints(const model::Model& model) {
    for (const auto& site : model.sites())
        sites_.emplace(&site, Fnv64().field(site.id).field(site.dir).value(site.raw).digest());

    // OS templates share one template set: if any of them defines or calls a named template,
    // every OS may depend on every other, so each OS hash covers them all.
    bool os_cross = false;
    for (const auto& os : model.oses()) {
        forEachOsText(os, [&os_cross](const std::string& text) {
            const TemplateRefs r = scanTemplateRefs(text);
            os_cross = os_cross || r.opaque || !r.defines.empty() || !r.calls.empty();
        });
    }
    Fnv64 all_oses;
    for (const auto& os : model.oses()) {
        const uint64_t h = Fnv64().field(os.id).value(os.raw).digest();
        oses_.emplace(os.id, h);
        all_oses.number(h);
    }
    if (os_cross) {
        for (auto& [id, h] : oses_)
            h = all_oses.digest();
    }

    for (std::string_view type : {"cloud-config", "ignition", "kickstart", "untyped"}) {
        if (model.assets(type).empty())
            continue;
        const TypeTemplates templates(model, type);
        for (const auto& a : model.assets(type)) {
            assets_.emplace(std::string(type) + "/" + a.name, templates.closureHash(a.name, type));
        }
    }

    for (const auto& boot : model.boots()) {
        Fnv64 h;
        h.field(boot.id).value(boot.raw);
        auto os = oses_.find(boot.operating_system);
        h.number(os == oses_.end() ? kAbsent : os->second);
        if (boot.unattended) {
            h.field(boot.unattended->type).field(boot.unattended->use);
            h.number(asset(boot.unattended->type, boot.unattended->use));
        }
        boots_.emplace(boot.id, h.digest());
    }
    for (const auto& wf : model.workflows()) {
        Fnv64 h;
        h.field(wf.id).value(wf.raw);
        for (const auto& stage : wf.stages)
            h.field(stage.boot).number(boot(stage.boot));
        workflows_.emplace(wf.id, h.digest());
    }
}

uint64_t InputFingerprints::site(const model::Site& site) const {
    auto it = sites_.find(&site);
    return it == sites_.end() ? kAbsent : it->second;
}

uint64_t InputFingerprints::workflow(std::string_view id) const {
    auto it = workflows_.find(id);
    return it == workflows_.end() ? kAbsent : it->second;
}

uint64_t InputFingerprints::boot(std::string_view id) const {
    auto it = boots_.find(id);
    return it == boots_.end() ? kAbsent : it->second;
}

uint64_t InputFingerprints::asset(std::string_view type, std::string_view name) const {
    std::string key(type);
    key.append("/").append(name);
    auto it = assets_.find(key);
    return it == assets_.end() ? kAbsent : it->second;
}

uint64_t InputFingerprints::document(const model::Host& host) {
    Fnv64 h;
    h.field(host.name).field(host.workflow).field(host.boot);
    h.number(host.selectors.size());
    for (const auto& [k, v] : host.selectors)
        h.field(k).field(v);
    h.value(host.raw);
    return h.digest();
}

uint64_t InputFingerprints::host(const model::Site& site,
                                 const model::Host& host,
                                 uint64_t document) const {
    Fnv64 h;
    h.number(this->site(site));
    h.number(document);
    h.number(workflow(host.workflow));
    h.number(boot(host.boot));
    return h.digest();
}

}  // namespace vq::plan
