#pragma once
// openrouter::strand_for: a strand over an executor, as the library makes one for each of its
// operations (and `openrouter serve` for each caller connection). Over an io_context's own
// executor it is a strand of that concrete type, which fits inside asio::any_io_executor's
// small-object buffer: the work-tracking copies Asio makes of an operation's executor (one per
// async operation) are then plain copies. A strand over an any_io_executor does not fit, and
// each of those copies is a heap allocation. Any other executor gets asio::make_strand(ex).

#include <boost/asio/any_io_executor.hpp>

namespace openrouter {

/// A new strand over `ex` (a new one per call: its handlers run one at a time, in order).
boost::asio::any_io_executor strand_for(const boost::asio::any_io_executor& ex);

}  // namespace openrouter
