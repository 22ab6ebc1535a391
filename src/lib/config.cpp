#include <openrouter/config.hpp>

#include <cstdlib>

namespace openrouter {

client_config client_config::from_env() {
  client_config c;
  auto env = [](const char* name, std::string& out) {
    if (const char* v = std::getenv(name); v && *v) out = v;
  };
  env("OPENROUTER_API_KEY", c.api_key);
  env("OPENROUTER_BASE_URL", c.base_url);
  env("OPENROUTER_SITE_URL", c.site_url);
  env("OPENROUTER_APP_NAME", c.app_name);
  env("OPENROUTER_CA_FILE", c.tls.ca_file);
  return c;
}

}  // namespace openrouter
