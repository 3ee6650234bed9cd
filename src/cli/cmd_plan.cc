// vaquero plan --sot NEW (--from OLD | --state SAVEPATH) [--site S] [--format text|json]
// [--detailed-exitcode]:
// which hosts the change from OLD to NEW would reprovision, why, and in which waves.

#include <filesystem>
#include <iostream>
#include <vector>

#include "plan/plan.h"
#include "plan/plan_format.h"
#include "plan/sot_pair.h"
#include "plan/stored_sot_choice.h"

#include "cli/command.h"
#include "model/load.h"
#include "model/sot_bundle.h"
#include "server/config.h"
#include "store/sqlite_db.h"
#include "store/sqlite_rollout_store.h"

namespace vq::cli {
namespace {

// Terraform's codes, so CI pipelines can tell "changes" from "failed".
constexpr int kPlanError = 1;
constexpr int kPlanChanges = 2;

struct PlanFlags {
    std::string sot;
    std::string from;
    std::string state;
    std::string site;
    std::string format = "text";
    bool detailed_exitcode = false;
};

// Prints a SoT's diagnostics as `vaquero validate` does; false when it cannot be planned.
bool usable(const model::LoadResult& r, const std::string& root, const char* which) {
    if (r.model && !r.hasErrors())
        return true;
    for (auto d : r.diagnostics) {
        d.file = (std::filesystem::path(root) / d.file).lexically_normal().generic_string();
        std::cerr << d.toString() << "\n";
    }
    std::cerr << "vaquero plan: " << which << " source of truth " << root << ": "
              << model::diagnosticsSummary(r.diagnostics) << "\n";
    return false;
}

// The newest revision stored in one store file: its name for messages ("revision N of <file>")
// and its SoT's files.
Result<std::pair<std::string, std::vector<model::SotFile>>> newestRevisionFiles(
    const std::filesystem::path& file) {
    auto db = store::SqliteDb::openFile(file.string());
    if (!db)
        return db.status();
    auto rollouts = store::SqliteRolloutStore::on(*db);
    if (!rollouts)
        return rollouts.status();
    auto latest = (*rollouts)->latestRevision();
    if (!latest)
        return latest.status();
    if (!*latest)
        return Status::notFound(file.string() + " holds no revision yet");
    auto files = model::unpackSot((*latest)->bundle);
    if (!files)
        return Status::error("revision " + std::to_string((*latest)->number) + " of " +
                             file.string() + ": " + files.message());
    return std::make_pair("revision " + std::to_string((*latest)->number) + " of " + file.string(),
                          std::move(*files));
}

// The newest revision a server stored under `save_path` (what it serves now). A server of
// several SoTs keeps the first one's store there and each other's in sots/<ID>/: the one
// whose newest revision has the new SoT's sites is meant.
Result<std::pair<std::string, std::vector<model::SotFile>>> storedRevisionFiles(
    const std::string& save_path, const std::vector<model::SotFile>& new_files) {
    namespace fs = std::filesystem;
    std::vector<fs::path> candidates;
    for (const std::string& dir : server::sotStateDirsUnder(save_path)) {
        const fs::path file = fs::path(dir) / store::SqliteDb::kFileName;
        std::error_code ec;
        if (fs::exists(file, ec))
            candidates.push_back(file);
    }
    const fs::path own = fs::path(save_path) / store::SqliteDb::kFileName;
    if (candidates.empty())
        return Status::notFound(own.string() + " does not exist: not a server's SavePath");
    if (candidates.size() == 1)
        return newestRevisionFiles(candidates.front());
    std::vector<std::pair<std::string, std::vector<model::SotFile>>> revisions;
    std::vector<plan::StoredSot> stores;
    for (const fs::path& file : candidates) {
        auto revision = newestRevisionFiles(file);
        if (!revision)
            continue;  // a SoT that stored nothing yet cannot be the one planned
        stores.push_back({file.string(), plan::siteDirectories(revision->second)});
        revisions.push_back(std::move(*revision));
    }
    if (stores.empty())
        return Status::notFound("no store under " + save_path + " holds a revision yet");
    auto chosen = plan::chooseStoredSot(stores, plan::siteDirectories(new_files));
    if (!chosen)
        return chosen.status();
    return std::move(revisions[*chosen]);
}

int runPlan(const PlanFlags& f) {
    if (f.sot.empty()) {
        std::cerr << "vaquero plan: --sot NEW is required (the proposed source of truth)\n";
        return kPlanError;
    }
    if (f.from.empty() == f.state.empty()) {
        std::cerr << "vaquero plan: one of --from OLD (the SoT the hosts run now) or --state "
                     "SAVEPATH (a server's store: its newest revision) is required\n";
        return kPlanError;
    }
    auto read = [](const std::string& root, std::vector<model::SotFile>& files) {
        std::string error;
        if (model::readSotDir(root, files, error))
            return true;
        std::cerr << "vaquero plan: " << error << "\n";
        return false;
    };
    std::vector<model::SotFile> old_files, new_files;
    std::string old_name = f.from;
    if (!read(f.sot, new_files))
        return kPlanError;
    if (!f.state.empty()) {
        auto stored = storedRevisionFiles(f.state, new_files);
        if (!stored) {
            std::cerr << "vaquero plan: " << stored.message() << "\n";
            return kPlanError;
        }
        old_files = std::move(stored->second);
        old_name = stored->first;
    }
    // A directory OLD is read by the thread that loads OLD, while NEW loads.
    plan::OldFiles old_source = [&]() -> Result<std::vector<model::SotFile>> {
        if (!f.state.empty())
            return std::move(old_files);
        std::vector<model::SotFile> files;
        std::string error;
        if (!model::readSotDir(f.from, files, error))
            return Status::unavailable(error);
        return files;
    };
    // Deliberately never freed: tearing down two models of 100,000 hosts costs about a second
    // at exit and gives nothing back to a process that is about to end.
    const plan::SotPairPlan& pair = *new plan::SotPairPlan(
        plan::planSotFiles(old_source, new_files, model::LoadOptions{f.site}));
    if (!pair.old_error.empty()) {
        std::cerr << "vaquero plan: " << pair.old_error << "\n";
        return kPlanError;
    }
    const bool old_ok = usable(pair.old_sot, old_name, "old");
    const bool new_ok = usable(pair.new_sot, f.sot, "new");
    if (!old_ok || !new_ok || !pair.planned)
        return kPlanError;
    const plan::Plan& result = pair.plan;
    if (f.format == "json")
        std::cout << plan::planJson(result) << "\n";
    else
        std::cout << plan::planText(result);
    if (result.hasErrors())
        return kPlanError;
    return f.detailed_exitcode && result.hasChanges() ? kPlanChanges : kExitOk;
}

}  // namespace

void addPlanCommand(CLI::App& app, Context& ctx) {
    auto flags = std::make_shared<PlanFlags>();
    auto* cmd = app.add_subcommand(
        "plan", "Show which hosts a SoT change would reprovision, why, and in which waves");
    // Checked by runPlan, so that a missing flag exits 1 like every other plan error.
    cmd->add_option("--sot", flags->sot, "The new source-of-truth directory");
    cmd->add_option("--from", flags->from, "The source of truth the hosts run now");
    cmd->add_option("--state", flags->state,
                    "A server's SavePath: plan against the newest revision it stored (of the "
                    "SoT with the new SoT's sites, when it serves several)");
    cmd->add_option("--site", flags->site, "Only this site (env id or directory under sites/)");
    cmd->add_option("--format", flags->format, "Output format")
        ->check(CLI::IsMember({"text", "json"}));
    cmd->add_flag("--detailed-exitcode", flags->detailed_exitcode,
                  "Exit 0 when nothing changes, 2 when hosts would be reprovisioned, 1 on error");
    cmd->callback([&ctx, flags] { ctx.exit_code = runPlan(*flags); });
}

}  // namespace vq::cli
