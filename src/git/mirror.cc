#include "git/mirror.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <system_error>

#include "git/git_error.h"
#include "git/known_hosts.h"
#include "git/url_redaction.h"
#include <git2.h>

namespace vq::git {
namespace {

constexpr const char* kRemoteName = "origin";

// What libgit2's callbacks need during one fetch.
struct FetchContext {
    const RemoteSpec* remote = nullptr;
    std::chrono::steady_clock::time_point deadline;
    // libgit2 asks again after every refusal: each kind is offered once, or it would loop.
    bool offered_username = false, offered_key = false, offered_token = false;
    // Why a callback stopped the fetch: libgit2 may replace the message a callback sets.
    std::string failure;
};

// The user name an ssh URL carries ("git" in git@host:path), "git" when none.
std::string sshUser(const char* from_url) {
    return (from_url != nullptr && *from_url != '\0') ? from_url : "git";
}

int credentials(git_credential** out,
                const char* /*url*/,
                const char* username_from_url,
                unsigned int allowed,
                void* payload) {
    auto* ctx = static_cast<FetchContext*>(payload);
    const std::string user = sshUser(username_from_url);
    if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) != 0 && !ctx->remote->token.empty() &&
        !ctx->offered_token) {
        ctx->offered_token = true;
        return git_credential_userpass_plaintext_new(out, "x-access-token",
                                                     ctx->remote->token.c_str());
    }
    if ((allowed & GIT_CREDENTIAL_SSH_KEY) != 0 && !ctx->offered_key) {
        ctx->offered_key = true;
        return git_credential_ssh_key_from_agent(out, user.c_str());
    }
    if ((allowed & GIT_CREDENTIAL_USERNAME) != 0 && !ctx->offered_username) {
        ctx->offered_username = true;
        return git_credential_username_new(out, user.c_str());
    }
    const bool offered = ctx->offered_token || ctx->offered_key;
    ctx->failure = offered ? "the remote refused the credentials"
                           : "the remote asks for credentials and none are configured "
                             "(GitHook.Token for https, an ssh-agent key for ssh)";
    git_error_set_str(GIT_ERROR_NET, ctx->failure.c_str());
    return GIT_EAUTH;
}

// ssh host keys are checked against known_hosts (libgit2 would accept any); TLS
// certificates keep libgit2's own verification.
int certificateCheck(git_cert* cert, int valid, const char* host, void* payload) {
    if (cert->cert_type != GIT_CERT_HOSTKEY_LIBSSH2)
        return valid != 0 ? 0 : GIT_PASSTHROUGH;
    auto* ctx = static_cast<FetchContext*>(payload);
    const auto* hostkey = reinterpret_cast<const git_cert_hostkey*>(cert);
    const std::string name = host != nullptr ? host : "";
    if ((hostkey->type & GIT_CERT_SSH_RAW) == 0 || hostkey->hostkey == nullptr) {
        git_error_set_str(GIT_ERROR_SSH, ("no host key from " + name).c_str());
        return GIT_ECERTIFICATE;
    }
    const std::string_view key(hostkey->hostkey, hostkey->hostkey_len);
    const int port = sshEndpoint(ctx->remote->url).port;
    bool mismatch = false;
    for (const auto& file : defaultKnownHostsFiles()) {
        std::ifstream in(file);
        std::ostringstream text;
        text << in.rdbuf();
        switch (checkKnownHost(text.str(), name, port, key)) {
            case HostKeyCheck::known:
                return 0;
            case HostKeyCheck::mismatch:
                mismatch = true;
                break;
            case HostKeyCheck::unknown:
                break;
        }
    }
    const std::string why =
        mismatch ? "the host key of " + name + " does not match known_hosts (possible impostor)"
                 : "the host key of " + name +
                       " is not in ~/.ssh/known_hosts nor /etc/ssh/ssh_known_hosts (add it with "
                       "ssh-keyscan after checking it)";
    ctx->failure = why;
    git_error_set_str(GIT_ERROR_SSH, why.c_str());
    return GIT_ECERTIFICATE;
}

int progress(const git_indexer_progress* /*stats*/, void* payload) {
    auto* ctx = static_cast<FetchContext*>(payload);
    if (std::chrono::steady_clock::now() > ctx->deadline) {
        ctx->failure = "the fetch took longer than its deadline";
        git_error_set_str(GIT_ERROR_NET, ctx->failure.c_str());
        return GIT_EUSER;
    }
    return 0;
}

// Branch and tag names reach revparse only after this: no "@{...}", "~", ":" syntax.
bool plainRefName(std::string_view name) {
    if (name.empty() || name.size() > 255)
        return false;
    const std::string full = "refs/tags/" + std::string(name);
    int valid = 0;
    return git_reference_name_is_valid(&valid, full.c_str()) == 0 && valid != 0;
}

bool hexPrefix(std::string_view s) {
    return s.size() >= 7 && s.size() <= GIT_OID_HEXSZ &&
           std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(c) != 0; });
}

std::string oidHex(const git_oid* oid) {
    char buf[GIT_OID_HEXSZ + 1] = {};
    git_oid_tostr(buf, sizeof buf, oid);
    return buf;
}

// The commit `spec` peels to, or not_found.
Result<std::string> peelToCommit(git_repository* repo, const std::string& spec) {
    git_object* obj = nullptr;
    int rc = git_revparse_single(&obj, repo, (spec + "^{commit}").c_str());
    if (rc != 0)
        return libgit2Failure(rc == GIT_EAMBIGUOUS ? rc : GIT_ENOTFOUND, "resolve " + spec);
    std::string hex = oidHex(git_object_id(obj));
    git_object_free(obj);
    return hex;
}

}  // namespace

Mirror::Mirror(std::filesystem::path dir, RemoteSpec remote, git_repository* repo)
    : dir_(std::move(dir)), remote_(std::move(remote)), repo_(repo) {}

Mirror::~Mirror() {
    git_repository_free(repo_);
}

Result<std::unique_ptr<Mirror>> Mirror::open(std::filesystem::path dir, RemoteSpec remote) {
    ensureLibGit2();
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
        return Status::unavailable("create " + dir.string() + ": " + ec.message());
    git_repository* repo = nullptr;
    int rc = git_repository_open_bare(&repo, dir.c_str());
    if (rc == GIT_ENOTFOUND)
        rc = git_repository_init(&repo, dir.c_str(), /*is_bare=*/1);
    if (rc != 0)
        return libgit2Failure(rc, "open the mirror " + dir.string());
    return std::unique_ptr<Mirror>(new Mirror(std::move(dir), std::move(remote), repo));
}

Result<std::string> Mirror::fetch(std::string_view branch) {
    const std::string what = "fetch " + urlWithoutCredentials(remote_.url);
    if (!plainRefName(branch))
        return Status::invalidArgument(what + ": '" + std::string(branch) +
                                       "' is not a branch name");
    // The remote's URL follows the configuration: a changed GitHook.URL re-points it.
    git_remote* remote = nullptr;
    int rc = git_remote_lookup(&remote, repo_, kRemoteName);
    if (rc == 0 && std::string_view(git_remote_url(remote)) != remote_.url) {
        git_remote_free(remote);
        remote = nullptr;
        rc = git_remote_set_url(repo_, kRemoteName, remote_.url.c_str());
        if (rc == 0)
            rc = git_remote_lookup(&remote, repo_, kRemoteName);
    } else if (rc == GIT_ENOTFOUND) {
        rc = git_remote_create_with_fetchspec(&remote, repo_, kRemoteName, remote_.url.c_str(),
                                              "+refs/heads/*:refs/remotes/origin/*");
    }
    if (rc != 0)
        return libgit2Failure(rc, what);

    FetchContext ctx;
    ctx.remote = &remote_;
    ctx.deadline = std::chrono::steady_clock::now() + remote_.deadline;
    git_fetch_options opts;
    git_fetch_options_init(&opts, GIT_FETCH_OPTIONS_VERSION);
    opts.callbacks.credentials = credentials;
    opts.callbacks.transfer_progress = progress;
    opts.callbacks.certificate_check = certificateCheck;
    opts.callbacks.payload = &ctx;
    opts.prune = GIT_FETCH_PRUNE;
    opts.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_ALL;
    // Tags are force-updated: a moved tag on the remote is what release_tag must follow.
    char heads[] = "+refs/heads/*:refs/remotes/origin/*";
    char tags[] = "+refs/tags/*:refs/tags/*";
    char* specs[] = {heads, tags};
    const git_strarray refspecs{specs, 2};
    rc = git_remote_fetch(remote, &refspecs, &opts, "vaquero fetch");
    git_remote_free(remote);
    if (rc != 0 && !ctx.failure.empty()) {
        git_error_set_str(GIT_ERROR_NET, ctx.failure.c_str());
    }
    if (rc != 0)
        return libgit2Failure(rc, what);

    auto head = fetchedHead(branch);
    if (head.code() == StatusCode::not_found)
        return Status::notFound(what + ": the remote has no branch '" + std::string(branch) + "'");
    return head;
}

Result<std::string> Mirror::fetchedHead(std::string_view branch) const {
    if (!plainRefName(branch))
        return Status::invalidArgument("'" + std::string(branch) + "' is not a branch name");
    const std::string ref = "refs/remotes/origin/" + std::string(branch);
    git_oid oid;
    const int rc = git_reference_name_to_id(&oid, repo_, ref.c_str());
    if (rc == GIT_ENOTFOUND)
        return Status::notFound("branch '" + std::string(branch) + "' was never fetched from " +
                                urlWithoutCredentials(remote_.url));
    if (rc != 0)
        return libgit2Failure(rc, "read " + ref);
    return oidHex(&oid);
}

Result<std::string> Mirror::resolveTagOrCommit(std::string_view rev) const {
    if (plainRefName(rev)) {
        const std::string tag = "refs/tags/" + std::string(rev);
        git_reference* ref = nullptr;
        if (git_reference_lookup(&ref, repo_, tag.c_str()) == 0) {
            git_reference_free(ref);
            return peelToCommit(repo_, tag);
        }
    }
    if (hexPrefix(rev))
        return peelToCommit(repo_, std::string(rev));
    return Status::notFound("no tag or commit '" + std::string(rev) + "' in " +
                            urlWithoutCredentials(remote_.url));
}

}  // namespace vq::git
