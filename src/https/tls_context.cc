#include "https/tls_context.h"

#include <filesystem>

namespace vq::https {
namespace ssl = boost::asio::ssl;

namespace {

Status unreadable(const std::string& what, const std::string& file) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec))
        return Status::invalidArgument(what + " " + file + ": no such file");
    return Status::invalidArgument(what + " " + file + ": not readable as PEM");
}

}  // namespace

Result<std::shared_ptr<ssl::context>> serverContext(const std::string& cert_file,
                                                    const std::string& key_file) {
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                     ssl::context::single_dh_use);
    boost::system::error_code ec;
    ctx->use_certificate_chain_file(cert_file, ec);
    if (ec)
        return unreadable("server certificate (PublicKey)", cert_file);
    ctx->use_private_key_file(key_file, ssl::context::pem, ec);
    // OpenSSL refuses a key of another certificate while loading it.
    if (ec || SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
        std::error_code fec;
        if (!std::filesystem::is_regular_file(key_file, fec))
            return unreadable("server private key (PrivateKey)", key_file);
        return Status::invalidArgument("server private key (PrivateKey) " + key_file +
                                       " is no PEM key or does not match certificate " + cert_file);
    }
    return ctx;
}

Result<std::shared_ptr<ssl::context>> clientContext(const ClientTrust& trust) {
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    boost::system::error_code ec;
    if (!trust.cert_file.empty() || !trust.key_file.empty()) {
        if (trust.cert_file.empty() || trust.key_file.empty())
            return Status::invalidArgument("a client certificate needs both its file and its key");
        ctx->use_certificate_chain_file(trust.cert_file, ec);
        if (ec)
            return unreadable("client certificate", trust.cert_file);
        ctx->use_private_key_file(trust.key_file, ssl::context::pem, ec);
        if (ec || SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
            std::error_code fec;
            if (!std::filesystem::is_regular_file(trust.key_file, fec))
                return unreadable("client key", trust.key_file);
            return Status::invalidArgument("client key " + trust.key_file +
                                           " is no PEM key or does not match certificate " +
                                           trust.cert_file);
        }
    }
    if (trust.insecure_skip_verify) {
        ctx->set_verify_mode(ssl::verify_none);
        return ctx;
    }
    ctx->set_verify_mode(ssl::verify_peer);
    if (trust.ca_file.empty()) {
        ctx->set_default_verify_paths(ec);
        if (ec)
            return Status::unavailable("cannot load the system's CA certificates: " + ec.message());
    } else {
        ctx->load_verify_file(trust.ca_file, ec);
        if (ec)
            return unreadable("CA file", trust.ca_file);
    }
    return ctx;
}

}  // namespace vq::https
