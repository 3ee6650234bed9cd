#pragma once
// Files from a root directory, with fallback directories for the iPXE ROMs Debian's `ipxe`
// package installs, so a fresh install boots with an empty root.
//
// Confinement: names are resolved beneath each directory by the kernel (openat2 with
// RESOLVE_BENEATH), so `..`, absolute paths and symlinks cannot leave it; a request that
// tries gets AccessViolation (ERROR 2), a name that is nowhere gets FileNotFound (ERROR 1).
// A leading '/' is read as "relative to the root" when that file exists, since many boot
// configurations spell names that way.
//
// Sharing: a file is read once into memory and that buffer is shared by every transfer
// (looked up by device/inode and revalidated by size and mtime on each open). Recently used
// files stay cached up to a byte budget, so a firmware's size probe and its download, or
// two hundred machines booting at once, read the disk once.

#include <cstdint>
#include <filesystem>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "tftp/core/file_source.h"

namespace vq::tftp {

struct FallbackDir {
    std::filesystem::path dir;
    std::vector<std::string> names;  // files that may come from here; empty: any file
};

struct DirectoryConfig {
    std::filesystem::path root = "/var/vaquero/pxeroms";
    std::vector<FallbackDir> fallbacks = debianIpxeFallbacks();
    uint64_t cache_bytes = 256ull << 20;  // kept in memory after their transfers end
    uint64_t max_file_bytes = 4ull << 30;

    // /usr/lib/ipxe (all of it) and /boot (ipxe.efi and ipxe.lkrn only: /boot also holds
    // kernels and boot loader configuration that must not be served).
    static std::vector<FallbackDir> debianIpxeFallbacks();
};

class DirectoryFileSource : public FileSource {
public:
    explicit DirectoryFileSource(DirectoryConfig config);
    FileLookup open(std::string_view name) override;

    size_t cachedFiles() const;

private:
    struct CacheEntry {
        uint64_t dev = 0;
        uint64_t ino = 0;
        uint64_t size = 0;
        int64_t mtime_ns = 0;
        std::weak_ptr<const FileData> weak;
        std::shared_ptr<const FileData> strong;  // while within the cache budget
    };

    FileLookup openIn(const std::filesystem::path& dir, const std::string& rel, bool is_root);
    FileLookup load(int fd, const std::string& rel);

    DirectoryConfig config_;
    mutable std::mutex mu_;
    std::list<CacheEntry> cache_;  // most recently used first
};

// Turns a client's filename into a relative path of plain components. Returns false (and
// says why) for `..`; sets `absolute` when the name started with '/' outside `root`.
bool normalizeTftpName(std::string_view name,
                       const std::string& root,
                       std::string& rel,
                       bool& absolute,
                       std::string& why);

}  // namespace vq::tftp
