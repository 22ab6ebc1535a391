// An existing-style Asio program, written against APIs that Boost 1.81 deprecates but still
// ships (io_context::work, io_context::run(error_code&), post() member-less helpers, strand
// wrap...), built together with openrouter in the same executable. Linking openrouter must not
// change the user's own Asio dialect.
#include <openrouter/client.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/io_context_strand.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/string.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <thread>

int legacy_asio_main() {
  boost::asio::io_context ioc;
  // Deprecated in 1.81 (removed under BOOST_ASIO_NO_DEPRECATED): io_context::work, the strand's
  // wrap(), run(error_code&), io_context::post.
  auto work = std::make_unique<boost::asio::io_context::work>(ioc);
  boost::asio::io_context::strand strand(ioc);
  int ran = 0;
  ioc.post(strand.wrap([&] { ++ran; }));
  boost::asio::post(ioc, [&] {
    ++ran;
    work.reset();
  });
  boost::system::error_code ec;
  ioc.run(ec);
  // Beast's own string_view, whatever the library chose for itself.
  boost::beast::string_view sv = "beast";
  std::string copy(sv.data(), sv.size());
  // And the library's types next to it.
  openrouter::client_config cfg;
  cfg.base_url = "https://127.0.0.1:1/api/v1";
  return (ran == 2 && !ec && copy == "beast" && !cfg.base_url.empty()) ? 0 : 1;
}
