// Fuzz entry for the SoT loader. The input is split into a tiny in-memory SoT so every
// kind of file is exercised without touching the disk:
//   byte 0 selects which file the rest becomes (env, inventory, os, boot, workflow,
//   an asset), and the remaining files come from a fixed valid base model.
// Inputs may also hold several files separated by lines "=== <path>".

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/load.h"

namespace {

const char* const kEnv =
    "id: s1\nsubnets:\n- id: net\n  cidr: 10.99.0.0/24\n  dns: [10.99.0.1]\n"
    "agents:\n- name: a1\n";
const char* const kInventory =
    "name: h1\nworkflow: w1\ninterfaces:\n- type: physical\n  mac: 52:54:00:00:00:01\n"
    "  subnet: net\n  ipv4: 10.99.0.10\n";
const char* const kOs = "id: os1\nos_family: CoreOS\nboot:\n  kernel: k\n  initrd: [i]\n";
const char* const kBoot =
    "id: b1\noperating_system: os1\nunattended:\n  type: ignition\n  use: a.yml\n";
const char* const kWorkflow = "id: w1\nworkflow:\n- boot: b1\n";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    std::vector<vq::model::SotFile> files = {
        {"sites/s1/env.yml", kEnv},
        {"sites/s1/inventory.yml", kInventory},
        {"os/os.yml", kOs},
        {"boot/b.yml", kBoot},
        {"workflows/w.yml", kWorkflow},
        {"assets/ignition/a.yml", "ignition: {}\n"},
    };
    if (in.starts_with("=== ")) {
        // Multi-file form: each "=== path\n" starts a file that replaces or adds to the base.
        size_t pos = 0;
        while (pos < in.size() && in.substr(pos).starts_with("=== ")) {
            const size_t eol = in.find('\n', pos);
            const std::string path(
                in.substr(pos + 4, (eol == std::string_view::npos ? in.size() : eol) - pos - 4));
            const size_t body = eol == std::string_view::npos ? in.size() : eol + 1;
            size_t next = in.find("\n=== ", body);
            next = next == std::string_view::npos ? in.size() : next + 1;
            std::string text(in.substr(body, next - body));
            bool replaced = false;
            for (auto& f : files) {
                if (f.path == path) {
                    f.data = text;
                    replaced = true;
                }
            }
            if (!replaced && !path.empty())
                files.push_back({path, std::move(text)});
            pos = next;
        }
    } else if (!in.empty()) {
        const size_t target = static_cast<uint8_t>(in[0]) % files.size();
        files[target].data = std::string(in.substr(1));
    }
    auto result = vq::model::loadSotFiles(files);
    for (const auto& d : result.diagnostics)
        (void)d.toString();
    (void)vq::model::diagnosticsToJson(result.diagnostics);
    if (result.model) {
        for (const auto& s : result.model->sites()) {
            for (const auto& h : s.hosts) {
                for (const auto& i : h.interfaces) {
                    if (i.mac)
                        (void)result.model->findByMac(s.id, *i.mac);
                }
            }
        }
    }
    return 0;
}
