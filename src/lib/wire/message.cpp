#include "codecs.hpp"

namespace openrouter::wire {

namespace {
using namespace detail;

constexpr auto cache_control_fields = std::tuple{
    opt("type", &cache_control::type),
    opt("ttl", &cache_control::ttl),
};
constexpr auto image_url_ref_fields = std::tuple{
    opt("url", &image_url_ref::url),
    opt("detail", &image_url_ref::detail),
};
constexpr auto file_ref_fields = std::tuple{
    opt("filename", &file_ref::filename),
    opt("file_data", &file_ref::file_data),
    opt("file_id", &file_ref::file_id),
};
constexpr auto input_audio_ref_fields = std::tuple{
    opt("data", &input_audio_ref::data),
    opt("format", &input_audio_ref::format),
};
constexpr auto video_url_ref_fields = std::tuple{
    opt("url", &video_url_ref::url),
};
constexpr auto content_part_fields = std::tuple{
    opt("type", &content_part::type),
    opt("text", &content_part::text),
    opt("cache_control", &content_part::cache_control),
    opt("prompt_cache_breakpoint", &content_part::prompt_cache_breakpoint),
    opt("image_url", &content_part::image_url),
    opt("file", &content_part::file),
    opt("input_audio", &content_part::input_audio),
    opt("video_url", &content_part::video_url),
};
// name and arguments are required upstream: an assistant message sent back in a tool loop must
// carry "arguments" even when it is "".
constexpr auto function_call_fields = std::tuple{
    req("name", &function_call::name),
    req("arguments", &function_call::arguments),
};
constexpr auto tool_call_fields = std::tuple{
    opt("id", &tool_call::id),
    opt("type", &tool_call::type),
    opt("function", &tool_call::function),
};
constexpr auto image_output_fields = std::tuple{
    opt("type", &image_output::type),
    opt("image_url", &image_output::image_url),
};
constexpr auto message_fields = std::tuple{
    opt("role", &message::role),
    opt("content", &message::content),
    opt("name", &message::name),
    opt("tool_calls", &message::tool_calls),
    opt("tool_call_id", &message::tool_call_id),
    opt("reasoning", &message::reasoning),
    opt("reasoning_details", &message::reasoning_details),
    opt("refusal", &message::refusal),
    opt("images", &message::images),
    opt("annotations", &message::annotations),
    opt("audio", &message::audio),
    opt("model", &message::model),
};

message with_role(std::string_view role, message_content content) {
  message m;
  m.role = role;
  m.content = std::move(content);
  return m;
}

}  // namespace

OPENROUTER_WIRE_DEFINE_CONVERSIONS(cache_control, cache_control_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(image_url_ref, image_url_ref_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(file_ref, file_ref_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(input_audio_ref, input_audio_ref_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(video_url_ref, video_url_ref_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(content_part, content_part_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(function_call, function_call_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(tool_call, tool_call_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(image_output, image_output_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(message, message_fields)

content_part text_part(std::string text) {
  content_part p;
  p.type = "text";
  p.text = std::move(text);
  return p;
}

content_part image_part(std::string url, std::string detail) {
  content_part p;
  p.type = "image_url";
  p.image_url.emplace().url = std::move(url);
  if (!detail.empty()) p.image_url->detail = std::move(detail);
  return p;
}

content_part file_part(std::string filename, std::string file_data) {
  content_part p;
  p.type = "file";
  auto& f = p.file.emplace();
  if (!filename.empty()) f.filename = std::move(filename);
  f.file_data = std::move(file_data);
  return p;
}

content_part audio_part(std::string base64_data, std::string format) {
  content_part p;
  p.type = "input_audio";
  p.input_audio.emplace(input_audio_ref{std::move(base64_data), std::move(format), {}});
  return p;
}

content_part video_part(std::string url) {
  content_part p;
  p.type = "video_url";
  p.video_url.emplace().url = std::move(url);
  return p;
}

std::string message::text() const {
  if (!content) return {};
  if (const auto* s = std::get_if<std::string>(&*content)) return *s;
  std::string out;
  for (const content_part& p : std::get<std::vector<content_part>>(*content))
    if (p.type == "text" && p.text) out += *p.text;
  return out;
}

message message::system(std::string text) { return with_role("system", std::move(text)); }
message message::developer(std::string text) { return with_role("developer", std::move(text)); }
message message::user(std::string text) { return with_role("user", std::move(text)); }
message message::user(std::vector<content_part> parts) {
  return with_role("user", std::move(parts));
}
message message::assistant(std::string text) { return with_role("assistant", std::move(text)); }
message message::tool(std::string tool_call_id, std::string content) {
  message m = with_role("tool", std::move(content));
  m.tool_call_id = std::move(tool_call_id);
  return m;
}

}  // namespace openrouter::wire
