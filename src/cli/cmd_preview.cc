// `vaquero preview`: prints exactly the bytes the agent's HTTP server would send to a host,
// with the env's agent address as agentURL.

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "cli/command.h"
#include "cli/sot_input.h"
#include "model/load.h"
#include "render/boot_renderer.h"
#include "render/compiled.h"

namespace vq::cli {
namespace {

struct PreviewFlags {
    std::string sot;
    std::string config_dir;
    std::string mac;
    std::string boot;
    std::string site;
    std::string agent;
    std::string platform = "pcbios";
    bool ipxe = false;
};

int runPreview(const PreviewFlags& f) {
    SotInput input = loadSotFor("preview", f.sot, f.site, f.config_dir);
    if (!input.model)
        return input.exit_code;
    render::RendererOptions options;
    options.site = f.site;
    options.agent = f.agent;
    render::BootRenderer renderer(render::CompiledModel::build(input.model), options);
    render::BootRequest req;
    req.mac = f.mac;
    req.boot = f.boot;
    req.platform = f.platform;
    render::Outcome out = f.ipxe ? renderer.ipxe(req) : renderer.config(req);
    if (!out.ok()) {
        std::cerr << "preview: " << out.reason << "\n";
        return kExitFailure;
    }
    std::fwrite(out.body.data(), 1, out.body.size(), stdout);
    std::fflush(stdout);
    return kExitOk;
}

}  // namespace

void addPreviewCommand(CLI::App& app, Context& ctx) {
    auto flags = std::make_shared<PreviewFlags>();
    auto* cmd = app.add_subcommand(
        "preview", "Print what a host would receive: its unattended config, or its iPXE script");
    cmd->add_option("--sot", flags->sot, "Source-of-truth directory")->required();
    addConfigDirOption(*cmd, flags->config_dir);
    cmd->add_option("--mac", flags->mac, "MAC address of the host (any common spelling)")
        ->required();
    cmd->add_flag("--ipxe", flags->ipxe, "Print the iPXE boot script instead of the config");
    cmd->add_option("--boot", flags->boot, "A boot of the host's workflow (default: current)");
    cmd->add_option("--site", flags->site, "Only look in this site (env id or directory)");
    cmd->add_option("--agent", flags->agent, "Agent whose asset server address is agentURL");
    cmd->add_option("--platform", flags->platform, "iPXE ${platform}: pcbios or efi")
        ->check(CLI::IsMember({"pcbios", "efi"}));
    cmd->callback([&ctx, flags] { ctx.exit_code = runPreview(*flags); });
}

}  // namespace vq::cli
