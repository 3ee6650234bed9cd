#include "plan/fingerprint.h"

#include "plan/hash.h"
#include "sot_fixture.h"
#include <gtest/gtest.h>

namespace vq::plan {
namespace {

using testing::Sot;

// Fingerprints of web1 and db1, in that order.
std::pair<uint64_t, uint64_t> prints(const Sot& sot) {
    auto m = sot.load();
    const InputFingerprints fp(*m);
    const model::Site& site = *m->site("lab");
    return {fp.host(site, *m->host("lab", "web1")), fp.host(site, *m->host("lab", "db1"))};
}

TEST(Fnv64, IsTheStandardFnv1a) {
    EXPECT_EQ(fnv64(""), 0xcbf29ce484222325ULL);
    EXPECT_EQ(fnv64("a"), 0xaf63dc4c8601ec8cULL);
    EXPECT_EQ(hashHex(fnv64("foobar")), "85944171f73967e8");
}

TEST(Fingerprint, SameInputsSameFingerprints) {
    Sot sot;
    EXPECT_EQ(prints(sot), prints(sot));
    EXPECT_NE(prints(sot).first, prints(sot).second);
}

TEST(Fingerprint, CommentsAndLayoutDoNotCount) {
    Sot a, b;
    b["sites/lab/inventory.yml"] = "# a comment\n" + b["sites/lab/inventory.yml"];
    b.replace("workflows/web.yml", "deps:", "# why\ndeps:");
    b.replace("sites/lab/env.yml", "dc: one", "dc:   one   # same value");
    EXPECT_EQ(prints(a), prints(b));
}

TEST(Fingerprint, ASnippetMovesOnlyTheHostsThatReachIt) {
    Sot a, b;
    b["assets/untyped/snippets/db.cfg"] = "{{define \"db\"}}engine=mysql{{end}}";
    EXPECT_EQ(prints(a).first, prints(b).first);
    EXPECT_NE(prints(a).second, prints(b).second);
}

TEST(Fingerprint, ANewDefinitionOfACalledNameCounts) {
    // A later file redefining "web" could change what web.cfg renders.
    Sot a, b;
    b["assets/untyped/snippets/zz.cfg"] = "{{define \"web\"}}listen=8080{{end}}";
    EXPECT_NE(prints(a).first, prints(b).first);
    EXPECT_EQ(prints(a).second, prints(b).second);
}

TEST(Fingerprint, AnUnreadableCallDependsOnEveryTemplate) {
    Sot a;
    // "we\x62" is "web", but only an executed template knows it.
    a["assets/untyped/db.cfg"] = "{{template \"we\\x62\" .}}\n";
    Sot b = a;
    b["assets/untyped/snippets/web.cfg"] = "{{define \"web\"}}listen=81{{end}}";
    EXPECT_NE(prints(a).second, prints(b).second);
}

TEST(Fingerprint, SharedInputsMoveEveryHostUsingThem) {
    Sot a, env, os;
    env.replace("sites/lab/env.yml", "dc: one", "dc: two");
    os.replace("os/linux.yml", "console: ttyS0", "console: ttyS1");
    for (const Sot* b : {&env, &os}) {
        EXPECT_NE(prints(a).first, prints(*b).first);
        EXPECT_NE(prints(a).second, prints(*b).second);
    }
}

TEST(Fingerprint, AHostsOwnDocumentAndWorkflowMoveOnlyIt) {
    Sot a, meta, wf;
    meta.replace("sites/lab/inventory.yml", "role: db", "role: pg");
    wf.replace("workflows/web.yml", "max_concurrent: 1", "max_concurrent: 2");
    EXPECT_EQ(prints(a).first, prints(meta).first);
    EXPECT_NE(prints(a).second, prints(meta).second);
    EXPECT_NE(prints(a).first, prints(wf).first);  // conservative: the whole workflow document
    EXPECT_EQ(prints(a).second, prints(wf).second);
}

TEST(Fingerprint, UnrelatedAssetsAndBootsDoNotCount) {
    Sot a, b;
    b["assets/untyped/other.cfg"] = "x={{.host.name}}\n";
    b["boot/other.yml"] = "id: other\noperating_system: linux\n";
    EXPECT_EQ(prints(a), prints(b));
}

}  // namespace
}  // namespace vq::plan
