// vaquero validate --sot DIR [--config-dir DIR] [--site ID] [--strict] [--format text|json]

#include <filesystem>
#include <iostream>

#include "agent/dhcp_reply_fit.h"
#include "cli/command.h"
#include "cli/sot_input.h"
#include "model/load.h"
#include "model/shared_definitions.h"
#include "render/render_checks.h"

namespace vq::cli {
namespace {

struct ValidateOptions {
    std::string sot;
    std::string config_dir;  // the shared definitions' checkout (Advanced SoT)
    std::string site;
    bool strict = false;
    std::string format = "text";
};

int runValidate(const ValidateOptions& opts) {
    model::LoadOptions load;
    load.site = opts.site;
    const std::filesystem::path root(opts.sot);
    std::filesystem::path config_root(opts.config_dir);
    model::LoadResult result;
    if (opts.config_dir.empty()) {
        // As the server loads a local SoT: a configuration directory its sites name included.
        model::LocalSotLoad local = model::loadLocalSot(root, load);
        result = std::move(local.result);
        config_root = local.definitions;
    } else {
        result = model::loadSotWithDefinitions(root, config_root, load);
    }
    if (result.io_failure) {
        for (const auto& d : result.diagnostics)
            std::cerr << "vaquero validate: " << d.message << "\n";
        return kExitUsage;
    }
    auto diags = result.diagnostics;
    // Render-time checks (every template of every host, typed configs) need a sound model.
    if (result.model && !result.hasErrors()) {
        auto rendered = render::renderChecks(result.model);
        diags.insert(diags.end(), rendered.begin(), rendered.end());
        auto replies = agent::dhcpReplyFitChecks(*result.model);
        diags.insert(diags.end(), replies.begin(), replies.end());
        model::sortDiagnostics(diags);
    }
    for (auto& d : diags) {
        if (opts.strict)
            d.severity = model::Severity::Error;
        // Point at the file as the operator names it, so editors can jump to it.
        const bool shared = !config_root.empty() && !model::isSiteFile(d.file);
        d.file = ((shared ? config_root : root) / d.file).lexically_normal().generic_string();
    }
    size_t errors = 0;
    for (const auto& d : diags)
        errors += d.severity == model::Severity::Error ? 1 : 0;
    if (opts.format == "json") {
        std::cout << model::diagnosticsToJson(diags) << "\n";
    } else {
        for (const auto& d : diags)
            std::cout << d.toString() << "\n";
        if (config_root.empty() && result.model) {
            for (const auto& site : result.model->sites()) {
                if (site.config) {
                    // Not the URL: it may carry credentials.
                    std::cout << "note: site " << site.id << " takes assets/, os/, boot/ and "
                              << "workflows/ from the " << site.config->type << " configuration '"
                              << site.config->id
                              << "' (its config: document); give --config-dir with a checkout "
                              << "of it to check them together\n";
                    break;
                }
            }
        }
        const size_t hosts = result.model ? result.model->hostCount() : 0;
        const size_t sites = result.model ? result.model->sites().size() : 0;
        std::cout << opts.sot << ": " << model::diagnosticsSummary(diags) << " (" << result.files
                  << " files, " << sites << " site" << (sites == 1 ? "" : "s") << ", " << hosts
                  << " host" << (hosts == 1 ? "" : "s") << ")" << (errors ? "" : ": ok") << "\n";
    }
    return errors ? kExitFailure : kExitOk;
}

}  // namespace

void addValidateCommand(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<ValidateOptions>();
    auto* cmd = app.add_subcommand(
        "validate", "Check a source of truth and report every problem at once (exit 1 on errors)");
    cmd->add_option("--sot,--sot-dir", opts->sot,
                    "SoT directory (assets/, os/, boot/, workflows/, sites/)")
        ->required();
    addConfigDirOption(*cmd, opts->config_dir);
    cmd->add_option("--site", opts->site, "Only this site (env id or directory under sites/)");
    cmd->add_flag("--strict", opts->strict, "Treat warnings as errors");
    cmd->add_option("--format", opts->format, "Output format")
        ->check(CLI::IsMember({"text", "json"}));
    cmd->callback([opts, &ctx] { ctx.exit_code = runValidate(*opts); });
}

}  // namespace vq::cli
