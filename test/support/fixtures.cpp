#include "fixtures.hpp"

namespace test {

boost::json::object chat_body(const std::string& model, const std::string& prompt, bool stream) {
  boost::json::object body{{"model", model},
                           {"messages", boost::json::array{boost::json::object{{"role", "user"}, {"content", prompt}}}}};
  if (stream) body["stream"] = true;
  return body;
}

std::vector<std::string> sse_data(const std::string& body) {
  std::vector<std::string> out;
  for (auto& e : split_sse(body))
    if (!e.comment) out.push_back(e.data);
  return out;
}

std::string streamed_text(const std::string& body) {
  std::string text;
  for (const auto& d : sse_data(body)) {
    if (d == "[DONE]") continue;
    auto v = boost::json::parse(d);
    for (const auto& c : v.at("choices").as_array()) {
      const auto& delta = c.at("delta").as_object();
      if (auto it = delta.find("content"); it != delta.end() && it->value().is_string()) text += it->value().as_string();
    }
  }
  return text;
}

}  // namespace test
