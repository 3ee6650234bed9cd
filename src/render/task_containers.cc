#include "render/task_containers.h"

#include <fmt/format.h>

#include "model/host_roles.h"
#include "render/dot.h"
#include "tmpl/template.h"

namespace vq::render {
namespace {

Status renderField(std::string& text, const tmpl::Value& dot, const std::string& field) {
    if (text.find("{{") == std::string::npos)
        return Status::ok();  // nothing to render: the common case costs a scan
    tmpl::Options options;
    options.missing_key = tmpl::MissingKey::Error;
    tmpl::TemplateSet set(options);
    if (Status st = set.parse(field, text); !st)
        return Status::invalidArgument(fmt::format("{}: {}", field, st.message()));
    auto out = set.execute(field, dot);
    if (!out)
        return Status::invalidArgument(fmt::format("{}: {}", field, out.message()));
    text = std::move(*out);
    return Status::ok();
}

}  // namespace

tmpl::Value taskDot(const model::Site& site,
                    const model::Host& host,
                    const model::Interface* iface,
                    const model::Boot* boot,
                    const model::Model& model) {
    const SiteDot site_dot(site);
    if (iface == nullptr)
        iface = model::bootInterface(host);
    const model::Os* os = boot != nullptr ? model.os(boot->operating_system) : nullptr;
    const tmpl::Value base = boot != nullptr ? bootBase(*boot, os) : tmpl::Value::map({});
    const std::string agent_url = defaultAgentUrl(site);
    const std::string mac = iface != nullptr && iface->mac ? iface->mac->toString() : "";
    DotInput in;
    in.site = &site_dot;
    in.site_model = &site;
    in.host = &host;
    in.iface = iface;
    in.boot_base = &base;
    in.boot_id = boot != nullptr ? std::string_view(boot->id) : std::string_view();
    in.agent_url = agent_url;
    in.mac = mac;
    return buildDot(in);
}

Result<model::Container> renderTaskContainer(const model::Container& c, const tmpl::Value& dot) {
    model::Container out = c;
    VQ_TRY(renderField(out.command, dot, "command"));
    for (size_t i = 0; i < out.args.size(); ++i)
        VQ_TRY(renderField(out.args[i], dot, fmt::format("args[{}]", i)));
    for (size_t i = 0; i < out.commands.size(); ++i)
        VQ_TRY(renderField(out.commands[i], dot, fmt::format("commands[{}]", i)));
    for (auto& [key, value] : out.env)
        VQ_TRY(renderField(value, dot, "env." + key));
    return out;
}

}  // namespace vq::render
