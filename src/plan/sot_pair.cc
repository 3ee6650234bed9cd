#include "plan/sot_pair.h"

#include <atomic>
#include <map>
#include <string_view>
#include <thread>
#include <unordered_map>

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
    return planSotFiles([&old_files]() -> Result<std::vector<model::SotFile>> { return old_files; },
                        new_files, load, options);
}

SotPairPlan planSotFiles(const OldFiles& read_old,
                         const std::vector<model::SotFile>& new_files,
                         const model::LoadOptions& load,
                         const PlanOptions& options) {
    SotPairPlan out;
    std::map<std::string_view, const std::string*> new_text;
    for (const auto& f : new_files)
        new_text.emplace(f.path, &f.data);

    // OLD's side runs on a thread of its own while NEW loads: reading OLD's files, loading
    // the small part of it a plan needs, and rendering ahead the OLD hosts whose inputs
    // moved (the other half of each changed host's diff), until NEW is loaded.
    std::vector<model::SotFile> old_files;
    std::vector<model::SotFile> partial;
    std::vector<const model::SotFile*> same;  // OLD inventory files identical in NEW
    std::set<std::string> same_paths;
    std::unordered_map<const model::Host*, HostArtifacts> ahead;
    std::atomic<bool> new_loaded{false};
    std::thread old_loader([&] {
        auto files = read_old();
        if (!files) {
            out.old_error = files.message();
            return;
        }
        old_files = std::move(*files);
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
        // Compared with NEW's shared files, the unchanged inventory files likely to hold
        // hosts with moved inputs are added.
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
        if (!out.old_sot.model || out.old_sot.hasErrors())
            return;
        // Likely changed: its document may differ (a file not identical in NEW), or its
        // site, workflow or boot moved. Hosts the plan then finds unchanged cost only this
        // otherwise idle time.
        std::set<std::string_view> identical;
        for (const auto* f : same)
            identical.insert(f->path);
        const ArtifactRenderer render(out.old_sot.model);
        for (const auto& site : out.old_sot.model->sites()) {
            for (const auto& host : site.hosts) {
                if (new_loaded.load(std::memory_order_relaxed))
                    return;  // the rest is rendered with NEW's side, on every core
                if (identical.count(host.origin.file) == 0 ||
                    moved.site_dirs.count(site.dir) != 0 || moved.ids.count(host.workflow) != 0 ||
                    moved.ids.count(host.boot) != 0)
                    ahead.emplace(&host, render.render(site, host));
            }
        }
    });
    out.new_sot = model::loadSotFiles(new_files, load);
    new_loaded = true;
    old_loader.join();
    if (!out.old_error.empty() || !out.old_sot.model || !out.new_sot.model ||
        out.old_sot.hasErrors() || out.new_sot.hasErrors()) {
        return out;
    }

    // Hosts of unloaded identical files whose inputs moved after all: their OLD documents are
    // needed to render, so their files are loaded now. The document is the same on both
    // sides, so only the parts it is combined with are compared (document hash 0).
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
                if (old_site == nullptr ||
                    old_fp.host(*old_site, host, 0) != new_fp.host(site, host, 0))
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
        ahead.clear();  // rendered from the model about to be replaced
        out.old_sot = model::loadSotFiles(partial, load);
        if (!out.old_sot.model || out.old_sot.hasErrors())
            return out;
    }
    out.old_hosts_rendered_ahead = ahead.size();
    PlanOptions with_same = options;
    with_same.unchanged_files = std::move(same_paths);
    with_same.old_artifacts = &ahead;
    out.plan = computePlan(out.old_sot.model, out.new_sot.model, with_same);
    out.planned = true;
    return out;
}

}  // namespace vq::plan
