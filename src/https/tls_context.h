#pragma once
// OpenSSL contexts for both ends, built from files; every failure names the file and what
// OpenSSL said, so a misconfigured key or certificate is one clear message at start-up.

#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>

#include "base/result.h"

namespace vq::https {

// TLS 1.2 or newer, the certificate chain (PEM) and its private key (PEM).
Result<std::shared_ptr<boost::asio::ssl::context>> serverContext(const std::string& cert_file,
                                                                 const std::string& key_file);

struct ClientTrust {
    // PEM file of the CAs to trust; empty: the system's.
    std::string ca_file;
    // Accepts any certificate (-k): for labs with a self-signed server certificate.
    bool insecure_skip_verify = false;
    // A client certificate (PEM chain) and its key, for servers that require one (etcd with
    // --client-cert-auth); both or neither.
    std::string cert_file{};
    std::string key_file{};
};

Result<std::shared_ptr<boost::asio::ssl::context>> clientContext(const ClientTrust& trust);

}  // namespace vq::https
