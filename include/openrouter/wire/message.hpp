#pragma once
// Chat messages, shared by requests and responses so that an assistant message from a response
// can be appended to the next request unchanged (tool loops, reasoning_details, PDF annotations).
#include <openrouter/wire/json.hpp>

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace openrouter::wire {

/// Anthropic-style cache breakpoint: {type:"ephemeral", ttl?: "5m"|"1h"}.
struct cache_control {
  std::string type = "ephemeral";
  std::optional<std::string> ttl{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(cache_control);

/// image_url: an http(s) URL or a data: URL; detail is auto|low|high|original.
struct image_url_ref {
  std::string url{};
  std::optional<std::string> detail{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(image_url_ref);

/// file: file_data is a data: URL or a public URL; file_id names an upload from /files.
struct file_ref {
  std::optional<std::string> filename{};
  std::optional<std::string> file_data{};
  std::optional<std::string> file_id{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(file_ref);

/// input_audio: base64 data without a data: prefix, and its format (wav, mp3, ...).
struct input_audio_ref {
  std::string data{};
  std::string format{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(input_audio_ref);

struct video_url_ref {
  std::string url{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(video_url_ref);

/// One content part, discriminated by `type`: text, image_url, file, input_audio, video_url (or
/// its legacy alias input_video). Only the member matching `type` is set; parts of a type we do
/// not model keep their payload in `extra`.
struct content_part {
  std::string type{};
  std::optional<std::string> text{};                   // text
  std::optional<wire::cache_control> cache_control{};  // text
  boost::json::value prompt_cache_breakpoint{};        // text, opaque ({mode:"explicit"})
  std::optional<image_url_ref> image_url{};            // image_url
  std::optional<file_ref> file{};                      // file
  std::optional<input_audio_ref> input_audio{};        // input_audio
  std::optional<video_url_ref> video_url{};            // video_url, input_video
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(content_part);

content_part text_part(std::string text);
/// detail: "auto", "low", "high" or "original"; empty leaves it to the server (auto).
content_part image_part(std::string url, std::string detail = {});
/// file_data: a data:application/pdf;base64,... URL or a public URL.
content_part file_part(std::string filename, std::string file_data);
content_part audio_part(std::string base64_data, std::string format);
content_part video_part(std::string url);

/// The function a tool call invokes; arguments is a JSON *text* (parse it after the turn ends).
struct function_call {
  std::string name{};
  std::string arguments{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(function_call);

struct tool_call {
  std::string id{};
  std::string type = "function";
  function_call function{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(tool_call);

/// A generated image: {type:"image_url", image_url:{url:"data:image/png;base64,..."}}.
struct image_output {
  std::string type{};
  image_url_ref image_url{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(image_output);

/// Message content is either plain text or a list of parts (multimodal input, or a response that
/// returned parts).
using message_content = std::variant<std::string, std::vector<content_part>>;

/// A chat message of any role (system, developer, user, assistant, tool). Members that do not
/// apply to a role stay unset and are not sent.
struct message {
  std::string role{};
  std::optional<message_content> content{};  // nullopt: absent or null (assistant with tool_calls)
  std::optional<std::string> name{};
  std::vector<tool_call> tool_calls{};        // assistant
  std::optional<std::string> tool_call_id{};  // tool
  std::optional<std::string> reasoning{};     // assistant
  boost::json::value reasoning_details{};     // assistant; pass back unchanged on later turns
  std::optional<std::string> refusal{};       // assistant
  std::vector<image_output> images{};         // assistant: generated images
  boost::json::value annotations{};           // assistant: url_citation / file annotations (send
                                              // file annotations back to skip PDF re-parsing)
  boost::json::value audio{};                 // assistant: {id, data, transcript, expires_at}
  std::optional<std::string> model{};         // assistant: model that generated it
  boost::json::object extra{};

  /// The text of the message: the string content, or its text parts concatenated; "" if none.
  std::string text() const;

  static message system(std::string text);
  static message developer(std::string text);
  static message user(std::string text);
  static message user(std::vector<content_part> parts);
  static message assistant(std::string text);
  /// The result of tool call `tool_call_id` (JSON-stringify structured results).
  static message tool(std::string tool_call_id, std::string content);
};
OPENROUTER_WIRE_JSON_CONVERSIONS(message);

}  // namespace openrouter::wire
