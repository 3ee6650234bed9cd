#include "git/url_redaction.h"

#include <gtest/gtest.h>

namespace vq::git {
namespace {

TEST(UrlRedaction, CredentialsAreRemoved) {
    EXPECT_EQ(urlWithoutCredentials("https://x-access-token:ghp_abc@github.com/a/b"),
              "https://github.com/a/b");
    EXPECT_EQ(urlWithoutCredentials("ssh://git@example.com/a.git"), "ssh://example.com/a.git");
    EXPECT_EQ(urlWithoutCredentials("https://github.com/a/b@c"), "https://github.com/a/b@c");
    EXPECT_EQ(urlWithoutCredentials("file:///srv/sot.git"), "file:///srv/sot.git");
}

}  // namespace
}  // namespace vq::git
