#pragma once
// Certificates for openrouter-mock: a throw-away CA and a server certificate for
// localhost / 127.0.0.1 / ::1 signed by it, so clients verify the mock properly (no
// "insecure" mode anywhere).

#include <string>

namespace openrouter::mock {

struct tls_material {
  std::string ca_pem;    ///< CA certificate clients must trust (empty for loaded certs)
  std::string cert_pem;  ///< server certificate chain
  std::string key_pem;   ///< server private key
};

/// Generates a fresh P-256 CA and a server certificate (valid one day back, 30 days ahead).
/// Throws std::runtime_error with OpenSSL's reason on failure.
tls_material generate_tls_material();

/// Reads PEM files; throws std::runtime_error naming the file on failure.
tls_material load_tls_material(const std::string& cert_file, const std::string& key_file);

}  // namespace openrouter::mock
