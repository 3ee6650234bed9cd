#include "agent/boot_services.h"

#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include "agent/dhcp_subnet.h"
#include "base/log.h"
#include "dhcp/service/dhcp_service.h"
#include "tftp/server/tftp_service.h"

namespace vq::agent {
namespace {

// DHCP's view of the inventory, read from whatever model is current.
class ModelDirectory : public dhcp::HostDirectory {
public:
    ModelDirectory(const control::ModelHolder& models, std::string site)
        : models_(models), site_(std::move(site)) {}

    std::optional<dhcp::HostLease> find(const MacAddr& mac) const override {
        auto model = models_.get();
        if (!model)
            return std::nullopt;
        auto match = model->findByMac(site_, mac);
        if (!match || match.iface == nullptr || !match.iface->ipv4)
            return std::nullopt;
        dhcp::HostLease lease;
        lease.mac = mac;
        lease.ip = *match.iface->ipv4;
        lease.subnet = subnet(model, *match.site, match.iface->subnet);
        if (!lease.subnet)
            return std::nullopt;
        lease.hostname = match.iface->hostname;
        lease.boot = !match.host->never_provision && match.iface->type != "bmc";
        lease.ignore = match.iface->ignore_dhcp;
        lease.host_name = match.host->name;
        return lease;
    }

    // The site's agents, by the address of their asset server (on a segment, the address
    // they answer DHCP from).
    bool isPeerServer(Ipv4 server) const override {
        auto model = models_.get();
        const model::Site* site = model ? model->site(site_) : nullptr;
        if (site == nullptr)
            return false;
        for (const model::Agent& a : site->agents) {
            if (auto addr = Ipv4::parse(a.asset_server.addr); addr && *addr == server)
                return true;
        }
        return false;
    }

private:
    std::shared_ptr<const dhcp::SubnetInfo> subnet(const std::shared_ptr<const model::Model>& m,
                                                   const model::Site& site,
                                                   const std::string& id) const {
        std::lock_guard lock(mu_);
        if (cached_model_.lock() != m) {
            cache_.clear();
            cached_model_ = m;
        }
        if (auto it = cache_.find(id); it != cache_.end())
            return it->second;
        const model::Subnet* s = site.subnet(id);
        if (s == nullptr)
            return nullptr;
        auto info = dhcpSubnetInfo(*s);
        if (info)
            cache_[id] = info;
        return info;
    }

    const control::ModelHolder& models_;
    std::string site_;
    mutable std::mutex mu_;
    mutable std::weak_ptr<const model::Model> cached_model_;
    mutable std::unordered_map<std::string, std::shared_ptr<const dhcp::SubnetInfo>> cache_;
};

// Interfaces holding an address inside one of the site's subnets: the agent's addresses.
std::vector<std::string> siteInterfaces(const model::Site& site) {
    std::set<std::string> names;
    struct ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0)
        return {};
    for (auto* a = list; a != nullptr; a = a->ifa_next) {
        if (a->ifa_addr == nullptr || a->ifa_addr->sa_family != AF_INET)
            continue;
        if ((a->ifa_flags & IFF_LOOPBACK) != 0)
            continue;
        const auto* sin = reinterpret_cast<const sockaddr_in*>(a->ifa_addr);
        const Ipv4 ip(ntohl(sin->sin_addr.s_addr));
        for (const auto& s : site.subnets) {
            if (s.cidr && s.cidr->contains(ip))
                names.insert(a->ifa_name);
        }
    }
    freeifaddrs(list);
    return {names.begin(), names.end()};
}

double num(uint64_t v) {
    return static_cast<double>(v);
}

void collectDhcp(const dhcp::DhcpServiceStats& s, metrics::Exposition& out) {
    for (const auto& [type, n] : s.requests)
        out.counter("vaquero_dhcp_requests_total", "DHCP requests decoded, by message type.",
                    {{"type", type}}, num(n));
    for (const auto& [type, n] : s.replies)
        out.counter("vaquero_dhcp_replies_total", "DHCP replies sent, by message type.",
                    {{"type", type}}, num(n));
    for (const auto& [reason, n] : s.drops)
        out.counter("vaquero_dhcp_drops_total", "DHCP requests answered with nothing, by reason.",
                    {{"reason", reason}}, num(n));
    out.counter("vaquero_dhcp_datagrams_received_total", "UDP datagrams received on DHCP ports.",
                {}, num(s.received));
    out.counter("vaquero_dhcp_decode_errors_total", "Datagrams that are not DHCP packets.", {},
                num(s.decode_errors));
    out.counter("vaquero_dhcp_send_errors_total", "Replies the kernel refused to send.", {},
                num(s.send_errors));
    out.counter("vaquero_dhcp_replies_trimmed_total",
                "Replies sent without some options, to fit the client's size limit.", {},
                num(s.replies_trimmed));
    out.counter("vaquero_dhcp_replies_too_large_total",
                "Replies not sent: even the essential options exceed the client's limit.", {},
                num(s.replies_too_large));
    out.counter("vaquero_dhcp_rogue_sightings_total",
                "Other DHCP servers seen answering on the agent's segments.", {},
                num(s.rogue_sightings));
    out.counter("vaquero_dhcp_rogue_probes_total", "Rogue-server probes sent.", {},
                num(s.rogue_probes));
}

void collectTftp(const tftp::TftpStats& s, metrics::Exposition& out) {
    const char* help = "TFTP transfers ended, by result.";
    out.counter("vaquero_tftp_transfers_total", help, {{"result", "completed"}}, num(s.completed));
    out.counter("vaquero_tftp_transfers_total", help, {{"result", "failed"}}, num(s.failed));
    out.counter("vaquero_tftp_transfers_total", help, {{"result", "size_probe"}},
                num(s.size_probes));
    out.counter("vaquero_tftp_transfers_total", help, {{"result", "refused"}}, num(s.refused));
    out.counter("vaquero_tftp_transfers_started_total", "TFTP transfers started.", {},
                num(s.started));
    out.gauge("vaquero_tftp_transfers_active", "TFTP transfers in progress.", {}, num(s.active));
    out.counter("vaquero_tftp_sent_bytes_total", "File bytes acknowledged by TFTP clients.", {},
                num(s.bytes));
    out.histogram("vaquero_tftp_transfer_duration_seconds",
                  "Time from request to last acknowledgement of completed transfers.", {},
                  s.duration);
}

class Running : public BootServices {
public:
    void collect(metrics::Exposition& out) const override {
        if (dhcp)
            collectDhcp(dhcp->stats(), out);
        if (tftp)
            collectTftp(tftp->stats(), out);
    }

    ~Running() override {
        if (dhcp)
            dhcp->stop();
        if (tftp)
            tftp->stop();
        work.reset();
        io.stop();
        if (thread.joinable())
            thread.join();
    }

    boost::asio::io_context io;
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work;
    std::thread thread;
    std::unique_ptr<tftp::TftpService> tftp;
    std::unique_ptr<ModelDirectory> directory;
    std::unique_ptr<dhcp::DhcpService> dhcp;
};

}  // namespace

Result<std::unique_ptr<BootServices>> startBootServices(const BootServicesConfig& config,
                                                        const control::ModelHolder& models,
                                                        EventSink& events) {
    using R = Result<std::unique_ptr<BootServices>>;
    auto running = std::make_unique<Running>();
    tftp::TftpServiceConfig tc;
    tc.files.root = config.agent.tftp_server.base_dir;
    running->tftp = std::make_unique<tftp::TftpService>(running->io, tc, events);
    if (Status st = running->tftp->start(); !st)
        return R::error("TFTP: " + st.message());
    running->work.emplace(running->io.get_executor());
    running->thread = std::thread([r = running.get()] { r->io.run(); });

    const std::string& mode = config.agent.dhcp_mode;
    if (mode.empty() || mode == "none" || mode == "off") {
        VQ_LOG_INFO("DHCP_DISABLED agent={} reason=dhcp_mode", config.agent.name);
        return std::unique_ptr<BootServices>(std::move(running));
    }
    auto model = models.get();
    const model::Site* site = model ? model->site(config.site_id) : nullptr;
    if (site == nullptr)
        return R::error("site " + config.site_id + " not in the model");
    dhcp::DhcpServiceConfig dc;
    dc.interfaces = siteInterfaces(*site);
    if (dc.interfaces.empty()) {
        VQ_LOG_WARN(
            "DHCP_DISABLED agent={} reason=\"no interface has an address in the site's "
            "subnets\"",
            config.agent.name);
        return std::unique_ptr<BootServices>(std::move(running));
    }
    if (mode == "proxy") {
        dc.server.mode = dhcp::Mode::Proxy;
    } else if (mode == "server") {
        dc.server.mode = dhcp::Mode::Server;
    } else {
        return R::error("dhcp_mode '" + mode + "' is not server or proxy");
    }
    if (config.agent.dhcp_port > 0 && config.agent.dhcp_port < 65536) {
        dc.server_port = static_cast<uint16_t>(config.agent.dhcp_port);
    }
    dc.server.boot.http_port = config.http_port;
    if (config.agent.rogue_probe_seconds > 0)
        dc.rogue_probe_seconds = static_cast<uint32_t>(config.agent.rogue_probe_seconds);
    running->directory = std::make_unique<ModelDirectory>(models, config.site_id);
    running->dhcp = std::make_unique<dhcp::DhcpService>(dc, *running->directory, events);
    if (Status st = running->dhcp->start(); !st)
        return R::error("DHCP: " + st.message());
    return std::unique_ptr<BootServices>(std::move(running));
}

}  // namespace vq::agent
