#include "tmpl/template.h"

#include "tmpl/exec.h"
#include "tmpl/lex.h"
#include "tmpl/parse.h"

namespace vq::tmpl {

Status applyOption(Options& options, std::string_view option) {
    if (option == "missingkey=default" || option == "missingkey=invalid") {
        options.missing_key = MissingKey::Default;
    } else if (option == "missingkey=zero") {
        options.missing_key = MissingKey::Zero;
    } else if (option == "missingkey=error") {
        options.missing_key = MissingKey::Error;
    } else if (option.substr(0, 11) == "missingkey=") {
        return Status::error("unrecognized option: " + std::string(option));
    } else {
        return Status::error("unrecognized option: " + std::string(option));
    }
    return Status::ok();
}

TemplateSet::TemplateSet(Options options, FuncMap funcs)
    : options_(options), funcs_(std::move(funcs)) {}

Status TemplateSet::parse(std::string_view name, std::string_view text) {
    HasFunction has = [this](std::string_view fn) {
        return builtinByName(fn) != Builtin::None || funcs_.find(fn) != funcs_.end();
    };
    auto trees = parseTemplate(name, text, has);
    if (!trees)
        return trees.status();
    for (auto& [tname, tree] : *trees) {
        auto it = trees_.find(tname);
        // Go's associate: an empty body never replaces an existing template.
        if (it != trees_.end() && isEmptyTree(tree->root.get()) && it->second)
            continue;
        trees_[tname] = std::move(tree);
    }
    return Status::ok();
}

bool TemplateSet::has(std::string_view name) const {
    return trees_.find(name) != trees_.end();
}

const Tree* TemplateSet::find(std::string_view name) const {
    auto it = trees_.find(name);
    return it == trees_.end() ? nullptr : it->second.get();
}

Status TemplateSet::executeInto(std::string& out,
                                std::string_view name,
                                const Value& dot,
                                const FuncMap* overrides) const {
    const Tree* tree = find(name);
    if (tree == nullptr) {
        return Status::error("template: no template " + goQuote(name) +
                             " associated with template " + goQuote(name));
    }
    return executeTree(*this, *tree, dot, overrides, out);
}

Result<std::string> TemplateSet::execute(std::string_view name,
                                         const Value& dot,
                                         const FuncMap* overrides) const {
    std::string out;
    Status st = executeInto(out, name, dot, overrides);
    if (!st)
        return st;
    return out;
}

}  // namespace vq::tmpl
