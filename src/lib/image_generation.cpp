// POST /images and GET /images/models.
#include "client_impl.hpp"

namespace openrouter {
namespace asio = boost::asio;
namespace http = boost::beast::http;
using detail::http_request;
using detail::result;

namespace {

asio::awaitable<result<wire::image_generation_response>> images_op(std::shared_ptr<client::impl> im,
                                                                   wire::image_generation_request req,
                                                                   diagnostics& diag) {
  using R = result<wire::image_generation_response>;
  diag.clear();
  if (req.prompt.empty()) {
    diag.detail = "no prompt";
    co_return R{make_error_code(errc::invalid_argument), {}};
  }
  http_request hr{.method = http::verb::post, .target = "/images", .body = wire::serialize(req)};
  auto op = detail::call_json<wire::image_generation_response>(im, std::move(hr), diag,
                                                               detail::parse_body<wire::image_generation_response>());
  auto r = co_await std::move(op);
  if (r.first) co_return r;
  if (r.second.data.empty()) {
    diag.detail = "the answer holds no image";
    co_return R{make_error_code(errc::no_image), std::move(r.second)};
  }
  for (std::size_t i = 0; i < r.second.data.size(); ++i)
    if (r.second.data[i].b64_json.empty() && r.second.data[i].url.empty()) {
      diag.detail = "image " + std::to_string(i) + " has neither b64_json nor url";
      co_return R{make_error_code(errc::bad_json), std::move(r.second)};
    }
  co_return r;
}

}  // namespace

void client::do_images(wire::image_generation_request req, diagnostics& diag,
                       handler<wire::image_generation_response> h) {
  detail::launch(impl_, images_op(impl_, std::move(req), diag), std::move(h));
}

void client::do_image_models(std::monostate, diagnostics& diag, handler<wire::image_models> h) {
  detail::launch(impl_,
                 detail::call_json<wire::image_models>(impl_, {.target = "/images/models", .accept_gzip = true}, diag,
                                                       detail::parse_body<wire::image_models>()),
                 std::move(h));
}

}  // namespace openrouter
