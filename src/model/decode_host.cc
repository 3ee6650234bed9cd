// Decoders for hosts (v0.14 documents and seed-era groups), interfaces, BMCs, containers.

#include <fmt/format.h>

#include "base/yaml_scalar.h"
#include "model/decode.h"
#include "model/raw.h"

namespace vq::model {
namespace {

std::optional<Bmc> decodeBmc(const DecodeCtx& ctx, uint32_t node, const std::string& path) {
    Fields f(ctx, node, path, "bmc",
             {"type", "username", "password", "keypath", "container", "soft_reboot", "soft_timeout",
              "boot_type"});
    if (!f.isMap())
        return std::nullopt;
    Bmc b;
    if (f.str("type", b.type, true) && b.type != "ipmi" && b.type != "ssh" && b.type != "custom") {
        ctx.error(f.get("type"), f.sub("type"),
                  fmt::format("unknown BMC type \"{}\" (expected ipmi, ssh or custom)", b.type));
    }
    f.str("username", b.username);
    f.str("password", b.password);
    f.str("keypath", b.keypath);
    f.boolean("soft_reboot", b.soft_reboot);
    f.integer("soft_timeout", b.soft_timeout, false, 0, 86400);
    if (f.str("boot_type", b.boot_type) && b.boot_type != "legacy" && b.boot_type != "efi") {
        ctx.error(f.get("boot_type"), f.sub("boot_type"),
                  fmt::format("unknown boot type \"{}\" (expected legacy or efi)", b.boot_type));
    }
    const uint32_t c = f.get("container");
    if (!ctx.doc.isNull(c))
        b.container = decodeContainer(ctx, c, f.sub("container"));
    if (b.type == "custom" && !b.container) {
        ctx.error(node, f.sub("container"), "missing required field (bmc type custom)");
    }
    if (b.type == "ssh" && b.keypath.empty()) {
        ctx.warning(node, f.sub("keypath"), "an ssh BMC without keypath uses the agent's key");
    }
    return b;
}

Interface decodeInterface(const DecodeCtx& ctx,
                          uint32_t node,
                          const std::string& path,
                          RawBuilder& rb) {
    Interface i;
    Fields f(
        ctx, node, path, "interface",
        {"type", "mac", "subnet", "bmc", "identifier", "ignore_dhcp", "ipv4", "ipv6", "hostname"});
    i.loc = f.here();
    if (!f.isMap())
        return i;
    if (f.str("type", i.type, true) && i.type != "physical" && i.type != "bmc") {
        ctx.error(f.get("type"), f.sub("type"),
                  fmt::format("unknown interface type \"{}\" (expected physical or bmc)", i.type));
    }
    if (f.str("mac", i.mac_text, true)) {
        i.mac = MacAddr::parse(i.mac_text);
        if (!i.mac) {
            ctx.error(f.get("mac"), f.sub("mac"),
                      fmt::format("\"{}\" is not a MAC address", i.mac_text));
        }
    }
    i.mac_loc = f.loc("mac");
    f.str("subnet", i.subnet, true);
    i.subnet_loc = f.loc("subnet");
    if (f.str("ipv4", i.ipv4_text, true)) {
        i.ipv4 = Ipv4::parse(i.ipv4_text);
        if (!i.ipv4) {
            ctx.error(f.get("ipv4"), f.sub("ipv4"),
                      fmt::format("\"{}\" is not an IPv4 address", i.ipv4_text));
        }
    }
    i.ipv4_loc = f.loc("ipv4");
    f.str("identifier", i.identifier);
    f.boolean("ignore_dhcp", i.ignore_dhcp);
    f.str("ipv6", i.ipv6);
    f.str("hostname", i.hostname);
    const uint32_t b = f.get("bmc");
    if (!ctx.doc.isNull(b)) {
        i.bmc = decodeBmc(ctx, b, f.sub("bmc"));
        if (i.bmc && i.type == "physical" && i.bmc->type != "ssh" && !i.bmc->type.empty()) {
            ctx.warning(b, f.sub("bmc.type"),
                        fmt::format("a physical interface may only carry an ssh BMC, not \"{}\" "
                                    "(put {} on an interface of type bmc)",
                                    i.bmc->type, i.bmc->type));
        }
    }
    i.raw = rb.build(node);
    return i;
}

void checkMetadata(const DecodeCtx& ctx, const Fields& f) {
    const uint32_t md = f.get("metadata");
    if (!ctx.doc.isNull(md) && !ctx.doc.isMap(md)) {
        ctx.error(md, f.sub("metadata"),
                  fmt::format("expected a map, got {}", kindName(ctx.doc, md)));
    }
}

}  // namespace

Container decodeContainer(const DecodeCtx& ctx, uint32_t node, const std::string& path) {
    Container c;
    Fields f(ctx, node, path, "container",
             {"image", "pull", "command", "args", "commands", "env", "registry_auth", "retry",
              "timeout"});
    if (!f.isMap())
        return c;
    f.str("image", c.image, true);
    f.boolean("pull", c.pull);
    f.str("command", c.command);
    f.strList("args", c.args);
    f.strList("commands", c.commands);
    f.strMap("env", c.env);
    f.integer("retry", c.retry, false, 0, 1000);
    f.integer("timeout", c.timeout, false, 0, 86400);
    const uint32_t ra = f.get("registry_auth");
    if (!ctx.doc.isNull(ra)) {
        Fields r(ctx, ra, f.sub("registry_auth"), "registry_auth", {"url", "username", "password"});
        RegistryAuth auth;
        r.str("url", auth.url);
        r.str("username", auth.username);
        r.str("password", auth.password);
        c.registry_auth = auth;
    }
    return c;
}

std::optional<Host> decodeHost(const DecodeCtx& ctx, uint32_t node, const std::string& path) {
    Fields f(ctx, node, path, "host",
             {"name", "interfaces", "metadata", "workflow", "never_provision"});
    if (!f.isMap())
        return std::nullopt;
    Host h;
    RawBuilder rb(ctx.doc);
    const Loc here = f.here();
    h.origin = Origin{ctx.file, here.line, here.col};
    f.str("name", h.name, true);
    h.name_loc = f.loc("name");
    f.str("workflow", h.workflow, true);
    h.ref_loc = f.loc("workflow");
    const uint32_t np = f.get("never_provision");
    if (ctx.doc.isScalar(np) && ctx.doc.node(np).quoted) {
        // The docs call it a string; accept "true"/"false" written that way.
        const std::string& t = ctx.doc.node(np).text;
        if (const YamlScalar word = resolvePlainYamlScalar(t); word.kind == YamlScalarKind::Bool) {
            h.never_provision = word.boolean;
        } else {
            ctx.error(np, f.sub("never_provision"),
                      fmt::format("expected true or false, got \"{}\"", t));
        }
    } else {
        f.boolean("never_provision", h.never_provision);
    }
    const uint32_t ifs = f.get("interfaces");
    if (!ctx.doc.isNull(ifs)) {
        if (!ctx.doc.isSeq(ifs)) {
            ctx.error(ifs, f.sub("interfaces"),
                      fmt::format("expected a list of interfaces, got {}", kindName(ctx.doc, ifs)));
        } else {
            const uint32_t n = ctx.doc.node(ifs).count;
            h.interfaces.reserve(n);
            for (uint32_t k = 0; k < n; ++k) {
                h.interfaces.push_back(decodeInterface(ctx, ctx.doc.seqItem(ifs, k),
                                                       indexPath(f.sub("interfaces"), k), rb));
            }
        }
    }
    checkMetadata(ctx, f);
    h.raw = rb.build(node);
    return h;
}

void decodeSeedGroup(const DecodeCtx& ctx, uint32_t root, std::vector<Host>& out) {
    Fields f(ctx, root, "", "inventory group", {"boot", "hosts"});
    if (!f.isMap())
        return;
    std::string boot;
    f.str("boot", boot, true);
    const Loc boot_loc = f.loc("boot");
    const uint32_t hosts = f.get("hosts");
    if (ctx.doc.isNull(hosts)) {
        f.missing("hosts");
        return;
    }
    if (!ctx.doc.isSeq(hosts)) {
        ctx.error(hosts, "hosts",
                  fmt::format("expected a list of hosts, got {}", kindName(ctx.doc, hosts)));
        return;
    }
    RawBuilder rb(ctx.doc);
    for (uint32_t k = 0; k < ctx.doc.node(hosts).count; ++k) {
        const uint32_t item = ctx.doc.seqItem(hosts, k);
        Fields h(ctx, item, indexPath("hosts", k), "host",
                 {"name", "selectors", "metadata", "interfaces", "never_provision"});
        if (!h.isMap())
            continue;
        Host host;
        const Loc here = h.here();
        host.origin = Origin{ctx.file, here.line, here.col};
        h.str("name", host.name, true);
        host.name_loc = h.loc("name");
        host.boot = boot;
        host.ref_loc = boot_loc;
        h.strMap("selectors", host.selectors);
        if (host.selectors.empty() && !h.has("interfaces")) {
            ctx.error(item, h.sub("selectors"), "a host needs selectors (e.g. mac) to be found");
        }
        for (const auto& [key, value] : host.selectors) {
            if (key == "mac" && !MacAddr::parse(value)) {
                ctx.error(h.get("selectors"), h.sub("selectors.mac"),
                          fmt::format("\"{}\" is not a MAC address", value));
            }
        }
        h.boolean("never_provision", host.never_provision);
        const uint32_t ifs = h.get("interfaces");
        if (ctx.doc.isSeq(ifs)) {
            for (uint32_t i = 0; i < ctx.doc.node(ifs).count; ++i) {
                host.interfaces.push_back(decodeInterface(ctx, ctx.doc.seqItem(ifs, i),
                                                          indexPath(h.sub("interfaces"), i), rb));
            }
        } else if (!ctx.doc.isNull(ifs)) {
            ctx.error(ifs, h.sub("interfaces"),
                      fmt::format("expected a list of interfaces, got {}", kindName(ctx.doc, ifs)));
        }
        checkMetadata(ctx, h);
        host.raw = rb.build(item);
        out.push_back(std::move(host));
    }
}

}  // namespace vq::model
