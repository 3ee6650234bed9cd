// Decoders for the shared definitions: os/, boot/, workflows/.

#include <fmt/format.h>

#include "model/decode.h"
#include "model/raw.h"

namespace vq::model {
namespace {

// One cmdline pair; `key: value`, `key: ''`, `key:` (bare) or `key: [a, b]` (repeated).
void decodeCmdlinePair(const DecodeCtx& ctx,
                       uint32_t key,
                       uint32_t value,
                       const std::string& path,
                       std::vector<CmdlineEntry>& out) {
    const YamlDoc& doc = ctx.doc;
    CmdlineEntry e;
    if (!scalarText(ctx, key, path, e.key))
        return;
    const std::string vpath = joinPath(path, e.key);
    if (doc.isNull(value)) {
        // bare key
    } else if (doc.isScalar(value)) {
        e.values.push_back(doc.node(value).text);
    } else if (doc.isSeq(value)) {
        e.is_list = true;
        for (uint32_t k = 0; k < doc.node(value).count; ++k) {
            const uint32_t item = doc.seqItem(value, k);
            if (doc.isScalar(item)) {
                e.values.push_back(doc.node(item).text);
            } else {
                ctx.warning(
                    item, indexPath(vpath, k),
                    "only scalar list elements go on the command line; this one is ignored");
            }
        }
    } else {
        ctx.warning(value, vpath, "a map cannot go on the command line; this entry is ignored");
        return;
    }
    out.push_back(std::move(e));
}

void decodeCmdline(const DecodeCtx& ctx, uint32_t node, std::vector<CmdlineEntry>& out) {
    const YamlDoc& doc = ctx.doc;
    if (doc.isNull(node))
        return;
    if (doc.isMap(node)) {  // the seed documents' era: one map, order kept
        for (uint32_t p = 0; p < doc.node(node).count; ++p) {
            decodeCmdlinePair(ctx, doc.mapKey(node, p), doc.mapValue(node, p), "cmdline", out);
        }
        return;
    }
    if (!doc.isSeq(node)) {
        ctx.error(node, "cmdline",
                  fmt::format("expected a list of single-key maps, got {}", kindName(doc, node)));
        return;
    }
    for (uint32_t k = 0; k < doc.node(node).count; ++k) {
        const uint32_t item = doc.seqItem(node, k);
        const std::string path = indexPath("cmdline", k);
        if (doc.isScalar(item)) {  // a bare `- quiet` is a key without value
            out.push_back(CmdlineEntry{doc.node(item).text, {}, false});
            continue;
        }
        if (!doc.isMap(item)) {
            ctx.error(item, path,
                      fmt::format("expected a single-key map, got {}", kindName(doc, item)));
            continue;
        }
        if (doc.node(item).count != 1) {
            ctx.warning(item, path, "a cmdline entry should be a map with exactly one key");
        }
        for (uint32_t p = 0; p < doc.node(item).count; ++p) {
            decodeCmdlinePair(ctx, doc.mapKey(item, p), doc.mapValue(item, p), path, out);
        }
    }
}

void decodeContainers(const DecodeCtx& ctx,
                      const Fields& f,
                      std::string_view key,
                      std::vector<Container>& out) {
    const uint32_t v = f.get(key);
    if (ctx.doc.isNull(v))
        return;
    if (ctx.doc.isMap(v)) {  // a single container written without the list
        out.push_back(decodeContainer(ctx, v, f.sub(key)));
        return;
    }
    if (!ctx.doc.isSeq(v)) {
        ctx.error(v, f.sub(key),
                  fmt::format("expected a list of containers, got {}", kindName(ctx.doc, v)));
        return;
    }
    for (uint32_t k = 0; k < ctx.doc.node(v).count; ++k) {
        out.push_back(decodeContainer(ctx, ctx.doc.seqItem(v, k), indexPath(f.sub(key), k)));
    }
}

}  // namespace

Os decodeOs(const DecodeCtx& ctx, uint32_t root) {
    Os os;
    Fields f(ctx, root, "", "os",
             {"id", "name", "major_version", "minor_version", "os_family", "release_name", "boot",
              "cmdline"});
    const Loc here = f.here();
    os.origin = Origin{ctx.file, here.line, here.col};
    if (!f.isMap())
        return os;
    f.str("id", os.id, true);
    os.id_loc = f.loc("id");
    if (!f.str("name", os.name))
        os.name = os.id;
    f.str("major_version", os.major_version);
    f.str("minor_version", os.minor_version);
    f.str("os_family", os.os_family);
    os.family_loc = f.loc("os_family");
    f.str("release_name", os.release_name);
    const uint32_t boot = f.get("boot");
    if (ctx.doc.isNull(boot)) {
        f.missing("boot");
    } else {
        Fields b(ctx, boot, "boot", "os boot", {"kernel", "initrd"});
        if (b.isMap()) {
            b.str("kernel", os.kernel, true);
            const uint32_t initrd = b.get("initrd");
            if (ctx.doc.isScalar(initrd)) {  // one initrd written without the list
                os.initrd.push_back(ctx.doc.node(initrd).text);
            } else {
                b.strList("initrd", os.initrd);
            }
        }
    }
    decodeCmdline(ctx, f.get("cmdline"), os.cmdline);
    os.raw = RawBuilder(ctx.doc).build(root);
    return os;
}

Boot decodeBoot(const DecodeCtx& ctx, uint32_t root) {
    Boot b;
    Fields f(ctx, root, "", "boot",
             {"id", "name", "operating_system", "unattended", "metadata", "validate",
              "before_shutdown"});
    const Loc here = f.here();
    b.origin = Origin{ctx.file, here.line, here.col};
    if (!f.isMap())
        return b;
    f.str("id", b.id, true);
    b.id_loc = f.loc("id");
    if (!f.str("name", b.name))
        b.name = b.id;
    f.str("operating_system", b.operating_system, true);
    b.os_loc = f.loc("operating_system");
    const uint32_t un = f.get("unattended");
    if (!ctx.doc.isNull(un)) {
        Fields u(ctx, un, "unattended", "unattended", {"type", "use"});
        if (u.isMap()) {
            Unattended value;
            u.str("type", value.type, true);
            u.str("use", value.use, true);
            b.type_loc = u.loc("type");
            b.use_loc = u.loc("use");
            b.unattended_loc = u.here();
            b.unattended = std::move(value);
        }
    }
    const uint32_t md = f.get("metadata");
    if (!ctx.doc.isNull(md) && !ctx.doc.isMap(md)) {
        ctx.error(md, "metadata", fmt::format("expected a map, got {}", kindName(ctx.doc, md)));
    }
    decodeContainers(ctx, f, "validate", b.validate);
    decodeContainers(ctx, f, "before_shutdown", b.before_shutdown);
    b.raw = RawBuilder(ctx.doc).build(root);
    return b;
}

Workflow decodeWorkflow(const DecodeCtx& ctx, uint32_t root) {
    Workflow w;
    Fields f(ctx, root, "", "workflow",
             {"id", "workflow", "deps", "do_once", "max_concurrent", "min_standing", "block_deps",
              "validate_on", "safe_deps", "max_fail"});
    const Loc here = f.here();
    w.origin = Origin{ctx.file, here.line, here.col};
    if (!f.isMap())
        return w;
    f.str("id", w.id, true);
    w.id_loc = f.loc("id");
    f.boolean("do_once", w.do_once);
    const uint32_t stages = f.get("workflow");
    if (ctx.doc.isNull(stages)) {
        f.missing("workflow");
    } else if (!ctx.doc.isSeq(stages)) {
        ctx.error(stages, "workflow",
                  fmt::format("expected a list of stages, got {}", kindName(ctx.doc, stages)));
    } else {
        if (ctx.doc.node(stages).count == 0) {
            ctx.error(stages, "workflow", "a workflow needs at least one boot stage");
        }
        for (uint32_t k = 0; k < ctx.doc.node(stages).count; ++k) {
            Fields s(ctx, ctx.doc.seqItem(stages, k), indexPath("workflow", k), "stage",
                     {"boot", "next-boot"});
            if (!s.isMap())
                continue;
            Stage st;
            s.str("boot", st.boot, true);
            st.loc = s.loc("boot");
            s.str("next-boot", st.next_boot);
            st.next_loc = s.loc("next-boot");
            w.stages.push_back(std::move(st));
        }
    }
    // Before v0.14 the deps fields sat at the top level; read them from either place.
    auto readDeps = [&w](const Fields& d) {
        d.countOrPercent("max_concurrent", w.deps.max_concurrent);
        d.integer("min_standing", w.deps.min_standing, false, 0, 1 << 30);
        d.countOrPercent("max_fail", w.deps.max_fail);
        d.strListLocs("block_deps", w.deps.block_deps, w.deps.block_deps_locs);
        d.strListLocs("validate_on", w.deps.validate_on, w.deps.validate_on_locs);
        d.strListLocs("safe_deps", w.deps.safe_deps, w.deps.safe_deps_locs);
    };
    readDeps(f);
    const uint32_t deps = f.get("deps");
    if (!ctx.doc.isNull(deps)) {
        Fields d(ctx, deps, "deps", "deps",
                 {"max_concurrent", "min_standing", "block_deps", "validate_on", "safe_deps",
                  "max_fail"});
        readDeps(d);
    }
    w.raw = RawBuilder(ctx.doc).build(root);
    return w;
}

}  // namespace vq::model
