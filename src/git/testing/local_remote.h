#pragma once
// For tests: a bare repository on disk (the "remote", reached over file://) and a work
// tree that commits and pushes to it with the git command-line tool, as a user would.

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace vq::git::testing {

class LocalRemote {
public:
    // Everything lives under `root`, which is emptied first.
    explicit LocalRemote(std::filesystem::path root, std::string branch = "main")
        : root_(std::move(root)), branch_(std::move(branch)) {
        std::filesystem::remove_all(root_);
        std::filesystem::create_directories(work());
        ok_ = run("git init -q --bare -b " + branch_ + " " + quote(bare())) &&
              run("git init -q -b " + branch_ + " " + quote(work())) &&
              git("remote add origin " + quote(bare()));
    }
    ~LocalRemote() {
        std::error_code ec;
        std::filesystem::remove_all(root_, ec);
    }

    static bool gitAvailable() { return std::system("git --version >/dev/null 2>&1") == 0; }
    bool ok() const { return ok_; }
    std::string url() const { return "file://" + bare().string(); }
    std::filesystem::path work() const { return root_ / "work"; }
    std::filesystem::path bare() const { return root_ / "remote.git"; }

    void write(const std::string& path, const std::string& text) {
        const auto p = work() / path;
        std::filesystem::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
    }
    void remove(const std::string& path) { std::filesystem::remove_all(work() / path); }

    // Commits everything and pushes the branch; returns the new commit id ("" on failure).
    std::string commitAndPush(const std::string& message) {
        if (!git("add -A") || !git("commit -q --allow-empty -m " + quote(message)) ||
            !git("push -q origin " + branch_))
            return {};
        return head();
    }
    bool tag(const std::string& name) {
        return git("tag -f " + name) && git("push -q -f origin refs/tags/" + name);
    }
    bool pushBranch(const std::string& name) { return git("push -q -f origin HEAD:" + name); }

    std::string head() const {
        std::string out;
        const std::string cmd = "git -C " + quote(work()) + " rev-parse HEAD";
        if (FILE* p = popen(cmd.c_str(), "r")) {
            char buf[128];
            while (fgets(buf, sizeof buf, p) != nullptr)
                out += buf;
            pclose(p);
        }
        while (!out.empty() && (out.back() == '\n' || out.back() == '\r'))
            out.pop_back();
        return out;
    }

private:
    static std::string quote(const std::filesystem::path& p) { return quote(p.string()); }
    static std::string quote(const std::string& s) {
        std::string out = "'";
        for (char c : s) {
            if (c == '\'')
                out += "'\\''";
            else
                out += c;
        }
        return out + "'";
    }
    static bool run(const std::string& cmd) {
        return std::system((cmd + " >/dev/null 2>&1").c_str()) == 0;
    }
    bool git(const std::string& args) const {
        return run(
            "git -C " + quote(work()) +
            " -c user.name=test -c user.email=test@example.invalid -c commit.gpgsign=false " +
            args);
    }

    std::filesystem::path root_;
    std::string branch_;
    bool ok_ = false;
};

}  // namespace vq::git::testing
