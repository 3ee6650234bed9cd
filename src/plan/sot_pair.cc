#include "plan/sot_pair.h"

#include <map>
#include <string_view>
#include <thread>

#include "plan/fingerprint.h"

namespace vq::plan {

bool isInventoryFile(const std::string& path) {
    if (!path.starts_with("sites/"))
        return false;
    if (!(path.ends_with(".yml") || path.ends_with(".yaml")))
        return false;
    const size_t dir_end = path.find('/', 6);
    if (dir_end == std::string::npos || dir_end == 6)
        return false;
    const std::string_view rest = std::string_view(path).substr(dir_end + 1);
    return rest != "env.yml" && rest != "env.yaml";
}

SotPairPlan planSotFiles(const std::vector<model::SotFile>& old_files,
                         const std::vector<model::SotFile>& new_files,
                         const model::LoadOptions& load,
                         const PlanOptions& options) {
    SotPairPlan out;
    std::map<std::string_view, const std::string*> new_text;
    for (const auto& f : new_files)
        new_text.emplace(f.path, &f.text);

    std::vector<model::SotFile> partial;
    std::vector<const model::SotFile*> same;  // OLD inventory files identical in NEW
    for (const auto& f : old_files) {
        if (!isInventoryFile(f.path)) {
            partial.push_back(f);
            continue;
        }
        ++out.old_inventory_files;
        auto it = new_text.find(f.path);
        if (it != new_text.end() && *it->second == f.text) {
            same.push_back(&f);
            continue;
        }
        partial.push_back(f);
        ++out.old_inventory_files_loaded;
    }

    // The two loads are independent: run them side by side.
    std::thread old_loader([&] { out.old_sot = model::loadSotFiles(partial, load); });
    out.new_sot = model::loadSotFiles(new_files, load);
    old_loader.join();
    if (!out.old_sot.model || !out.new_sot.model || out.old_sot.hasErrors() ||
        out.new_sot.hasErrors()) {
        return out;
    }

    // Hosts of identical files whose inputs moved: their OLD documents are needed to render.
    std::set<std::string> same_paths;
    for (const auto* f : same)
        same_paths.insert(f->path);
    std::set<std::string> needed;
    {
        const model::Model& old_m = *out.old_sot.model;
        const InputFingerprints old_fp(old_m), new_fp(*out.new_sot.model);
        for (const auto& site : out.new_sot.model->sites()) {
            // A site OLD knows under another id: its hosts are compared the long way.
            const model::Site* old_site = old_m.site(site.id);
            if (old_site != nullptr && old_site->id != site.id)
                old_site = nullptr;
            for (const auto& host : site.hosts) {
                if (needed.count(host.origin.file) != 0 || same_paths.count(host.origin.file) == 0)
                    continue;
                const uint64_t doc = InputFingerprints::document(host);
                if (old_site == nullptr ||
                    old_fp.host(*old_site, host, doc) != new_fp.host(site, host, doc))
                    needed.insert(host.origin.file);
            }
        }
    }
    if (!needed.empty()) {
        for (const auto* f : same) {
            if (needed.count(f->path) != 0) {
                partial.push_back(*f);
                ++out.old_inventory_files_loaded;
                same_paths.erase(f->path);
            }
        }
        out.old_sot = model::loadSotFiles(partial, load);
        if (!out.old_sot.model || out.old_sot.hasErrors())
            return out;
    }
    PlanOptions with_same = options;
    with_same.unchanged_files = std::move(same_paths);
    out.plan = computePlan(out.old_sot.model, out.new_sot.model, with_same);
    out.planned = true;
    return out;
}

}  // namespace vq::plan
