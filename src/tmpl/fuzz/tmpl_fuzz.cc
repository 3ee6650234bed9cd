// Fuzz entry for the template engine: the input's first line (up to 4 KiB) is JSON data, the
// rest is a template. Parsing and executing must never crash, whatever the input.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tmpl/template.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    size_t nl = input.find('\n');
    std::string_view json = nl == std::string_view::npos ? std::string_view() : input.substr(0, nl);
    std::string_view text = nl == std::string_view::npos ? input : input.substr(nl + 1);
    vq::tmpl::Value dot;
    if (!json.empty() && json.size() < 4096) {
        auto v = vq::tmpl::valueFromJson(json);
        if (v)
            dot = *v;
    }
    vq::tmpl::FuncMap funcs;
    funcs["Checkpoint"] = [](std::span<const vq::tmpl::Value>) -> vq::Result<vq::tmpl::Value> {
        return vq::tmpl::Value("http://agent.invalid/checkpoint");
    };
    for (auto mk : {vq::tmpl::MissingKey::Default, vq::tmpl::MissingKey::Error}) {
        vq::tmpl::TemplateSet set(vq::tmpl::Options{mk}, funcs);
        if (!set.parse("fuzz", text))
            continue;
        (void)set.execute("fuzz", dot);
    }
    return 0;
}
