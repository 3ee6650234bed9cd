#include "plan/line_diff.h"

#include <algorithm>
#include <string>

#include <gtest/gtest.h>

namespace vq::plan {
namespace {

TEST(LineDiff, EqualTextsGiveNoDiff) {
    EXPECT_EQ(unifiedDiff("a\nb\n", "a\nb\n", "old", "new"), "");
}

TEST(LineDiff, OneChangedLineWithContext) {
    const std::string a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
    const std::string b = "1\n2\n3\n4\nFIVE\n6\n7\n8\n9\n";
    EXPECT_EQ(unifiedDiff(a, b, "a/x", "b/x"),
              "--- a/x\n+++ b/x\n"
              "@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+FIVE\n 6\n 7\n 8\n");
}

TEST(LineDiff, InsertAtStartAndDeleteAtEndMakeTwoHunks) {
    std::string a, b = "new\n";
    for (int i = 1; i <= 20; ++i) {
        a += std::to_string(i) + "\n";
        if (i < 20)
            b += std::to_string(i) + "\n";
    }
    EXPECT_EQ(unifiedDiff(a, b, "o", "n"),
              "--- o\n+++ n\n"
              "@@ -1,3 +1,4 @@\n+new\n 1\n 2\n 3\n"
              "@@ -17,4 +18,3 @@\n 17\n 18\n 19\n-20\n");
}

TEST(LineDiff, NearbyChangesShareOneHunk) {
    EXPECT_EQ(unifiedDiff("a\nb\nc\nd\ne\n", "A\nb\nc\nd\nE\n", "o", "n", {.context = 2}),
              "--- o\n+++ n\n@@ -1,5 +1,5 @@\n-a\n+A\n b\n c\n d\n-e\n+E\n");
}

TEST(LineDiff, ShortestScriptKeepsMovedBlocksMinimal) {
    // Myers finds the 2-edit script (delete x, insert x at the end), not a rewrite.
    auto script = diffLines("x\na\nb\nc\n", "a\nb\nc\nx\n");
    int edits = 0;
    for (const auto& l : script)
        edits += l.op == DiffOp::Equal ? 0 : 1;
    EXPECT_EQ(edits, 2);
}

TEST(LineDiff, ScriptReproducesBothSides) {
    const std::string a = "k\nl\nm\nn\no\np\nq\n", b = "k\nx\nm\ny\nz\np\nq\nr\n";
    std::string ra, rb;
    for (const auto& l : diffLines(a, b)) {
        if (l.op != DiffOp::Insert)
            ra += std::string(l.text) + "\n";
        if (l.op != DiffOp::Delete)
            rb += std::string(l.text) + "\n";
    }
    EXPECT_EQ(ra, a);
    EXPECT_EQ(rb, b);
}

TEST(LineDiff, CapsPrintedLines) {
    std::string a, b;
    for (int i = 0; i < 100; ++i) {
        a += "old" + std::to_string(i) + "\n";
        b += "new" + std::to_string(i) + "\n";
    }
    const std::string d = unifiedDiff(a, b, "o", "n", {.max_lines = 10});
    EXPECT_NE(d.find("... 191 more lines\n"), std::string::npos) << d;  // 1 @@ + 200 lines
    EXPECT_EQ(std::count(d.begin(), d.end(), '\n'), 2 + 10 + 1);
}

TEST(LineDiff, EditCapFallsBackToReplaceAll) {
    auto script = diffLines("a\nb\nc\n", "x\ny\nz\n", /*max_edits=*/2);
    ASSERT_EQ(script.size(), 6u);
    EXPECT_EQ(script[0].op, DiffOp::Delete);
    EXPECT_EQ(script[5].op, DiffOp::Insert);
}

TEST(LineDiff, MissingFinalNewlineIsStillADifference) {
    EXPECT_NE(unifiedDiff("a\n", "a", "o", "n"), "");
}

}  // namespace
}  // namespace vq::plan
