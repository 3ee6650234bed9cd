#include "power/ssh_driver.h"

#include <chrono>
#include <filesystem>
#include <memory>
#include <system_error>
#include <utility>

#include <fmt/format.h>
#include <libssh/libssh.h>

namespace vq::power {
namespace {

struct SessionCloser {
    void operator()(ssh_session s) const {
        if (ssh_is_connected(s))
            ssh_disconnect(s);
        ssh_free(s);
    }
};
struct ChannelCloser {
    void operator()(ssh_channel c) const {
        ssh_channel_close(c);
        ssh_channel_free(c);
    }
};
struct KeyCloser {
    void operator()(ssh_key k) const { ssh_key_free(k); }
};
using SessionPtr = std::unique_ptr<ssh_session_struct, SessionCloser>;
using ChannelPtr = std::unique_ptr<ssh_channel_struct, ChannelCloser>;
using KeyPtr = std::unique_ptr<ssh_key_struct, KeyCloser>;

class Connection {
public:
    Connection(const Target& t, const SshOptions& o) : t_(t), o_(o) {}

    Status open() {
        if (o_.known_hosts_dir.empty())
            return fail("no directory for known_hosts was given");
        std::error_code ec;
        std::filesystem::create_directories(o_.known_hosts_dir, ec);
        if (ec)
            return fail(fmt::format("cannot create {}: {}", o_.known_hosts_dir, ec.message()));
        session_.reset(ssh_new());
        if (!session_)
            return fail("out of memory");
        const std::string known = o_.known_hosts_dir + "/known_hosts";
        const long timeout = static_cast<long>(o_.timeout.count());
        const unsigned port = static_cast<unsigned>(effectivePort(t_));
        const bool no = false;
        ssh_session s = session_.get();
        // The user's ~/.ssh/config and the system known_hosts must not change what is
        // accepted: only our own file counts.
        if (ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no) < 0 ||
            ssh_options_set(s, SSH_OPTIONS_HOST, t_.address.c_str()) < 0 ||
            ssh_options_set(s, SSH_OPTIONS_PORT, &port) < 0 ||
            ssh_options_set(s, SSH_OPTIONS_USER, t_.username.c_str()) < 0 ||
            ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout) < 0 ||
            ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, known.c_str()) < 0 ||
            ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null") < 0)
            return fail(fmt::format("bad SSH option: {}", ssh_get_error(s)));
        if (ssh_connect(s) != SSH_OK)
            return fail(fmt::format("cannot connect: {}", ssh_get_error(s)));
        VQ_TRY(checkHostKey());
        return authenticate();
    }

    Status run(const std::string& command) {
        ChannelPtr channel(ssh_channel_new(session_.get()));
        if (!channel)
            return fail("cannot open a channel");
        if (ssh_channel_open_session(channel.get()) != SSH_OK)
            return fail(fmt::format("cannot open a session: {}", ssh_get_error(session_.get())));
        if (ssh_channel_request_exec(channel.get(), command.c_str()) != SSH_OK)
            return fail(
                fmt::format("cannot run the reboot command: {}", ssh_get_error(session_.get())));
        // Drain output until the command ends, for at most one timeout in all; a rebooting
        // host may drop the connection first, which counts as done.
        char buf[256];
        const auto deadline = std::chrono::steady_clock::now() + o_.timeout;
        while (true) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0)
                break;
            const int n = ssh_channel_read_timeout(channel.get(), buf, sizeof buf, 0,
                                                   static_cast<int>(left.count()));
            if (n <= 0)
                break;
        }
        const int exit = ssh_channel_get_exit_status(channel.get());
        if (exit > 0)
            return fail(fmt::format("the reboot command exited with status {}", exit));
        return Status::ok();
    }

private:
    Status checkHostKey() {
        switch (ssh_session_is_known_server(session_.get())) {
            case SSH_KNOWN_HOSTS_OK:
                return Status::ok();
            case SSH_KNOWN_HOSTS_UNKNOWN:
            case SSH_KNOWN_HOSTS_NOT_FOUND:
                // First use: remember this key; later connections must present the same.
                if (ssh_session_update_known_hosts(session_.get()) != SSH_OK)
                    return fail(fmt::format("cannot record the host key: {}",
                                            ssh_get_error(session_.get())));
                return Status::ok();
            case SSH_KNOWN_HOSTS_CHANGED:
            case SSH_KNOWN_HOSTS_OTHER:
                return fail(fmt::format(
                    "the host key differs from the one recorded in {}/known_hosts; refusing to "
                    "connect (remove the old entry if the host was really reinstalled)",
                    o_.known_hosts_dir));
            case SSH_KNOWN_HOSTS_ERROR:
            default:
                return fail(
                    fmt::format("cannot check the host key: {}", ssh_get_error(session_.get())));
        }
    }

    Status authenticate() {
        if (t_.keypath.empty())
            return fail("no keypath for the private key");
        ssh_key raw = nullptr;
        if (ssh_pki_import_privkey_file(t_.keypath.c_str(), nullptr, nullptr, nullptr, &raw) !=
            SSH_OK)
            return fail(fmt::format("cannot read the private key at {}", t_.keypath));
        KeyPtr key(raw);
        if (ssh_userauth_publickey(session_.get(), nullptr, key.get()) != SSH_AUTH_SUCCESS)
            return fail(
                fmt::format("the key at {} was refused for user {}", t_.keypath, t_.username));
        return Status::ok();
    }

    Status fail(const std::string& why) const {
        return Status::error(redact(fmt::format("{}: {}", describe(t_), why), t_));
    }

    const Target& t_;
    const SshOptions& o_;
    SessionPtr session_;
};

}  // namespace

SshDriver::SshDriver(Target target, SshOptions options)
    : target_(std::move(target)), options_(std::move(options)) {}

Result<PowerState> SshDriver::status() {
    Connection c(target_, options_);
    VQ_TRY(c.open());
    return PowerState::On;
}

Status SshDriver::on() {
    return Status::error(fmt::format("{}: an ssh BMC cannot power a host on", describe(target_)));
}

Status SshDriver::off() {
    return Status::error(
        fmt::format("{}: an ssh BMC cannot power a host off, only reboot it", describe(target_)));
}

Status SshDriver::runCommand() {
    Connection c(target_, options_);
    VQ_TRY(c.open());
    return c.run(options_.command);
}

Status SshDriver::cycle() {
    return runCommand();
}

Result<SoftOutcome> SshDriver::soft() {
    VQ_TRY(runCommand());
    return SoftOutcome::Graceful;
}

Status SshDriver::bootdevPxe() {
    return Status::ok();
}

}  // namespace vq::power
