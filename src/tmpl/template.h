#pragma once
// tmpl::TemplateSet: Go's *template.Template set. Parse once, then execute concurrently:
// a parsed set is immutable and every execution keeps its own state and output buffer.

#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "base/result.h"
#include "tmpl/value.h"

namespace vq::tmpl {

struct Tree;

using Function = std::function<Result<Value>(std::span<const Value> args)>;
using FuncMap = std::map<std::string, Function, std::less<>>;

enum class MissingKey { Default, Zero, Error };

struct Options {
    MissingKey missing_key = MissingKey::Default;
};

// Applies a Go option string ("missingkey=default|invalid|zero|error") to `options`.
Status applyOption(Options& options, std::string_view option);

class TemplateSet {
public:
    explicit TemplateSet(Options options = {}, FuncMap funcs = {});

    // Parses `text` as template `name`, adding it and every {{define}}/{{block}} it holds.
    // A later parse may redefine a template; an empty (whitespace-only) body does not
    // replace an existing one. Functions must be in the FuncMap given at construction.
    Status parse(std::string_view name, std::string_view text);
    bool has(std::string_view name) const;

    // Renders template `name` with `dot`. `overrides` replaces same-named functions for this
    // call only (per-host functions such as Checkpoint).
    Result<std::string> execute(std::string_view name,
                                const Value& dot,
                                const FuncMap* overrides = nullptr) const;
    // Same, appending to `out` (which keeps the partial output on error).
    Status executeInto(std::string& out,
                       std::string_view name,
                       const Value& dot,
                       const FuncMap* overrides = nullptr) const;

    const Options& options() const { return options_; }
    const FuncMap& funcs() const { return funcs_; }
    const Tree* find(std::string_view name) const;

private:
    Options options_;
    FuncMap funcs_;
    std::map<std::string, std::shared_ptr<const Tree>, std::less<>> trees_;
};

}  // namespace vq::tmpl
