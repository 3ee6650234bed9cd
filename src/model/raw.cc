#include "model/raw.h"

namespace vq::model {

Raw RawBuilder::build(uint32_t node) {
    if (node == YamlDoc::kNone)
        return Raw();
    if (!doc_.hasAliases())
        return convert(node);
    if (memo_.empty()) {
        memo_.resize(doc_.size());
        done_.resize(doc_.size());
    }
    if (done_[node])
        return memo_[node];
    Raw v = convert(node);
    memo_[node] = v;
    done_[node] = true;
    return v;
}

Raw RawBuilder::convert(uint32_t node) {
    const YamlNode& n = doc_.node(node);
    switch (n.kind) {
        case YamlKind::Null:
            return Raw::null();
        case YamlKind::Scalar:
            if (n.quoted)
                return Raw(n.text);
            return tmpl::valueFromPlainYamlScalar(n.text);
        case YamlKind::Seq: {
            tmpl::List items;
            items.reserve(n.count);
            for (uint32_t k = 0; k < n.count; ++k)
                items.push_back(build(doc_.seqItem(node, k)));
            return Raw::list(std::move(items));
        }
        case YamlKind::Map: {
            tmpl::Map entries;
            for (uint32_t p = 0; p < n.count; ++p) {
                const YamlNode& k = doc_.node(doc_.mapKey(node, p));
                if (k.kind != YamlKind::Scalar)
                    continue;
                entries.emplace(k.text, build(doc_.mapValue(node, p)));
            }
            return Raw::map(std::move(entries));
        }
    }
    return Raw();
}

}  // namespace vq::model
