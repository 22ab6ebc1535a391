// POST /rerank.
#include "client_impl.hpp"

namespace openrouter {
namespace asio = boost::asio;
namespace http = boost::beast::http;
using detail::http_request;
using detail::result;

namespace {

// Each result names a document of the request once, and there are no more results than
// documents (or top_n). False (diag.detail says why) otherwise.
bool check_answer(const wire::rerank_request& req, const wire::rerank_response& res, diagnostics& diag) {
  const std::size_t n = req.documents.size();
  std::size_t cap = n;
  if (req.top_n && *req.top_n > 0 && static_cast<std::uint64_t>(*req.top_n) < cap) cap = static_cast<std::size_t>(*req.top_n);
  if (res.results.size() > cap) {
    diag.detail = "the answer holds " + std::to_string(res.results.size()) + " results for " + std::to_string(n) +
                  " documents";
    if (cap < n) diag.detail += " and top_n " + std::to_string(cap);
    return false;
  }
  std::vector<bool> seen(n, false);
  for (const auto& r : res.results) {
    if (r.index < 0 || static_cast<std::uint64_t>(r.index) >= n || seen[static_cast<std::size_t>(r.index)]) {
      diag.detail = "result index " + std::to_string(r.index) + " is repeated or out of range (" + std::to_string(n) +
                    " documents)";
      return false;
    }
    seen[static_cast<std::size_t>(r.index)] = true;
  }
  return true;
}

asio::awaitable<result<wire::rerank_response>> rerank_op(std::shared_ptr<client::impl> im, wire::rerank_request req,
                                                         diagnostics& diag) {
  using R = result<wire::rerank_response>;
  diag.clear();
  if (req.documents.empty()) {
    diag.detail = "no documents to rerank";
    co_return R{make_error_code(errc::invalid_argument), {}};
  }
  http_request hr{.method = http::verb::post, .target = "/rerank", .body = wire::serialize(req)};
  auto op = detail::call_json<wire::rerank_response>(im, std::move(hr), diag, detail::parse_body<wire::rerank_response>());
  auto r = co_await std::move(op);
  if (r.first) co_return r;
  if (diag.generation_id.empty()) diag.generation_id = r.second.id;
  if (!check_answer(req, r.second, diag)) co_return R{make_error_code(errc::bad_json), std::move(r.second)};
  co_return r;
}

}  // namespace

void client::do_rerank(wire::rerank_request req, diagnostics& diag, handler<wire::rerank_response> h) {
  detail::launch(impl_, rerank_op(impl_, std::move(req), diag), std::move(h));
}

}  // namespace openrouter
