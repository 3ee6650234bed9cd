#include "net/interfaces.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cstring>
#include <map>

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netpacket/packet.h>
#include <sys/socket.h>

namespace vq::net {
namespace {

int prefixFromMask(uint32_t mask_host_order) {
    return std::popcount(mask_host_order);
}

}  // namespace

Result<std::vector<InterfaceInfo>> listInterfaces() {
    ifaddrs* head = nullptr;
    if (getifaddrs(&head) != 0) {
        return Result<std::vector<InterfaceInfo>>::error(std::string("getifaddrs: ") +
                                                         std::strerror(errno));
    }
    std::map<std::string, InterfaceInfo> by_name;
    for (ifaddrs* it = head; it != nullptr; it = it->ifa_next) {
        if (it->ifa_name == nullptr)
            continue;
        InterfaceInfo& info = by_name[it->ifa_name];
        info.name = it->ifa_name;
        info.index = static_cast<int>(if_nametoindex(it->ifa_name));
        info.up = (it->ifa_flags & IFF_UP) != 0;
        info.loopback = (it->ifa_flags & IFF_LOOPBACK) != 0;
        if (it->ifa_addr == nullptr)
            continue;
        if (it->ifa_addr->sa_family == AF_INET) {
            const auto* sin = reinterpret_cast<const sockaddr_in*>(it->ifa_addr);
            uint32_t mask = 0xffffffffu;
            if (it->ifa_netmask != nullptr) {
                mask =
                    ntohl(reinterpret_cast<const sockaddr_in*>(it->ifa_netmask)->sin_addr.s_addr);
            }
            info.addresses.emplace_back(Ipv4(ntohl(sin->sin_addr.s_addr)), prefixFromMask(mask));
        } else if (it->ifa_addr->sa_family == AF_PACKET) {
            const auto* sll = reinterpret_cast<const sockaddr_ll*>(it->ifa_addr);
            if (sll->sll_halen == 6) {
                std::array<uint8_t, 6> b{};
                std::copy_n(sll->sll_addr, 6, b.begin());
                info.mac = MacAddr(b);
            }
        }
    }
    freeifaddrs(head);
    std::vector<InterfaceInfo> out;
    out.reserve(by_name.size());
    for (auto& [name, info] : by_name)
        out.push_back(std::move(info));
    return out;
}

Result<InterfaceInfo> findInterface(const std::string& name) {
    auto all = listInterfaces();
    if (!all)
        return all.status();
    for (auto& info : *all) {
        if (info.name == name)
            return std::move(info);
    }
    return Result<InterfaceInfo>::error("no such interface: " + name);
}

}  // namespace vq::net
