#pragma once
// Real etcd members for integration tests: `etcd` from Debian's etcd-server, on loopback
// ports picked free, each with its own data directory, stopped by PID (SIGKILL, then the
// directory removed). A cluster of N members is started together. Absent binary: available()
// is false and the test skips.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <sys/types.h>

#include "base/result.h"

namespace vq::etcd::testing {

class EtcdCluster {
public:
    static bool available();
    // Starts `members` members and waits (up to 20 s) until every one answers.
    static Result<std::unique_ptr<EtcdCluster>> start(int members = 1);
    ~EtcdCluster();

    // "http://127.0.0.1:PORT" of every member's client URL.
    std::vector<std::string> endpoints() const;
    void kill(size_t member);  // SIGKILL
    pid_t pid(size_t member) const { return members_[member].pid; }

private:
    struct Member {
        std::string name;
        uint16_t client_port = 0;
        uint16_t peer_port = 0;
        std::string dir;
        pid_t pid = -1;
    };
    EtcdCluster() = default;
    std::vector<Member> members_;
    std::string base_dir_;
};

}  // namespace vq::etcd::testing
