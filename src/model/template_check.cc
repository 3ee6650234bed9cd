#include "model/template_check.h"

#include <charconv>

#include <fmt/format.h>

#include "tmpl/template.h"

namespace vq::model {
namespace {

// Functions templates may call besides Go's built-ins: Checkpoint (v0.14) and the
// historic AgentFileServer and hasField. Parsing only needs them to exist.
tmpl::FuncMap knownFunctions() {
    auto stub = [](std::span<const tmpl::Value>) -> Result<tmpl::Value> { return tmpl::Value(""); };
    return tmpl::FuncMap{{"Checkpoint", stub}, {"AgentFileServer", stub}, {"hasField", stub}};
}

// "template: NAME:LINE: msg" -> LINE (1 when absent) and msg.
std::pair<int, std::string> splitError(const std::string& name, const std::string& message) {
    const std::string prefix = "template: " + name + ":";
    if (message.rfind(prefix, 0) != 0)
        return {1, message};
    const char* p = message.data() + prefix.size();
    const char* end = message.data() + message.size();
    int line = 1;
    auto [ptr, ec] = std::from_chars(p, end, line);
    if (ec != std::errc() || ptr == end || *ptr != ':')
        return {1, message};
    std::string rest(ptr + 1, end);
    if (!rest.empty() && rest[0] == ' ')
        rest.erase(0, 1);
    return {line, rest};
}

void checkText(const std::string& text,
               const std::string& file,
               Loc loc,
               const std::string& path,
               Diagnostics& diags) {
    if (text.find("{{") == std::string::npos)
        return;
    tmpl::TemplateSet set({}, knownFunctions());
    Status s = set.parse("field", text);
    if (s.isOk())
        return;
    diags.error(file, loc.line, loc.col, path,
                "template syntax: " + splitError("field", s.message()).second);
}

void checkContainer(const Container& c,
                    const std::string& file,
                    Loc loc,
                    const std::string& path,
                    Diagnostics& diags) {
    checkText(c.command, file, loc, path + ".command", diags);
    for (size_t i = 0; i < c.args.size(); ++i) {
        checkText(c.args[i], file, loc, fmt::format("{}.args[{}]", path, i), diags);
    }
    for (size_t i = 0; i < c.commands.size(); ++i) {
        checkText(c.commands[i], file, loc, fmt::format("{}.commands[{}]", path, i), diags);
    }
}

}  // namespace

void checkTemplates(const Model& model, Diagnostics& diags) {
    checkDefinitionTemplates(model, diags);
    for (const Site& site : model.sites())
        checkHostTemplates(site, diags);
}

void checkDefinitionTemplates(const Model& model, Diagnostics& diags) {
    for (const char* type : {"cloud-config", "ignition", "kickstart", "untyped"}) {
        const auto& snippets = model.snippets(type);
        for (const Asset& s : snippets) {
            tmpl::TemplateSet set({}, knownFunctions());
            Status st = set.parse(s.name, s.text);
            if (!st.isOk()) {
                auto [line, msg] = splitError(s.name, st.message());
                diags.error(s.path, line, 1, "", "template syntax: " + msg);
            }
        }
        for (const Asset& a : model.assets(type)) {
            tmpl::TemplateSet set({}, knownFunctions());
            for (const Asset& s : snippets)
                (void)set.parse(s.name, s.text);
            Status st = set.parse(a.name, a.text);
            if (!st.isOk()) {
                auto [line, msg] = splitError(a.name, st.message());
                diags.error(a.path, line, 1, "", "template syntax: " + msg);
            }
        }
    }
    for (const Os& os : model.oses()) {
        const Loc at{os.origin.line, os.origin.col};
        checkText(os.kernel, os.origin.file, at, "boot.kernel", diags);
        for (size_t i = 0; i < os.initrd.size(); ++i) {
            checkText(os.initrd[i], os.origin.file, at, fmt::format("boot.initrd[{}]", i), diags);
        }
        for (const auto& e : os.cmdline) {
            for (const auto& v : e.values) {
                checkText(v, os.origin.file, at, "cmdline." + e.key, diags);
            }
        }
    }
    for (const Boot& b : model.boots()) {
        const Loc at{b.origin.line, b.origin.col};
        for (size_t i = 0; i < b.validate.size(); ++i) {
            checkContainer(b.validate[i], b.origin.file, at, fmt::format("validate[{}]", i), diags);
        }
        for (size_t i = 0; i < b.before_shutdown.size(); ++i) {
            checkContainer(b.before_shutdown[i], b.origin.file, at,
                           fmt::format("before_shutdown[{}]", i), diags);
        }
    }
}

void checkHostTemplates(const Site& site, Diagnostics& diags) {
    for (const Host& h : site.hosts) {
        for (size_t i = 0; i < h.interfaces.size(); ++i) {
            const Interface& iface = h.interfaces[i];
            if (!iface.bmc || !iface.bmc->container)
                continue;
            checkContainer(*iface.bmc->container, h.origin.file, iface.loc,
                           fmt::format("interfaces[{}].bmc.container", i), diags);
        }
    }
}

}  // namespace vq::model
