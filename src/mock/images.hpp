#pragma once
// POST /images and GET /images/models of openrouter-mock (sans-I/O). The images are small
// valid PNGs whose pixels derive from the prompt, the seed and their index; the models are the
// catalog's image-output models. "fault/..." model names and the scenario's faults apply.

#include "reply.hpp"
#include "state.hpp"

#include <string_view>

namespace openrouter::mock {

http_reply handle_images(mock_state& state, std::string_view body);
http_reply handle_image_models(const mock_state& state);

}  // namespace openrouter::mock
