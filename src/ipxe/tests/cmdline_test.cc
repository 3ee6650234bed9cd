#include "ipxe/cmdline.h"

#include <gtest/gtest.h>

namespace vq::ipxe {
namespace {

model::CmdlineEntry entry(std::string key, std::vector<std::string> values, bool list = false) {
    model::CmdlineEntry e;
    e.key = std::move(key);
    e.values = std::move(values);
    e.is_list = list;
    return e;
}

std::string joined(const std::vector<std::string>& tokens) {
    std::string out;
    for (const auto& t : tokens) {
        if (!out.empty())
            out += ' ';
        out += t;
    }
    return out;
}

TEST(Cmdline, RulesOfTheDocuments) {
    // The seed document's example (non-string list elements already dropped by the loader).
    std::vector<model::CmdlineEntry> entries = {
        entry("console", {"ttyS0,115200", "ttyS1"}, true),
        entry("lang", {" "}),
        entry("debug", {""}),
        entry("enforcing", {""}),
    };
    EXPECT_EQ(joined(translateCmdline(entries)),
              "console=ttyS0,115200 console=ttyS1 lang=  debug enforcing");
}

TEST(Cmdline, NullIsBareKeyAndOrderIsKept) {
    std::vector<model::CmdlineEntry> entries = {
        entry("noprompt", {}), entry("boot", {"live"}), entry("console", {"tty0"}),
        entry("console", {"ttyS0"}), entry("empty-list", {}, true)};
    EXPECT_EQ(joined(translateCmdline(entries)), "noprompt boot=live console=tty0 console=ttyS0");
}

TEST(Cmdline, ValuesAreRendered) {
    std::vector<model::CmdlineEntry> entries = {entry("url", {"X"}), entry("l", {"a", "b"}, true)};
    auto r =
        translateCmdline(entries, [](size_t, size_t, std::string_view t) -> Result<std::string> {
            return std::string(t) + "!";
        });
    ASSERT_TRUE(r.isOk());
    EXPECT_EQ(joined(*r), "url=X! l=a! l=b!");
}

TEST(Cmdline, RenderErrorStops) {
    std::vector<model::CmdlineEntry> entries = {entry("url", {"X"})};
    auto r = translateCmdline(entries, [](size_t, size_t, std::string_view) -> Result<std::string> {
        return Result<std::string>::error("boom");
    });
    ASSERT_FALSE(r.isOk());
    EXPECT_EQ(r.message(), "boom");
}

}  // namespace
}  // namespace vq::ipxe
