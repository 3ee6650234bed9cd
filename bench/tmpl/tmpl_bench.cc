// Template throughput: parses the given template files once into one set, then executes the
// last one against the JSON data file ITERS times, and prints renders per second.
// Usage: vq-tmpl-bench DATA.json ITERS FILE... (snippets first, main template last)

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tmpl/template.h"

namespace {

std::string readFile(const char* path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: vq-tmpl-bench DATA.json ITERS FILE...\n");
        return 2;
    }
    auto data = vq::tmpl::valueFromJson(readFile(argv[1]));
    if (!data) {
        std::fprintf(stderr, "%s\n", data.message().c_str());
        return 1;
    }
    long iters = std::atol(argv[2]);
    vq::tmpl::FuncMap funcs;
    funcs["Checkpoint"] = [](std::span<const vq::tmpl::Value>) -> vq::Result<vq::tmpl::Value> {
        return vq::tmpl::Value("http://10.10.10.5:24602/checkpoint/00:00:00:00:00:01?boot=etcd");
    };
    vq::tmpl::TemplateSet set({}, funcs);
    std::string name;
    for (int i = 3; i < argc; ++i) {
        name = std::filesystem::path(argv[i]).filename().string();
        if (auto st = set.parse(name, readFile(argv[i])); !st) {
            std::fprintf(stderr, "%s\n", st.message().c_str());
            return 1;
        }
    }
    size_t bytes = 0;
    std::string out;
    auto start = std::chrono::steady_clock::now();
    for (long i = 0; i < iters; ++i) {
        out.clear();
        if (auto st = set.executeInto(out, name, *data); !st) {
            std::fprintf(stderr, "%s\n", st.message().c_str());
            return 1;
        }
        bytes += out.size();
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("cpp renders=%ld seconds=%.3f renders_per_sec=%.0f bytes_per_render=%zu\n", iters,
                secs, static_cast<double>(iters) / secs, bytes / static_cast<size_t>(iters));
    return 0;
}
