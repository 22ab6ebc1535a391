#include "server_tls.hpp"

#include <boost/asio/buffer.hpp>
#include <openssl/ssl.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace openrouter::tls {
namespace {

template <auto Free>
struct deleter {
  template <class T>
  void operator()(T* p) const noexcept { Free(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, deleter<EVP_PKEY_free>>;
using x509_ptr = std::unique_ptr<X509, deleter<X509_free>>;
using bio_ptr = std::unique_ptr<BIO, deleter<BIO_free_all>>;

[[noreturn]] void fail(const char* what) {
  char buf[256] = {};
  ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
  throw std::runtime_error(std::string("TLS: ") + what + ": " + buf);
}

void check(int ok, const char* what) {
  if (ok != 1) fail(what);
}

pkey_ptr make_key() {
  pkey_ptr key(EVP_EC_gen("P-256"));
  if (!key) fail("key generation");
  return key;
}

void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (!ext) fail("certificate extension");
  check(X509_add_ext(cert, ext, -1), "add extension");
  X509_EXTENSION_free(ext);
}

x509_ptr make_cert(EVP_PKEY* key, const char* cn, X509* issuer, EVP_PKEY* issuer_key, bool is_ca) {
  x509_ptr cert(X509_new());
  if (!cert) fail("X509_new");
  check(X509_set_version(cert.get(), 2), "version");
  // A random 64-bit serial: two runs must not produce certificates a client could confuse.
  std::unique_ptr<BIGNUM, deleter<BN_free>> serial(BN_new());
  check(BN_rand(serial.get(), 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY), "serial");
  if (!BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get()))) fail("serial");
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -24L * 3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 30L * 24 * 3600);
  check(X509_set_pubkey(cert.get(), key), "pubkey");
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("openrouter-mock"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn),
                             -1, -1, 0);
  X509* signer = issuer ? issuer : cert.get();
  check(X509_set_issuer_name(cert.get(), X509_get_subject_name(signer)), "issuer");
  if (is_ca) {
    add_ext(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
    add_ext(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_ext(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
    add_ext(cert.get(), signer, NID_key_usage, "critical,digitalSignature");
    add_ext(cert.get(), signer, NID_ext_key_usage, "serverAuth");
    add_ext(cert.get(), signer, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1");
  }
  add_ext(cert.get(), signer, NID_subject_key_identifier, "hash");
  if (X509_sign(cert.get(), issuer_key, EVP_sha256()) <= 0) fail("sign");
  return cert;
}

std::string to_pem(X509* cert) {
  bio_ptr bio(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_X509(bio.get(), cert), "PEM certificate");
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

std::string to_pem(EVP_PKEY* key) {
  bio_ptr bio(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr), "PEM key");
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

std::string read_file(const std::string& path, material_error::part part) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw material_error(part, path + ": cannot read the file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

tls_material generate_tls_material() {
  pkey_ptr ca_key = make_key();
  x509_ptr ca = make_cert(ca_key.get(), "openrouter-mock local CA", nullptr, ca_key.get(), true);
  pkey_ptr key = make_key();
  x509_ptr cert = make_cert(key.get(), "localhost", ca.get(), ca_key.get(), false);
  return {to_pem(ca.get()), to_pem(cert.get()), to_pem(key.get())};
}

tls_material load_tls_material(const std::string& cert_file, const std::string& key_file) {
  return {{}, read_file(cert_file, material_error::part::certificate), read_file(key_file, material_error::part::key)};
}

void configure_server(boost::asio::ssl::context& ctx, const tls_material& m, std::string_view session_id_context,
                      const std::string& cert_name, const std::string& key_name) {
  namespace ssl = boost::asio::ssl;
  using part = material_error::part;
  auto bad = [](part p, const std::string& name, const std::string& why) {
    return material_error(p, (name.empty() ? std::string() : name + ": ") + why);
  };
  auto reason = [](const boost::system::error_code& ec) {
    std::string r = ec.message();
    return r.empty() ? std::string("unknown OpenSSL error") : r;
  };
  ERR_clear_error();
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                  ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  boost::system::error_code ec;
  ctx.use_certificate_chain(boost::asio::buffer(m.cert_pem), ec);
  if (ec) throw bad(part::certificate, cert_name, "not a usable PEM certificate (" + reason(ec) + ")");
  // The key is parsed first, so that a key of another certificate is told apart from no key.
  bio_ptr bio(BIO_new_mem_buf(m.key_pem.data(), static_cast<int>(m.key_pem.size())));
  // No passphrase prompt (OpenSSL's default would read the terminal): an encrypted key is refused.
  pem_password_cb* no_passphrase = [](char*, int, int, void*) { return 0; };
  pkey_ptr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr) : nullptr);
  if (!key) {
    char buf[256] = {};
    ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
    ERR_clear_error();
    throw bad(part::key, key_name, std::string("not a usable PEM private key (") + buf + ")");
  }
  if (SSL_CTX_use_PrivateKey(ctx.native_handle(), key.get()) != 1 || SSL_CTX_check_private_key(ctx.native_handle()) != 1) {
    ERR_clear_error();
    throw bad(part::key, key_name, "the private key does not match the certificate");
  }
  // Idle keep-alive connections give their buffers back: thousands of open streams must fit.
  SSL_CTX_set_mode(ctx.native_handle(), SSL_MODE_RELEASE_BUFFERS);
  SSL_CTX_set_session_id_context(ctx.native_handle(),
                                 reinterpret_cast<const unsigned char*>(session_id_context.data()),
                                 static_cast<unsigned>(std::min<std::size_t>(session_id_context.size(),
                                                                             SSL_MAX_SID_CTX_LENGTH)));
}

}  // namespace openrouter::tls
