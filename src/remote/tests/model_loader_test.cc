// The agent's load of the revisions its server sends: a delta applied to the revision held
// gives the model a whole bundle gives; deltas made against another revision and invalid
// SoTs are refused and change nothing.

#include "remote/model_loader.h"

#include <gtest/gtest.h>

#include "model/sot_bundle.h"
#include "model/sot_delta.h"

namespace vq::remote {
namespace {

std::vector<model::SotFile> sot(const std::string& host_name, const std::string& ip) {
    return {
        {"boot/node.yml", "id: node\noperating_system: os1\n"},
        {"os/os1.yml", "id: os1\nmajor_version: '1'\nos_family: CoreOS\nboot:\n  kernel: x\n"},
        {"sites/a/env.yml",
         "id: a\nsubnets:\n  - {id: net, cidr: 10.0.0.0/24, gateway: 10.0.0.1, dns: [10.0.0.2], "
         "ntp: [10.0.0.3]}\nagents:\n  - name: a1\n"},
        {"sites/a/hosts.yml", "name: " + host_name +
                                  "\nworkflow: wf\ninterfaces:\n  - {type: physical, subnet: net, "
                                  "mac: '02:00:00:00:00:01', ipv4: " +
                                  ip + "}\n"},
        {"workflows/wf.yml", "id: wf\nworkflow:\n  - boot: node\n"},
    };
}

TEST(ServedSot, ADeltaLoadsAsTheWholeBundleWould) {
    ServedSot served;
    EXPECT_EQ(served.base(), 0u);
    auto first = served.load(model::packSot(sot("h1", "10.0.0.5")));
    ASSERT_TRUE(first) << first.message();
    EXPECT_FALSE(first->from_delta);
    served.accept(*first, 4);
    EXPECT_EQ(served.base(), 4u);

    const auto next = sot("h2", "10.0.0.6");
    auto delta = served.load(model::packSotDelta(4, served.files(), next));
    ASSERT_TRUE(delta) << delta.message();
    EXPECT_TRUE(delta->from_delta);
    EXPECT_EQ(delta->files, next);
    ServedSot fresh;
    auto whole = fresh.load(model::packSot(next));
    ASSERT_TRUE(whole);
    const model::Host* h = delta->model->host("a", "h2");
    ASSERT_TRUE(h);
    EXPECT_EQ(h->interfaces.at(0).ipv4_text, "10.0.0.6");
    EXPECT_EQ(delta->model->host("a", "h1"), nullptr);
    EXPECT_EQ(h->raw, whole->model->host("a", "h2")->raw);
    served.accept(*delta, 5);
    EXPECT_EQ(served.files(), next);
}

TEST(ServedSot, ADeltaAgainstAnotherRevisionOrAnInvalidSotIsRefused) {
    ServedSot served;
    auto first = served.load(model::packSot(sot("h1", "10.0.0.5")));
    ASSERT_TRUE(first);
    served.accept(*first, 4);
    const auto held = served.files();
    auto other = served.load(model::packSotDelta(3, held, sot("h2", "10.0.0.6")));
    ASSERT_FALSE(other);
    EXPECT_EQ(other.code(), StatusCode::failed_precondition);
    auto broken = sot("h1", "10.0.0.5");
    broken[3].data = "name: [broken\n";
    auto invalid = served.load(model::packSotDelta(4, held, broken));
    ASSERT_FALSE(invalid);
    EXPECT_NE(invalid.message().find("error(s) in the SoT received"), std::string::npos);
    EXPECT_EQ(served.base(), 4u);
    EXPECT_EQ(served.files(), held);
}

}  // namespace
}  // namespace vq::remote
