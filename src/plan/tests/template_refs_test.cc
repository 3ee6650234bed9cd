#include "plan/template_refs.h"

#include <gtest/gtest.h>

namespace vq::plan {
namespace {

TEST(TemplateRefs, FindsDefinesCallsAndBlocks) {
    auto r = scanTemplateRefs(
        "{{define \"a\"}}x{{end}}{{- template \"b\" .}}{{ block `c` . }}y{{end}}{{.x}}");
    EXPECT_EQ(r.defines, (std::vector<std::string>{"a", "c"}));
    EXPECT_EQ(r.calls, (std::vector<std::string>{"b", "c"}));
    EXPECT_FALSE(r.opaque);
}

TEST(TemplateRefs, PlainActionsAndLookalikesAreNotReferences) {
    auto r = scanTemplateRefs(
        "{{ .templates }}{{ templateX }}{{/* template \"c\" */}}{{ if .a }}{{end}}");
    EXPECT_TRUE(r.defines.empty());
    EXPECT_TRUE(r.calls.empty());
    EXPECT_FALSE(r.opaque);
}

TEST(TemplateRefs, UnreadableNameIsOpaque) {
    EXPECT_TRUE(scanTemplateRefs("{{ template .name . }}").opaque);
    EXPECT_TRUE(scanTemplateRefs("{{ template \"a\\\"b\" }}").opaque);
    EXPECT_TRUE(scanTemplateRefs("{{ template \"unterminated").opaque);
}

}  // namespace
}  // namespace vq::plan
