#include "plan/sot_pair.h"

#include <map>
#include <string_view>
#include <thread>

#include "plan/fingerprint.h"

namespace vq::plan {
namespace {

// The site, workflow and boot ids whose shared inputs hash differently in two models: a host
// of an unchanged document can only have a moved fingerprint through one of them.
struct MovedInputs {
    std::set<std::string> site_dirs;
    std::set<std::string> ids;  // workflows and boots

    bool empty() const { return site_dirs.empty() && ids.empty(); }
};

MovedInputs movedInputs(const model::Model& a, const model::Model& b) {
    MovedInputs moved;
    const InputFingerprints fa(a), fb(b);
    for (const auto& site : b.sites()) {
        const model::Site* before = a.site(site.id);
        if (before == nullptr || before->id != site.id || fa.site(*before) != fb.site(site))
            moved.site_dirs.insert(site.dir);
    }
    for (const model::Model* m : {&a, &b}) {
        for (const auto& w : m->workflows()) {
            if (fa.workflow(w.id) != fb.workflow(w.id))
                moved.ids.insert(w.id);
        }
        for (const auto& boot : m->boots()) {
            if (fa.boot(boot.id) != fb.boot(boot.id))
                moved.ids.insert(boot.id);
        }
    }
    return moved;
}

// A guess, good enough to load early: the file is in a moved site, or its text names a
// moved workflow or boot. Whatever the guess misses is found (and loaded) afterwards.
bool likelyNeeded(const model::SotFile& f, const MovedInputs& moved) {
    for (const auto& dir : moved.site_dirs) {
        if (f.path.compare(0, 6 + dir.size() + 1, "sites/" + dir + "/") == 0)
            return true;
    }
    for (const auto& id : moved.ids) {
        if (!id.empty() && f.data.find(id) != std::string::npos)
            return true;
    }
    return false;
}

}  // namespace

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
        new_text.emplace(f.path, &f.data);

    std::vector<model::SotFile> partial;
    std::vector<const model::SotFile*> same;  // OLD inventory files identical in NEW
    for (const auto& f : old_files) {
        if (!isInventoryFile(f.path)) {
            partial.push_back(f);
            continue;
        }
        ++out.old_inventory_files;
        auto it = new_text.find(f.path);
        if (it != new_text.end() && *it->second == f.data) {
            same.push_back(&f);
            continue;
        }
        partial.push_back(f);
        ++out.old_inventory_files_loaded;
    }

    // OLD's part is small: while NEW loads, it is loaded, compared with NEW's shared files,
    // and the unchanged inventory files likely to hold hosts with moved inputs are added.
    std::set<std::string> same_paths;
    std::thread old_loader([&] {
        out.old_sot = model::loadSotFiles(partial, load);
        if (!out.old_sot.model || out.old_sot.hasErrors())
            return;
        std::vector<model::SotFile> new_shared;
        for (const auto& f : new_files) {
            if (!isInventoryFile(f.path))
                new_shared.push_back(f);
        }
        const model::LoadResult shared = model::loadSotFiles(new_shared, load);
        const MovedInputs moved =
            shared.model ? movedInputs(*out.old_sot.model, *shared.model) : MovedInputs{};
        bool added = false;
        for (const auto* f : same) {
            if (!moved.empty() && likelyNeeded(*f, moved)) {
                partial.push_back(*f);
                ++out.old_inventory_files_loaded;
                added = true;
            } else {
                same_paths.insert(f->path);
            }
        }
        if (added)
            out.old_sot = model::loadSotFiles(partial, load);
    });
    out.new_sot = model::loadSotFiles(new_files, load);
    old_loader.join();
    if (!out.old_sot.model || !out.new_sot.model || out.old_sot.hasErrors() ||
        out.new_sot.hasErrors()) {
        return out;
    }

    // Hosts of unloaded identical files whose inputs moved after all: their OLD documents are
    // needed to render, so their files are loaded now.
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
                ++out.old_inventory_files_late;
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
