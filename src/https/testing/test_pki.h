#pragma once
// Keys and certificates for tests of TLS, made with the openssl command in a directory of
// their own (removed with the object): CAs, certificates a CA signs for a subjectAltName,
// and self-signed ones. Each maker answers false when openssl is missing or fails.

#include <cstdlib>
#include <filesystem>
#include <string>

#include <unistd.h>

namespace vq::https::testing {

class TestPki {
public:
    explicit TestPki(const std::string& tag)
        : dir_(std::filesystem::temp_directory_path() /
               ("vq-" + tag + "-" + std::to_string(::getpid()))) {
        std::filesystem::create_directories(dir_);
    }
    ~TestPki() {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    TestPki(const TestPki&) = delete;
    TestPki& operator=(const TestPki&) = delete;

    // <name>.pem and <name>.key in the directory.
    std::string file(const std::string& name) const { return (dir_ / name).string(); }

    bool ca(const std::string& name) {
        return run("openssl req -x509 -newkey rsa:2048 -nodes -keyout " + name + ".key -out " +
                   name + ".pem -days 2 -subj /CN=" + name);
    }
    // Signed by the CA `by`; `san` as openssl writes it: "IP:127.0.0.1", "DNS:client".
    bool issue(const std::string& name, const std::string& by, const std::string& san) {
        return run("openssl req -newkey rsa:2048 -nodes -keyout " + name + ".key -out " + name +
                   ".csr -subj /CN=" + name) &&
               run("(printf 'subjectAltName=" + san + "' > " + name + ".ext)") &&
               run("openssl x509 -req -in " + name + ".csr -CA " + by + ".pem -CAkey " + by +
                   ".key -CAcreateserial -days 2 -out " + name + ".pem -extfile " + name + ".ext");
    }
    bool selfSigned(const std::string& name, const std::string& san) {
        return run("openssl req -x509 -newkey rsa:2048 -nodes -keyout " + name + ".key -out " +
                   name + ".pem -days 2 -subj /CN=" + name + " -addext subjectAltName=" + san);
    }

private:
    bool run(const std::string& cmd) {
        return std::system(("cd " + dir_.string() + " && " + cmd + " >/dev/null 2>&1").c_str()) ==
               0;
    }

    std::filesystem::path dir_;
};

}  // namespace vq::https::testing
