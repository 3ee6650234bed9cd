// vaquero render: renders one Go template file against YAML or JSON data, for template
// authors. Output goes to stdout only when the whole render succeeds.

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/command.h"
#include "tmpl/template.h"

namespace vq::cli {

namespace {

struct RenderArgs {
    std::string template_path;
    std::string data_path;
    std::vector<std::string> options;
    std::vector<std::string> includes;
};

bool readFile(const std::string& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return false;
    std::stringstream ss;
    ss << in.rdbuf();
    out = ss.str();
    return true;
}

int runRender(const RenderArgs& args) {
    tmpl::Options options;
    for (const auto& o : args.options) {
        if (Status st = tmpl::applyOption(options, o); !st) {
            std::cerr << "render: " << st.message() << "\n";
            return kExitUsage;
        }
    }
    tmpl::Value data;
    if (!args.data_path.empty()) {
        std::string text;
        if (!readFile(args.data_path, text)) {
            std::cerr << "render: cannot read " << args.data_path << "\n";
            return kExitUsage;
        }
        bool json = std::filesystem::path(args.data_path).extension() == ".json";
        auto v = json ? tmpl::valueFromJson(text) : tmpl::valueFromYaml(text);
        if (!v) {
            std::cerr << "render: " << args.data_path << ": " << v.message() << "\n";
            return kExitFailure;
        }
        data = *v;
    }
    // Checkpoint's real URL is per host and per boot; authors get a recognisable placeholder.
    tmpl::FuncMap funcs;
    funcs["Checkpoint"] = [](std::span<const tmpl::Value>) -> Result<tmpl::Value> {
        return tmpl::Value("http://vaquero-agent.invalid/checkpoint");
    };
    tmpl::TemplateSet set(options, std::move(funcs));
    // Snippets first, so the main template can call what they define.
    std::vector<std::string> files = args.includes;
    files.push_back(args.template_path);
    std::string name;
    for (const auto& path : files) {
        std::string text;
        if (!readFile(path, text)) {
            std::cerr << "render: cannot read " << path << "\n";
            return kExitUsage;
        }
        name = std::filesystem::path(path).filename().string();
        if (Status st = set.parse(name, text); !st) {
            std::cerr << st.message() << "\n";
            return kExitFailure;
        }
    }
    auto out = set.execute(name, data);
    if (!out) {
        std::cerr << out.message() << "\n";
        return kExitFailure;
    }
    std::cout << *out << std::flush;
    return kExitOk;
}

}  // namespace

void addRenderCommand(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand("render", "Render a Go template against YAML or JSON data");
    auto args = std::make_shared<RenderArgs>();
    cmd->add_option("template", args->template_path, "template file")->required();
    cmd->add_option("--data", args->data_path, "YAML or JSON (.json) data file used as dot");
    cmd->add_option("--option", args->options, "Go template option, e.g. missingkey=error");
    cmd->add_option("--include", args->includes,
                    "template files parsed first (snippets with {{define}})");
    cmd->callback([&ctx, args] { ctx.exit_code = runRender(*args); });
}

}  // namespace vq::cli
