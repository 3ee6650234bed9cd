// Golden previews: for every host of every example SoT and every boot of its workflow, the
// iPXE script (BIOS and EFI) and the unattended config, exactly as served. Regenerate with
// VQ_UPDATE_GOLDEN=1 after an intended change, and review the diff.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "model/load.h"
#include "render/boot_renderer.h"
#include "render/compiled.h"

namespace vq::render {
namespace {

namespace fs = std::filesystem;

const char* const kExamples[] = {"v0.14", "release-tag-2016", "vagrant-git-sot",
                                 "vagrant-lab/local"};

std::string readFile(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool updating() {
    return std::getenv("VQ_UPDATE_GOLDEN") != nullptr;
}

void expectGolden(const fs::path& path, const std::string& actual) {
    if (updating()) {
        fs::create_directories(path.parent_path());
        std::ofstream(path, std::ios::binary) << actual;
        return;
    }
    ASSERT_TRUE(fs::exists(path)) << path << " missing; run with VQ_UPDATE_GOLDEN=1";
    EXPECT_EQ(readFile(path), actual) << "golden " << path;
}

std::string slug(std::string s) {
    for (char& c : s) {
        if (c == '/')
            c = '_';
    }
    return s;
}

class GoldenTest : public ::testing::TestWithParam<const char*> {};

TEST_P(GoldenTest, EveryHostEveryBoot) {
    const std::string example = GetParam();
    auto loaded = model::loadSot(fs::path("examples") / example);
    ASSERT_TRUE(loaded.model) << example;
    ASSERT_FALSE(loaded.hasErrors()) << example;
    const model::Model& m = *loaded.model;
    BootRenderer renderer(CompiledModel::build(loaded.model));
    const fs::path dir = fs::path("src/render/testdata/golden") / slug(example);
    size_t rendered = 0;
    for (const auto& site : m.sites()) {
        for (const auto& host : site.hosts) {
            std::string mac;
            for (const auto& i : host.interfaces) {
                if (i.mac && i.type != "bmc") {
                    mac = i.mac->toString();
                    break;
                }
            }
            for (const auto& [k, v] : host.selectors) {
                if (mac.empty() && k == "mac")
                    mac = v;
            }
            ASSERT_FALSE(mac.empty()) << host.name;
            std::vector<std::string> boots;
            if (!host.boot.empty())
                boots.push_back(host.boot);
            if (const auto* wf = m.workflow(host.workflow)) {
                for (const auto& s : wf->stages)
                    boots.push_back(s.boot);
            }
            for (const auto& boot : boots) {
                const std::string base = site.id + "." + host.name + "." + boot;
                BootRequest req{mac, boot, "pcbios", ""};
                Outcome ipxe = renderer.ipxe(req);
                ASSERT_TRUE(ipxe.ok()) << base << ": " << ipxe.reason;
                expectGolden(dir / (base + ".ipxe"), ipxe.body);
                req.platform = "efi";
                Outcome efi = renderer.ipxe(req);
                ASSERT_TRUE(efi.ok()) << base << ": " << efi.reason;
                expectGolden(dir / (base + ".efi.ipxe"), efi.body);
                Outcome config = renderer.config(req);
                if (config.status == 404)
                    continue;  // a boot without unattended config
                ASSERT_TRUE(config.ok()) << base << ": " << config.reason;
                expectGolden(dir / (base + ".config"), config.body);
                ++rendered;
            }
        }
    }
    EXPECT_GT(rendered, 0u);
}

INSTANTIATE_TEST_SUITE_P(Examples,
                         GoldenTest,
                         ::testing::ValuesIn(kExamples),
                         [](const auto& param_info) {
                             std::string n = param_info.param;
                             for (char& c : n) {
                                 if (!std::isalnum(static_cast<unsigned char>(c)))
                                     c = '_';
                             }
                             return n;
                         });

}  // namespace
}  // namespace vq::render
