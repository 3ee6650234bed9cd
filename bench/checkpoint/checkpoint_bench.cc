// Checkpoint benchmark, both sides of one comparison:
//   vq-checkpoint-bench raw DB_FILE N
//       raw SQLite: N rows, one per transaction, WAL and synchronous=FULL (each commit on
//       disk before the next starts); prints commits per second.
//   vq-checkpoint-bench http PORT MACS_FILE STAGES CONCURRENCY
//       GET /checkpoint/<mac>?boot=s<i> on 127.0.0.1:PORT for every MAC of MACS_FILE (one a
//       line) and every stage 1..STAGES in order, CONCURRENCY clients at once, each owning
//       its hosts; every answer must be 200 (Vaquero answers once the transition is stored);
//       prints checkpoints per second.

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

double seconds(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

int raw(const char* file, long n) {
    sqlite3* db = nullptr;
    if (sqlite3_open(file, &db) != SQLITE_OK)
        return std::fprintf(stderr, "cannot open %s\n", file), 1;
    const char* setup =
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
        "CREATE TABLE IF NOT EXISTS t (host TEXT NOT NULL, stage INTEGER NOT NULL, at INTEGER);";
    if (sqlite3_exec(db, setup, nullptr, nullptr, nullptr) != SQLITE_OK)
        return std::fprintf(stderr, "setup: %s\n", sqlite3_errmsg(db)), 1;
    sqlite3_stmt* insert = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO t VALUES (?1, ?2, ?3)", -1, &insert, nullptr);
    const auto t0 = std::chrono::steady_clock::now();
    for (long i = 0; i < n; ++i) {
        sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
        const std::string host = "lab/h" + std::to_string(i % 1000);
        sqlite3_bind_text(insert, 1, host.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(insert, 2, i % 5);
        sqlite3_bind_int64(insert, 3, i);
        if (sqlite3_step(insert) != SQLITE_DONE)
            return std::fprintf(stderr, "insert: %s\n", sqlite3_errmsg(db)), 1;
        sqlite3_reset(insert);
        if (sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK)
            return std::fprintf(stderr, "commit: %s\n", sqlite3_errmsg(db)), 1;
    }
    const double s = seconds(t0);
    sqlite3_finalize(insert);
    sqlite3_close(db);
    std::printf("raw_sqlite commits=%ld seconds=%.3f per_second=%.1f\n", n, s, n / s);
    return 0;
}

// One request on its own connection; the HTTP status, or 0 on a transport error.
int get(uint16_t port, const std::string& target) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return 0;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int status = 0;
    if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
        const std::string req =
            "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
        if (send(fd, req.data(), req.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(req.size())) {
            std::string reply;
            char buf[4096];
            ssize_t r = 0;
            while ((r = recv(fd, buf, sizeof buf, 0)) > 0)
                reply.append(buf, static_cast<size_t>(r));
            if (reply.rfind("HTTP/1.", 0) == 0 && reply.size() > 12)
                status = std::atoi(reply.c_str() + 9);
        }
    }
    close(fd);
    return status;
}

int http(uint16_t port, const char* macs_file, int stages, int concurrency) {
    std::vector<std::string> macs;
    std::ifstream in(macs_file);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty())
            macs.push_back(line);
    }
    std::atomic<long> ok{0}, bad{0};
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<std::thread> clients;
    for (int c = 0; c < concurrency; ++c) {
        clients.emplace_back([&, c] {
            for (size_t h = static_cast<size_t>(c); h < macs.size();
                 h += static_cast<size_t>(concurrency)) {
                for (int s = 1; s <= stages; ++s) {
                    const int st =
                        get(port, "/checkpoint/" + macs[h] + "?boot=s" + std::to_string(s));
                    (st == 200 ? ok : bad)++;
                }
            }
        });
    }
    for (auto& t : clients)
        t.join();
    const double s = seconds(t0);
    std::printf("http_checkpoints ok=%ld failed=%ld seconds=%.3f per_second=%.1f\n", ok.load(),
                bad.load(), s, ok.load() / s);
    return bad.load() == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "raw" && argc == 4)
        return raw(argv[2], std::atol(argv[3]));
    if (mode == "http" && argc == 6) {
        return http(static_cast<uint16_t>(std::atoi(argv[2])), argv[3], std::atoi(argv[4]),
                    std::atoi(argv[5]));
    }
    std::fprintf(stderr, "usage: %s raw DB_FILE N | http PORT MACS_FILE STAGES CONCURRENCY\n",
                 argv[0]);
    return 2;
}
