#pragma once
// Server-side TLS shared by openrouter-mock and the `openrouter serve` gateway (library
// `openrouter_tls`): the certificate and key a server presents (loaded from PEM files, or a
// throw-away CA and a localhost certificate generated for the mock and for tests), and the one
// way both servers set up their ssl::context. Clients verify properly: no "insecure" mode
// anywhere.

#include <boost/asio/ssl/context.hpp>

#include <stdexcept>
#include <string>
#include <string_view>

namespace openrouter::tls {

struct tls_material {
  std::string ca_pem;    ///< CA certificate clients must trust (empty for loaded certs)
  std::string cert_pem;  ///< server certificate chain
  std::string key_pem;   ///< server private key
};

/// A certificate or key that cannot be used; `part` says which, what() says why (and names the
/// file when it came from one), e.g. "key.pem: the private key does not match the certificate".
struct material_error : std::runtime_error {
  enum class part { certificate, key };
  material_error(part p, const std::string& what) : std::runtime_error(what), which(p) {}
  part which;
};

/// Generates a fresh P-256 CA and a server certificate for localhost / 127.0.0.1 / ::1 signed by
/// it (valid one day back, 30 days ahead). Throws std::runtime_error with OpenSSL's reason.
tls_material generate_tls_material();

/// Reads PEM files; throws material_error naming the file it cannot read.
tls_material load_tls_material(const std::string& cert_file, const std::string& key_file);

/// Sets up a server context: TLS 1.2 and later, the certificate chain and key of `m` (checked to
/// match), buffers released while a connection is idle, sessions resumable under
/// `session_id_context`. Throws material_error saying which part is unusable and why;
/// `cert_name` and `key_name` (file names, or empty) prefix the messages.
void configure_server(boost::asio::ssl::context& ctx, const tls_material& m, std::string_view session_id_context,
                      const std::string& cert_name = {}, const std::string& key_name = {});

}  // namespace openrouter::tls
