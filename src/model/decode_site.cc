// Decoders for the site files: env.yml and inventory (host) documents.

#include <fmt/format.h>

#include "model/decode.h"
#include "model/raw.h"

namespace vq::model {
namespace {

void decodeDhcpOptions(const Fields& f, Subnet& s) {
    const DecodeCtx& ctx = f.ctx();
    const uint32_t v = f.get("dhcp_options");
    if (ctx.doc.isNull(v))
        return;
    if (!ctx.doc.isSeq(v)) {
        ctx.error(v, f.sub("dhcp_options"),
                  fmt::format("expected a list of options, got {}", kindName(ctx.doc, v)));
        return;
    }
    static constexpr std::string_view kTypes[] = {"string", "uint8", "uint16", "uint32",
                                                  "int8",   "int16", "int32",  "addresses",
                                                  "base64", "bool",  "ip",     "ips"};
    for (uint32_t k = 0; k < ctx.doc.node(v).count; ++k) {
        const uint32_t item = ctx.doc.seqItem(v, k);
        Fields o(ctx, item, indexPath(f.sub("dhcp_options"), k), "DHCP option",
                 {"option", "type", "value"});
        if (!o.isMap())
            continue;
        DhcpOption opt;
        o.integer("option", opt.option, true, 1, 254);
        if (o.str("type", opt.type, true)) {
            bool known = false;
            for (auto t : kTypes)
                known = known || t == opt.type;
            if (!known) {
                ctx.error(o.get("type"), o.sub("type"),
                          fmt::format("unknown option type \"{}\" (expected string, uint8, uint16, "
                                      "uint32, int8, int16, int32, addresses or base64)",
                                      opt.type));
            }
        }
        const uint32_t val = o.get("value");
        if (ctx.doc.isNull(val)) {
            o.missing("value");
        } else if (ctx.doc.isSeq(val)) {
            for (uint32_t i = 0; i < ctx.doc.node(val).count; ++i) {
                std::string part;
                if (scalarText(ctx, ctx.doc.seqItem(val, i), indexPath(o.sub("value"), i), part)) {
                    if (!opt.value.empty())
                        opt.value += ',';
                    opt.value += part;
                }
            }
        } else {
            scalarText(ctx, val, o.sub("value"), opt.value);
        }
        s.dhcp_options.push_back(std::move(opt));
    }
}

Subnet decodeSubnet(const DecodeCtx& ctx, uint32_t node, const std::string& path, RawBuilder& rb) {
    Subnet s;
    Fields f(ctx, node, path, "subnet",
             {"id", "cidr", "dns", "ntp", "gateway", "domain_name", "domain", "vlan",
              "dhcp_options", "metadata", "netmask"});
    s.loc = f.here();
    if (!f.isMap())
        return s;
    f.str("id", s.id, true);
    if (f.str("cidr", s.cidr_text, true)) {
        s.cidr = Cidr::parse(s.cidr_text);
        if (!s.cidr) {
            ctx.error(f.get("cidr"), f.sub("cidr"),
                      fmt::format("\"{}\" is not a CIDR (expected a.b.c.d/len)", s.cidr_text));
        }
    }
    s.cidr_loc = f.loc("cidr");
    f.strList("dns", s.dns, true);
    f.strList("ntp", s.ntp);
    for (size_t i = 0; i < s.dns.size(); ++i) {
        if (!Ipv4::parse(s.dns[i])) {
            ctx.warning(f.get("dns"), indexPath(f.sub("dns"), i),
                        fmt::format("\"{}\" is not an IPv4 address", s.dns[i]));
        }
    }
    if (f.str("gateway", s.gateway_text)) {
        s.gateway = Ipv4::parse(s.gateway_text);
        if (!s.gateway) {
            ctx.error(f.get("gateway"), f.sub("gateway"),
                      fmt::format("\"{}\" is not an IPv4 address", s.gateway_text));
        }
    }
    s.gateway_loc = f.loc("gateway");
    if (!f.str("domain_name", s.domain_name))
        f.str("domain", s.domain_name);
    f.integer("vlan", s.vlan, false, 0, 4094);
    decodeDhcpOptions(f, s);
    s.raw = rb.build(node);
    return s;
}

Agent decodeAgent(const DecodeCtx& ctx, uint32_t node, const std::string& path, RawBuilder& rb) {
    Agent a;
    Fields f(ctx, node, path, "agent",
             {"name", "asset_server", "tftp_server", "dhcp_mode", "dhcp_port", "save_path",
              "ssh_container", "ipmi_container", "id", "rogue_probe_seconds"});
    if (!f.isMap())
        return a;
    if (!f.str("name", a.name))
        f.str("id", a.name);
    if (a.name.empty())
        f.missing("name");
    const uint32_t as = f.get("asset_server");
    if (!ctx.doc.isNull(as)) {
        Fields s(ctx, as, f.sub("asset_server"), "asset_server",
                 {"addr", "port", "base_dir", "scheme", "cdn_addr", "cdn_port", "cdn_scheme"});
        s.str("addr", a.asset_server.addr);
        s.integer("port", a.asset_server.port, false, 1, 65535);
        s.str("base_dir", a.asset_server.base_dir);
        s.str("scheme", a.asset_server.scheme);
        s.str("cdn_addr", a.asset_server.cdn_addr);
        s.integer("cdn_port", a.asset_server.cdn_port, false, 0, 65535);
        s.str("cdn_scheme", a.asset_server.cdn_scheme);
        for (const char* key : {"scheme", "cdn_scheme"}) {
            const std::string& v =
                key[0] == 's' ? a.asset_server.scheme : a.asset_server.cdn_scheme;
            if (s.has(key) && v != "http" && v != "https") {
                ctx.error(s.get(key), s.sub(key),
                          fmt::format("unknown scheme \"{}\" (expected http or https)", v));
            }
        }
    }
    const uint32_t ts = f.get("tftp_server");
    if (!ctx.doc.isNull(ts)) {
        Fields t(ctx, ts, f.sub("tftp_server"), "tftp_server", {"base_dir"});
        t.str("base_dir", a.tftp_server.base_dir);
    }
    if (f.str("dhcp_mode", a.dhcp_mode) && a.dhcp_mode != "server" && a.dhcp_mode != "proxy") {
        ctx.error(f.get("dhcp_mode"), f.sub("dhcp_mode"),
                  fmt::format("unknown DHCP mode \"{}\" (expected server or proxy)", a.dhcp_mode));
    }
    f.integer("dhcp_port", a.dhcp_port, false, 1, 65535);
    f.integer("rogue_probe_seconds", a.rogue_probe_seconds, false, 0, 86400);
    f.str("save_path", a.save_path);
    f.str("ssh_container", a.ssh_container);
    f.str("ipmi_container", a.ipmi_container);
    a.raw = rb.build(node);
    return a;
}

LegacyAgent decodeLegacyAgent(const DecodeCtx& ctx, uint32_t node, const std::string& path) {
    LegacyAgent a;
    Fields f(ctx, node, path, "agent", {"url", "port", "secure_url", "secure_port", "cert_path"});
    f.str("url", a.url);
    f.integer("port", a.port, false, 1, 65535);
    f.str("secure_url", a.secure_url);
    f.integer("secure_port", a.secure_port, false, 1, 65535);
    f.str("cert_path", a.cert_path);
    return a;
}

}  // namespace

SotConfig decodeSotConfig(const DecodeCtx& ctx, uint32_t node, const std::string& path) {
    SotConfig c;
    Fields f(ctx, node, path, "config", {"id", "type", "url", "ref", "token"});
    if (!f.isMap())
        return c;
    f.str("id", c.id, true);
    if (f.str("type", c.type, true) && c.type != "git" && c.type != "local") {
        ctx.error(f.get("type"), f.sub("type"),
                  fmt::format("unknown SoT type \"{}\" (expected git or local)", c.type));
    }
    f.str("url", c.url, true);
    f.str("ref", c.ref);
    f.str("token", c.token);
    return c;
}

Site decodeEnv(const DecodeCtx& ctx, uint32_t root) {
    Site site;
    site.origin = Origin{ctx.file, locOf(ctx.doc, root).line, locOf(ctx.doc, root).col};
    Fields f(ctx, root, "", "env",
             {"id", "name", "release_tag", "subnets", "agents", "agent", "policy", "metadata",
              "config", "sot_id"});
    if (!f.isMap())
        return site;
    RawBuilder rb(ctx.doc);
    f.str("id", site.id, true);
    site.id_loc = f.loc("id");
    if (!f.str("name", site.name))
        site.name = site.id;
    f.str("release_tag", site.release_tag);
    f.str("sot_id", site.sot_id);
    const uint32_t subnets = f.get("subnets");
    if (ctx.doc.isNull(subnets)) {
        f.missing("subnets");
    } else if (!ctx.doc.isSeq(subnets)) {
        ctx.error(subnets, "subnets",
                  fmt::format("expected a list of subnets, got {}", kindName(ctx.doc, subnets)));
    } else {
        for (uint32_t k = 0; k < ctx.doc.node(subnets).count; ++k) {
            site.subnets.push_back(
                decodeSubnet(ctx, ctx.doc.seqItem(subnets, k), indexPath("subnets", k), rb));
        }
    }
    const uint32_t agents = f.get("agents");
    const uint32_t agent = f.get("agent");
    if (!ctx.doc.isNull(agents)) {
        if (!ctx.doc.isSeq(agents)) {
            ctx.error(agents, "agents",
                      fmt::format("expected a list of agents, got {}", kindName(ctx.doc, agents)));
        } else {
            for (uint32_t k = 0; k < ctx.doc.node(agents).count; ++k) {
                site.agents.push_back(
                    decodeAgent(ctx, ctx.doc.seqItem(agents, k), indexPath("agents", k), rb));
            }
        }
    }
    if (!ctx.doc.isNull(agent)) {
        site.legacy_agent = decodeLegacyAgent(ctx, agent, "agent");
    }
    if (ctx.doc.isNull(agents) && ctx.doc.isNull(agent)) {
        ctx.error(root, "agents", "missing required field (or the older `agent:` block)");
    }
    const uint32_t policy = f.get("policy");
    if (!ctx.doc.isNull(policy)) {
        Fields p(ctx, policy, "policy", "policy", {"force_provision", "timeout", "on_failure"});
        p.boolean("force_provision", site.policy.force_provision);
        p.integer("timeout", site.policy.timeout_s, false, 1, 7 * 24 * 3600);
        const uint32_t on_failure = p.get("on_failure");
        if (!ctx.doc.isNull(on_failure)) {
            Fields of(ctx, on_failure, p.sub("on_failure"), "on_failure", {"retry", "then"});
            of.integer("retry", site.policy.retry, false, 0, 100);
            std::string then;
            if (of.str("then", then)) {
                if (then == "rollback") {
                    site.policy.then = FailureAction::rollback;
                } else if (then == "halt") {
                    site.policy.then = FailureAction::halt;
                } else if (then == "continue") {
                    site.policy.then = FailureAction::proceed;
                } else {
                    ctx.error(of.get("then"), of.sub("then"),
                              fmt::format("expected rollback, halt or continue, got '{}'", then));
                }
            }
        }
    }
    const uint32_t config = f.get("config");
    if (!ctx.doc.isNull(config))
        site.config = decodeSotConfig(ctx, config, "config");
    const uint32_t md = f.get("metadata");
    if (!ctx.doc.isNull(md) && !ctx.doc.isMap(md)) {
        ctx.error(md, "metadata", fmt::format("expected a map, got {}", kindName(ctx.doc, md)));
    }
    site.raw = rb.build(root);
    return site;
}

}  // namespace vq::model
