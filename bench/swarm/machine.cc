#include "machine.h"

#include "dhcp_exchange.h"
#include "http_get.h"
#include "ipxe_script.h"
#include "tftp_fetch.h"
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/this_coro.hpp>
#include <sys/socket.h>

namespace vq::swarm {

namespace {

namespace asio = boost::asio;
using asio::ip::udp;

// A UDP socket of this machine: its interface, its address, a port of its own.
bool openUdp(udp::socket& s, const MachineSpec& m, Timeline& t) {
    boost::system::error_code ec;
    s.open(udp::v4(), ec);
    if (!ec && ::setsockopt(s.native_handle(), SOL_SOCKET, SO_BINDTODEVICE, m.ifname.c_str(),
                            static_cast<socklen_t>(m.ifname.size())) != 0)
        ec = boost::system::error_code(errno, boost::system::system_category());
    if (!ec)
        s.bind(udp::endpoint(asio::ip::address_v4(m.address.value()), 0), ec);
    if (ec)
        t.fail("udp socket on " + m.ifname + ": " + ec.message());
    return !ec;
}

std::string uuidOf(const MacAddr& mac) {
    // The SMBIOS UUID the simulated machines report (the same bytes as their option 97).
    char buf[40];
    const auto& b = mac.bytes();
    std::snprintf(buf, sizeof buf, "00000000-0000-0000-0000-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                  b[2], b[3], b[4], b[5]);
    return buf;
}

}  // namespace

asio::awaitable<void> bootMachine(DhcpLink& link,
                                  const MachineSpec& m,
                                  const BootLimits& limits,
                                  Timeline& t) {
    auto ex = co_await asio::this_coro::executor;
    t.power_on = Clock::now();
    const Firmware fw = m.firmware;

    if (fw != Firmware::IpxeRom) {
        auto lease = co_await dhcpExchange(link, fw, DhcpStage::Firmware, m.mac, t, "");
        if (!lease)
            co_return;
        if (lease->address != m.address) {
            t.fail("dhcp: offered " + lease->address.toString() + ", inventory says " +
                   m.address.toString());
            co_return;
        }
        if (lease->boot_file.empty() || lease->next_server.isZero()) {
            t.fail("dhcp: no boot file or TFTP server in the ACK");
            co_return;
        }
        const udp::endpoint server(asio::ip::address_v4(lease->next_server.value()), 69);
        const auto how = tftpBehaviour(fw);
        if (how.tsize_probe) {
            udp::socket probe(ex);
            if (!openUdp(probe, m, t) ||
                !co_await tftpProbe(probe, server, lease->boot_file, how, t))
                co_return;
            t.mark("tftp_probe");
        }
        udp::socket transfer(ex);
        if (!openUdp(transfer, m, t))
            co_return;
        if (co_await tftpFetch(transfer, server, lease->boot_file, how, t) == 0)
            co_return;
        t.mark("tftp_done");
    }

    // The iPXE that was loaded (or the ROM that is iPXE) asks DHCP again, as iPXE.
    auto lease = co_await dhcpExchange(link, fw, DhcpStage::Ipxe, m.mac, t, "ipxe_");
    if (!lease)
        co_return;
    if (lease->address != m.address) {
        t.fail("ipxe dhcp: offered " + lease->address.toString() + ", inventory says " +
               m.address.toString());
        co_return;
    }
    if (lease->boot_file.rfind("http://", 0) != 0) {
        t.fail("ipxe dhcp: boot file is not an HTTP URL: '" + lease->boot_file + "'");
        co_return;
    }

    IpxeSettings settings{{"net0/mac", m.mac.toString()},
                          {"netX/mac", m.mac.toString()},
                          {"mac", m.mac.toString()},
                          {"uuid", uuidOf(m.mac)},
                          {"ip", m.address.toString()},
                          {"net0/ip", m.address.toString()},
                          {"hostname", lease->hostname},
                          {"domain", lease->domain},
                          {"platform", std::string(ipxePlatform(fw))},
                          {"buildarch", std::string(ipxeBuildArch(fw))}};
    HttpClient ipxe(ex, m.ifname, m.address);
    std::string error;
    std::string url = lease->boot_file;
    IpxeBoot boot;
    for (int depth = 0; depth < 4; ++depth) {
        auto answer = co_await ipxe.get(url, true, Clock::now() + limits.http_request, error, t);
        if (!answer) {
            t.fail("http: " + error);
            co_return;
        }
        if (answer->status != 200) {
            t.fail("http: " + url + " answered " + std::to_string(answer->status));
            co_return;
        }
        t.mark(depth == 0 ? "boot_script" : "host_script");
        boot = interpretScript(answer->body, url, settings, error);
        if (!error.empty()) {
            t.fail("ipxe: " + url + ": " + error);
            co_return;
        }
        if (boot.chain.empty())
            break;
        url = boot.chain;
    }
    if (!boot.boot || boot.kernel.empty()) {
        t.fail("ipxe: the script ends without a kernel and boot");
        co_return;
    }
    auto fetch = [&](const std::string& what, const std::string& file) -> asio::awaitable<bool> {
        auto answer = co_await ipxe.get(file, false, Clock::now() + limits.http_request, error, t);
        if (!answer || answer->status != 200 || answer->bytes == 0) {
            t.fail("http: " +
                   (answer ? file + " answered " + std::to_string(answer->status) : error));
            co_return false;
        }
        t.mark(what);
        co_return true;
    };
    if (!co_await fetch("kernel", boot.kernel))
        co_return;
    for (const auto& initrd : boot.initrds)
        if (!co_await fetch("initrd", initrd))
            co_return;
    ipxe.close();

    // The installed system: its own connection, its config, then the checkpoint.
    const std::string config_url = configUrlFromArgs(boot.kernel_args);
    if (config_url.empty()) {
        t.fail("os: no config URL on the kernel command line");
        co_return;
    }
    HttpClient os(ex, m.ifname, m.address);
    auto config = co_await os.get(config_url, true, Clock::now() + limits.http_request, error, t);
    if (!config || config->status != 200) {
        t.fail("http: " +
               (config ? config_url + " answered " + std::to_string(config->status) : error));
        co_return;
    }
    t.mark("config");
    const std::string checkpoint = checkpointUrlIn(config->body);
    if (checkpoint.empty()) {
        t.fail("os: no checkpoint URL in the config");
        co_return;
    }
    auto done = co_await os.get(checkpoint, true, Clock::now() + limits.http_request, error, t);
    if (!done || done->status != 200) {
        t.fail("http: " + (done ? checkpoint + " answered " + std::to_string(done->status) + ": " +
                                      done->body.substr(0, 120)
                                : error));
        co_return;
    }
    t.mark("checkpoint");
    t.checkpoint_answer = done->body.substr(0, 120);
    while (!t.checkpoint_answer.empty() &&
           (t.checkpoint_answer.back() == '\n' || t.checkpoint_answer.back() == '\r'))
        t.checkpoint_answer.pop_back();
    t.provisioned = t.checkpoint_answer.find("provisioned") != std::string::npos;
    os.close();
}

}  // namespace vq::swarm
