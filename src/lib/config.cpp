#include <openrouter/config.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string_view>

namespace openrouter {

client_config client_config::from_env() {
  client_config c;
  auto env = [](const char* name, std::string& out) {
    if (const char* v = std::getenv(name); v && *v) out = v;
  };
  env("OPENROUTER_API_KEY", c.api_key);
  env("OPENROUTER_MANAGEMENT_KEY", c.management_key);
  env("OPENROUTER_BASE_URL", c.base_url);
  env("OPENROUTER_SITE_URL", c.site_url);
  env("OPENROUTER_APP_NAME", c.app_name);
  env("OPENROUTER_CA_FILE", c.tls.ca_file);
  std::string hosts;
  env("OPENROUTER_ALLOWED_REMOTE_ASSET_HOSTS", hosts);
  for (std::size_t start = 0; start <= hosts.size() && !hosts.empty();) {
    std::size_t comma = std::min(hosts.find(',', start), hosts.size());
    std::string_view h = std::string_view(hosts).substr(start, comma - start);
    while (!h.empty() && std::isspace(static_cast<unsigned char>(h.front()))) h.remove_prefix(1);
    while (!h.empty() && std::isspace(static_cast<unsigned char>(h.back()))) h.remove_suffix(1);
    if (!h.empty()) c.remote_assets.allowed_hosts.emplace_back(h);
    start = comma + 1;
  }
  return c;
}

}  // namespace openrouter
