#include "etcd/testing/etcd_process.h"

#include <chrono>
#include <filesystem>
#include <thread>

#include "etcd/client.h"
#include "etcd/http_transport.h"
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace vq::etcd::testing {
namespace fs = std::filesystem;

namespace {

const char* kBinary = "/usr/bin/etcd";

uint16_t freePort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    uint16_t port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
        port = ntohs(addr.sin_port);
    ::close(fd);
    return port;
}

}  // namespace

bool EtcdCluster::available() {
    return ::access(kBinary, X_OK) == 0;
}

Result<std::unique_ptr<EtcdCluster>> EtcdCluster::start(int members) {
    std::unique_ptr<EtcdCluster> c(new EtcdCluster());
    std::string tmpl = (fs::temp_directory_path() / "vq-etcd-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr)
        return Status::unavailable("cannot make a directory for etcd");
    c->base_dir_ = tmpl;
    std::string initial;
    for (int i = 0; i < members; ++i) {
        Member m;
        m.name = "m" + std::to_string(i);
        m.client_port = freePort();
        m.peer_port = freePort();
        m.dir = c->base_dir_ + "/" + m.name;
        initial += (initial.empty() ? "" : ",") + m.name +
                   "=http://127.0.0.1:" + std::to_string(m.peer_port);
        c->members_.push_back(m);
    }
    for (auto& m : c->members_) {
        const std::string client = "http://127.0.0.1:" + std::to_string(m.client_port);
        const std::string peer = "http://127.0.0.1:" + std::to_string(m.peer_port);
        std::vector<std::string> args = {kBinary,
                                         "--name=" + m.name,
                                         "--data-dir=" + m.dir,
                                         "--listen-client-urls=" + client,
                                         "--advertise-client-urls=" + client,
                                         "--listen-peer-urls=" + peer,
                                         "--initial-advertise-peer-urls=" + peer,
                                         "--initial-cluster=" + initial,
                                         "--initial-cluster-state=new",
                                         "--initial-cluster-token=vq-test",
                                         "--heartbeat-interval=50",
                                         "--election-timeout=500",
                                         "--log-level=error"};
        const std::string log = c->base_dir_ + "/" + m.name + ".log";
        const pid_t pid = ::fork();
        if (pid < 0)
            return Status::unavailable("fork failed");
        if (pid == 0) {
            const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd >= 0) {
                ::dup2(fd, 1);
                ::dup2(fd, 2);
            }
            std::vector<char*> argv;
            for (auto& a : args)
                argv.push_back(a.data());
            argv.push_back(nullptr);
            ::execv(kBinary, argv.data());
            ::_exit(127);
        }
        m.pid = pid;
    }
    // Ready when every member answers a read (which needs the cluster's quorum).
    for (const auto& url : c->endpoints()) {
        auto transport = HttpTransport::create(HttpTransportOptions{{url}});
        if (!transport)
            return transport.status();
        Client client(std::shared_ptr<Transport>(std::move(*transport)),
                      ClientOptions{std::chrono::milliseconds(500)});
        bool up = false;
        for (int i = 0; i < 200 && !up; ++i) {
            up = static_cast<bool>(client.get("ping"));
            if (!up)
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        if (!up)
            return Status::unavailable("etcd at " + url + " did not come up");
    }
    return c;
}

EtcdCluster::~EtcdCluster() {
    for (size_t i = 0; i < members_.size(); ++i)
        kill(i);
    std::error_code ec;
    if (!base_dir_.empty())
        fs::remove_all(base_dir_, ec);
}

std::vector<std::string> EtcdCluster::endpoints() const {
    std::vector<std::string> out;
    for (const auto& m : members_)
        out.push_back("http://127.0.0.1:" + std::to_string(m.client_port));
    return out;
}

void EtcdCluster::kill(size_t member) {
    Member& m = members_.at(member);
    if (m.pid <= 0)
        return;
    ::kill(m.pid, SIGKILL);
    ::waitpid(m.pid, nullptr, 0);
    m.pid = -1;
}

}  // namespace vq::etcd::testing
