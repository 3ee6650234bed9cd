#pragma once
// The executor: walks an immutable tree with per-call state (text/template/exec.go).

#include <string>

#include "base/result.h"
#include "tmpl/node.h"
#include "tmpl/template.h"

namespace vq::tmpl {

Status executeTree(const TemplateSet& set,
                   const Tree& tree,
                   const Value& dot,
                   const FuncMap* overrides,
                   std::string& out);

}  // namespace vq::tmpl
