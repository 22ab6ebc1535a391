// Image generation: an image-output model from the catalog (or OPENROUTER_IMAGE_MODEL), a chat
// request with modalities ["image","text"] and image_config, and the generated PNG saved
// atomically under a stable name (<purpose>-<generation id>-<n>.png) in argv[1] or the current
// directory.
#include "common/example.hpp"

#include <openrouter/media.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>

namespace media = openrouter::media;
namespace wire = openrouter::wire;
using openrouter::errc;

int main(int argc, char** argv) {
  std::filesystem::path dir = argc > 1 ? std::filesystem::path(argv[1]) : std::filesystem::current_path();
  return example::run([dir](example::session& s) -> boost::asio::awaitable<void> {
    openrouter::diagnostics diag;
    std::string model;
    if (const char* m = std::getenv("OPENROUTER_IMAGE_MODEL"); m && *m) {
      model = m;
    } else {
      auto op = s.client().async_catalog(std::chrono::minutes(10), diag, example::tuple);
      auto [ec, catalog] = co_await std::move(op);
      example::check(ec, diag);
      auto picked = media::pick_image_model(*catalog);
      if (!picked) throw example::failure{make_error_code(errc::not_found), "no image-output model in the catalog"};
      model = *picked;
    }

    wire::chat_request req;
    req.model = model;
    req.messages = {wire::message::user("A glass teacup on a plain background")};
    media::request_images(req, {.aspect_ratio = "1:1", .image_size = "1K"});
    auto op = s.client().async_chat(std::move(req), diag, example::tuple);
    auto [ec, res] = co_await std::move(op);
    example::check(ec, diag);

    boost::system::error_code sec;
    auto saved = media::save_images(res, dir, "teacup", sec);
    if (sec) throw example::failure{sec, "saving the images of " + res.id + " into " + dir.string()};
    for (const auto& img : saved)
      std::cout << "saved " << img.path.string() << " (" << img.mime << ", " << img.bytes << " bytes, " << res.model
                << ")\n";
  });
}
