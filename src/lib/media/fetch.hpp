#pragma once
// The server-side fetch of a remote asset into a data URL (client::async_fetch_asset). Private
// to src/lib.

#include "../detail/launch.hpp"

#include <openrouter/config.hpp>
#include <openrouter/error.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <mutex>

#include <string>

namespace openrouter::detail {

/// The TLS context of a client's asset fetches, made at the first https fetch and shared by
/// all of them: making one loads the system CA store (~240M instructions), which a fetch must
/// not pay each time. Thread-safe. A context that cannot be made (an unreadable CA file)
/// throws std::invalid_argument, and is tried again at the next fetch.
class asset_tls {
 public:
  explicit asset_tls(tls_options o) : opts_(std::move(o)) {}
  boost::asio::ssl::context& get();

 private:
  tls_options opts_;
  std::mutex mutex_;
  std::unique_ptr<boost::asio::ssl::context> ctx_;
};

/// GET `url` on a connection of its own, under cfg.remote_assets: allowlisted hosts only, every
/// resolved address screened (media::address_refusal), redirects re-checked and bounded, the
/// body capped and its type checked (declared and sniffed), one deadline for the whole fetch.
/// Never sends the API key. Completes with the asset's data URL. `tls` gives the context of
/// https hops.
boost::asio::awaitable<result<std::string>> fetch_asset(const client_config& cfg, std::string url, diagnostics& diag,
                                                        asset_tls& tls);

}  // namespace openrouter::detail
