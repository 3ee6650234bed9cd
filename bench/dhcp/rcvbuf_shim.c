/* Preloaded into perfdhcp by bench/dhcp/run.sh. perfdhcp leaves its UDP socket at the
 * kernel's default receive buffer (212 KiB, about 270 replies); at 20,000 exchanges/s on
 * 2 shared cores it falls behind for a few milliseconds now and then, and the replies that
 * arrive meanwhile are dropped at its own socket (UdpRcvbufErrors in the client namespace)
 * and counted against the server. net.core.rmem_default is not per network namespace, so
 * instead every IPv4 datagram socket perfdhcp opens gets a 4 MiB buffer (SO_RCVBUFFORCE:
 * the benchmark runs as root). The same load generator is used for every server. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netinet/in.h>
#include <sys/socket.h>

int socket(int domain, int type, int protocol) {
  static int (*real_socket)(int, int, int);
  if (!real_socket) real_socket = (int (*)(int, int, int))dlsym(RTLD_NEXT, "socket");
  int fd = real_socket(domain, type, protocol);
  if (fd >= 0 && domain == AF_INET && (type & 0xf) == SOCK_DGRAM) {
    int size = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size);
  }
  return fd;
}
