// POST /embeddings and GET /embeddings/models.
#include "client_impl.hpp"

#include <algorithm>

namespace openrouter {
namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;
using detail::http_request;
using detail::result;

namespace {

// One vector per input, each index once and in range; `data` left sorted by index. An answer
// without indices keeps its order. False (diag.detail says why) for any other answer.
bool check_answer(const wire::embeddings_request& req, wire::embeddings_response& res, diagnostics& diag) {
  auto& data = res.data;
  if (auto n = req.input_count(); n && data.size() != *n) {
    diag.detail = "the answer holds " + std::to_string(data.size()) + " embeddings for " + std::to_string(*n) + " inputs";
    return false;
  }
  const bool indexed = std::any_of(data.begin(), data.end(), [](const auto& e) { return e.index.has_value(); });
  if (!indexed) return true;
  std::vector<bool> seen(data.size(), false);
  for (const auto& e : data) {
    if (!e.index || *e.index < 0 || static_cast<std::uint64_t>(*e.index) >= data.size() ||
        seen[static_cast<std::size_t>(*e.index)]) {
      diag.detail = "embedding index " + (e.index ? std::to_string(*e.index) : std::string("missing")) +
                    " is missing, repeated or out of range (" + std::to_string(data.size()) + " embeddings)";
      return false;
    }
    seen[static_cast<std::size_t>(*e.index)] = true;
  }
  std::sort(data.begin(), data.end(), [](const auto& a, const auto& b) { return *a.index < *b.index; });
  return true;
}

asio::awaitable<result<wire::embeddings_response>> embeddings_op(std::shared_ptr<client::impl> im,
                                                                  wire::embeddings_request req, diagnostics& diag) {
  using R = result<wire::embeddings_response>;
  diag.clear();
  if (auto n = req.input_count(); n && *n == 0) {
    diag.detail = "no input to embed";
    co_return R{make_error_code(errc::invalid_argument), {}};
  }
  // Unset: ask for base64 (a third of the bytes of JSON floats and about a quarter of the
  // client's CPU to decode); the caller gets floats either way. "float" is sent when asked.
  if (!req.encoding_format) req.encoding_format = "base64";
  http_request hr{.method = http::verb::post, .target = "/embeddings", .body = wire::serialize(req)};
  auto r = co_await detail::call_json<wire::embeddings_response>(im, std::move(hr), diag,
                                                                 detail::parse_body<wire::embeddings_response>());
  if (r.first) co_return r;
  if (diag.generation_id.empty()) diag.generation_id = r.second.id;
  if (!check_answer(req, r.second, diag)) co_return R{make_error_code(errc::bad_json), std::move(r.second)};
  co_return r;
}

}  // namespace

void client::do_embeddings(wire::embeddings_request req, diagnostics& diag, handler<wire::embeddings_response> h) {
  detail::launch(impl_, embeddings_op(impl_, std::move(req), diag), std::move(h));
}

void client::do_embedding_models(models_query q, diagnostics& diag, handler<wire::models_page> h) {
  detail::launch(impl_,
                 detail::call_json<wire::models_page>(impl_, {http::verb::get, "/embeddings/models" + encode_query(q), {}, false, true},
                                                      diag, detail::parse_body<wire::models_page>()),
                 std::move(h));
}

}  // namespace openrouter
