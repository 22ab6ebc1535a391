#include <openrouter/strand.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

namespace openrouter {

boost::asio::any_io_executor strand_for(const boost::asio::any_io_executor& ex) {
  namespace asio = boost::asio;
  if (const auto* io = ex.target<asio::io_context::executor_type>()) return asio::make_strand(*io);
  return asio::make_strand(ex);
}

}  // namespace openrouter
