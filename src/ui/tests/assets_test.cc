#include "ui/assets.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace vq::ui {
namespace {

TEST(UiAssets, ThePageAndItsScriptAreBuiltInByteForByte) {
    const Asset* index = findAsset("index.html");
    ASSERT_NE(index, nullptr);
    EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
    const Asset* app = findAsset("app.js");
    ASSERT_NE(app, nullptr);
    EXPECT_EQ(app->content_type, "text/javascript; charset=utf-8");
    std::ifstream in("ui/app.js", std::ios::binary);  // tests run from the repository root
    std::stringstream source;
    source << in.rdbuf();
    EXPECT_EQ(app->body, source.str());
}

TEST(UiAssets, UnknownPathsAreNotFound) {
    EXPECT_EQ(findAsset(""), nullptr);
    EXPECT_EQ(findAsset("../CMakeLists.txt"), nullptr);
    EXPECT_EQ(findAsset("app.js/"), nullptr);
}

}  // namespace
}  // namespace vq::ui
