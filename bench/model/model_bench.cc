// Data-model benchmark: generates a large SoT and compares Vaquero's load + validate with a
// plain yaml-cpp parse (YAML::LoadAll) of the same files, in one run, from memory.
//   vq-model-bench gen <dir> [hosts]     writes a SoT (10 sites, 10 inventory files each)
//   vq-model-bench run <dir> [runs]      prints both timings and their ratio

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "model/load.h"

namespace fs = std::filesystem;

namespace {

void writeFile(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
}

int generate(const fs::path& dir, long hosts) {
    constexpr int kSites = 10, kFiles = 10;
    writeFile(dir / "os/coreos.yml",
              "id: coreos\nname: CoreOS\nmajor_version: '1053'\nos_family: CoreOS\nboot:\n"
              "  kernel: \"{{.env.agentURL}}/files/coreos.vmlinuz\"\n  initrd:\n"
              "  - \"{{.env.agentURL}}/files/coreos.cpio.gz\"\ncmdline:\n"
              "  - coreos.autologin: ''\n");
    writeFile(dir / "boot/etcd.yml",
              "id: etcd\noperating_system: coreos\nunattended:\n  type: ignition\n  use: "
              "etcd.yml\nmetadata:\n  role: etcd\n");
    writeFile(dir / "workflows/etcd.yml", "id: etcd\nworkflow:\n  - boot: etcd\n");
    writeFile(dir / "assets/ignition/etcd.yml", "systemd: {}\n");
    long made = 0;
    for (int s = 0; s < kSites; ++s) {
        const std::string site = "site" + std::to_string(s);
        writeFile(dir / "sites" / site / "env.yml",
                  "id: " + site + "\nsubnets:\n  - id: net\n    cidr: 10." + std::to_string(s) +
                      ".0.0/16\n    gateway: 10." + std::to_string(s) +
                      ".0.1\n    dns: [10.0.0.53]\n    ntp: [10.0.0.123]\nagents:\n  - name: a1\n"
                      "    asset_server: {addr: 10.0.0.2, port: 24602}\nmetadata:\n  dc: " +
                      site + "\n");
        for (int f = 0; f < kFiles; ++f) {
            const long n =
                hosts / (kSites * kFiles) + (s * kFiles + f < hosts % (kSites * kFiles) ? 1 : 0);
            std::string text;
            text.reserve(static_cast<size_t>(n) * 420);
            for (long h = 0; h < n; ++h, ++made) {
                const long id = made;
                char mac[32], bmc[32], ip[32], bip[32];
                std::snprintf(mac, sizeof mac, "52:54:%02lx:%02lx:%02lx:%02lx", (id >> 24) & 0xff,
                              (id >> 16) & 0xff, (id >> 8) & 0xff, id & 0xff);
                std::snprintf(bmc, sizeof bmc, "52:55:%02lx:%02lx:%02lx:%02lx", (id >> 24) & 0xff,
                              (id >> 16) & 0xff, (id >> 8) & 0xff, id & 0xff);
                const long local = id % 60000;
                std::snprintf(ip, sizeof ip, "10.%d.%ld.%ld", s, 1 + local / 250, 1 + local % 250);
                std::snprintf(bip, sizeof bip, "10.%d.%ld.%ld", s, 241 + local / 6000 % 14,
                              1 + local % 250);
                text += "---\nname: host" + std::to_string(id) +
                        "\ninterfaces:\n  - type: physical\n    subnet: net\n    mac: " + mac +
                        "\n    identifier: eth0\n    ipv4: " + ip +
                        "\n  - type: bmc\n    subnet: net\n    mac: " + bmc + "\n    ipv4: " + bip +
                        "\n    bmc:\n      type: ipmi\n      username: admin\n      password: "
                        "secret\nmetadata:\n  rack: r" +
                        std::to_string(id % 40) + "\n  role: worker\n  etcd_name: node" +
                        std::to_string(id) + "\nworkflow: etcd\n";
            }
            writeFile(dir / "sites" / site / ("inventory-" + std::to_string(f) + ".yml"), text);
        }
    }
    std::printf("generated %ld hosts in %s\n", made, dir.c_str());
    return 0;
}

double seconds(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}

int run(const fs::path& dir, int runs) {
    std::vector<vq::model::SotFile> files;
    std::string error;
    if (!vq::model::readSotDir(dir, files, error)) {
        std::fprintf(stderr, "%s\n", error.c_str());
        return 2;
    }
    size_t bytes = 0;
    for (const auto& f : files)
        bytes += f.data.size();
    double best_parse = 1e9, best_load = 1e9;
    size_t docs = 0, hosts = 0, diags = 0;
    for (int r = 0; r < runs; ++r) {
        // Alternate so neither side always runs on a warmer heap.
        auto t0 = std::chrono::steady_clock::now();
        size_t d = 0;
        for (const auto& f : files) {
            if (!(f.path.ends_with(".yml") || f.path.ends_with(".yaml")))
                continue;
            if (f.path.starts_with("assets/"))
                continue;
            d += YAML::LoadAll(f.data).size();
        }
        auto t1 = std::chrono::steady_clock::now();
        auto result = vq::model::loadSotFiles(files);
        auto t2 = std::chrono::steady_clock::now();
        docs = d;
        hosts = result.model ? result.model->hostCount() : 0;
        diags = result.diagnostics.size();
        best_parse = std::min(best_parse, seconds(t0, t1));
        best_load = std::min(best_load, seconds(t1, t2));
    }
    std::printf("files %zu, %.1f MiB, %zu YAML documents, %zu hosts, %zu diagnostics\n",
                files.size(), static_cast<double>(bytes) / (1 << 20), docs, hosts, diags);
    std::printf("yaml-cpp LoadAll (parse only):      %.3f s (best of %d)\n", best_parse, runs);
    std::printf("vaquero loadSotFiles (load+validate): %.3f s (best of %d)\n", best_load, runs);
    std::printf("ratio load+validate / parse:          %.2fx (goal <= 1.5x)\n",
                best_load / best_parse);
    return diags == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc >= 3 && std::string(argv[1]) == "gen") {
        return generate(argv[2], argc >= 4 ? std::atol(argv[3]) : 100000);
    }
    if (argc >= 3 && std::string(argv[1]) == "run") {
        return run(argv[2], argc >= 4 ? std::atoi(argv[3]) : 3);
    }
    std::fprintf(stderr, "usage: vq-model-bench gen <dir> [hosts] | run <dir> [runs]\n");
    return 2;
}
