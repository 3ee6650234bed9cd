// Replays src/tmpl/testdata/golden.jsonl, produced by Go 1.19's text/template through
// tools/tmpl_oracle: every success must match byte for byte, every Go error must be an error
// here too, with the same "template: NAME:LINE" location.

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tmpl/template.h"

namespace vq::tmpl {
namespace {

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

FuncMap testFuncs() {
    FuncMap funcs;
    funcs["Checkpoint"] = [](std::span<const Value>) -> Result<Value> {
        return Value("http://agent.invalid/checkpoint");
    };
    funcs["echo"] = [](std::span<const Value> args) -> Result<Value> {
        if (args.size() != 1)
            return Result<Value>::error("wrong number of args");
        return args[0];
    };
    funcs["fail"] = [](std::span<const Value>) -> Result<Value> {
        return Result<Value>::error("boom");
    };
    return funcs;
}

// "template: NAME:LINE" (the part of the message Go's location puts first).
std::string location(const std::string& msg) {
    size_t colon = msg.find(':', 10);
    if (colon == std::string::npos)
        return msg;
    size_t end = colon + 1;
    while (end < msg.size() && std::isdigit(static_cast<unsigned char>(msg[end])))
        ++end;
    return msg.substr(0, end);
}

std::vector<nlohmann::json>& cases() {
    static std::vector<nlohmann::json> all = [] {
        std::vector<nlohmann::json> v;
        std::istringstream in(readFile("src/tmpl/testdata/golden.jsonl"));
        std::string line;
        while (std::getline(in, line)) {
            if (!line.empty())
                v.push_back(nlohmann::json::parse(line));
        }
        return v;
    }();
    return all;
}

nlohmann::json& dataSets() {
    static nlohmann::json data = nlohmann::json::parse(readFile("src/tmpl/testdata/data.json"));
    return data;
}

TEST(Golden, AllCasesMatchGo) {
    ASSERT_GT(cases().size(), 0u) << "golden file missing; run from the source root";
    int exact_errors = 0;
    int errors = 0;
    for (const auto& c : cases()) {
        std::string name = c["name"];
        SCOPED_TRACE(name);
        auto data = valueFromJson(dataSets()[c["data"].get<std::string>()].dump());
        ASSERT_TRUE(data.isOk());
        Options opts;
        if (c.contains("option")) {
            ASSERT_TRUE(applyOption(opts, c["option"].get<std::string>()));
        }
        TemplateSet set(opts, testFuncs());
        Status st;
        for (const auto& part : c["parts"]) {
            st = set.parse(name, part.get<std::string>());
            if (!st)
                break;
        }
        std::string out;
        if (st) {
            auto r = set.execute(name, *data);
            if (r) {
                out = *r;
            } else {
                st = r.status();
            }
        }
        if (c["ok"].get<bool>()) {
            EXPECT_TRUE(st.isOk()) << st.message();
            EXPECT_EQ(out, c["output"].get<std::string>());
        } else {
            ++errors;
            std::string want = c["error"];
            EXPECT_FALSE(st.isOk()) << "Go failed with: " << want << "\nwe rendered: " << out;
            if (!st.isOk()) {
                EXPECT_EQ(location(st.message()), location(want))
                    << "ours: " << st.message() << "\nGo:   " << want;
                if (st.message() == want)
                    ++exact_errors;
            }
        }
    }
    std::printf("golden: %zu cases, %d error cases, %d error messages identical to Go\n",
                cases().size(), errors, exact_errors);
}

}  // namespace
}  // namespace vq::tmpl
