// Image generation through POST /images (the image API, not chat): a prompt, an aspect ratio,
// one image, saved atomically under <purpose>-<generation id>-0.<ext> in argv[1] or the current
// directory. OPENROUTER_IMAGE_MODEL overrides the model (default black-forest-labs/flux-1-schnell).
#include "common/example.hpp"

#include <openrouter/media.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>

namespace media = openrouter::media;
namespace wire = openrouter::wire;

int main(int argc, char** argv) {
  std::filesystem::path dir = argc > 1 ? std::filesystem::path(argv[1]) : std::filesystem::current_path();
  return example::run([dir](example::session& s) -> boost::asio::awaitable<void> {
    openrouter::diagnostics diag;
    wire::image_generation_request req;
    const char* m = std::getenv("OPENROUTER_IMAGE_MODEL");
    req.model = m && *m ? m : "black-forest-labs/flux-1-schnell";
    req.prompt = "A glass teacup on a plain background";
    req.aspect_ratio = "1:1";
    auto op = s.client().async_images(std::move(req), diag, example::tuple);
    auto [ec, res] = co_await std::move(op);
    example::check(ec, diag);

    boost::system::error_code sec;
    auto saved = media::save_generated_images(res, dir, "teacup", diag.generation_id, sec);
    if (sec) throw example::failure{sec, "saving the images into " + dir.string()};
    for (const auto& img : saved)
      std::cout << "generated and saved " << img.path.string() << " (" << img.mime << ", " << img.bytes << " bytes)\n";
    if (res.usage) std::cout << "cost $" << res.usage->cost.value_or(0) << '\n';
  });
}
