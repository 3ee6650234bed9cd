#pragma once
// Which named templates a template text defines and calls ({{define}}, {{template}},
// {{block}}), found by scanning its actions. Used to know which snippets an asset can reach
// without executing it. Over-approximates on purpose: anything that looks like an action is
// scanned (even inside a string), and a name that cannot be read statically marks the text
// `opaque` so callers assume it may reach anything.

#include <string>
#include <string_view>
#include <vector>

namespace vq::plan {

struct TemplateRefs {
    std::vector<std::string> defines;  // {{define "x"}}, {{block "x"}}
    std::vector<std::string> calls;    // {{template "x"}}, {{block "x"}}
    bool opaque = false;
};

TemplateRefs scanTemplateRefs(std::string_view text);

}  // namespace vq::plan
