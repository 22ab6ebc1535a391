#pragma once
// Structured outputs: ask a model for JSON that matches a JSON Schema, and refuse anything else.
//
//   openrouter::structured_spec spec{.name = "person", .schema = schema, .max_repairs = 1};
//   auto r = co_await openrouter::async_structured_chat(cli, req, spec, diag);   // or a router
//   use(r.value);                           // validated against spec.schema
//
// The request gets `response_format` json_schema when the model's catalog entry lists
// `structured_outputs`, else json_object (plus a system message carrying the schema, since JSON
// mode alone does not convey it). Either way the answer is checked here: empty content is
// errc::no_content, a non-JSON answer errc::invalid_json_output and a schema mismatch
// errc::schema_violation, each with the failing path in the result's `problem` (and in
// diagnostics::detail) - distinct from transport and API errors, which keep their own errc.
// With max_repairs > 0 an unusable answer is sent back with the problem and the model is asked
// again, at most that many times.

#include <openrouter/client.hpp>
#include <openrouter/error.hpp>
#include <openrouter/schema/validator.hpp>
#include <openrouter/wire/chat_request.hpp>
#include <openrouter/wire/chat_response.hpp>
#include <openrouter/wire/models.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <variant>

namespace openrouter {

class router;

/// Where a chat goes: straight to a client, or through a router's policy.
using chat_target = std::variant<client*, router*>;

/// How the response format is picked.
enum class format_choice {
  by_catalog,   ///< json_schema if the model supports structured_outputs, else json_object
  json_schema,  ///< always json_schema
  json_object,  ///< always json_object (the schema still checks the answer)
};

struct structured_spec {
  std::string name = "output";  ///< json_schema.name: at most 64 of [a-zA-Z0-9_-]
  boost::json::value schema;    ///< JSON Schema (draft 7): compiled once, checks every answer
  bool strict = true;           ///< json_schema.strict
  std::string description{};
  format_choice choice = format_choice::by_catalog;
  int max_repairs = 0;              ///< unusable answers sent back for another try, at most
  bool require_parameters = true;   ///< provider.require_parameters: only providers that honour it
};

/// Why an answer is unusable: where, and what.
struct output_problem {
  std::string path;     ///< "$.items[2].name" for a violation; "$" when the whole text is at fault
  std::string message;  ///< "expected string, got integer", "not JSON: syntax error at offset 12"
  std::string describe() const;  ///< "$.items[2].name: expected string, got integer"
};

/// Whether a catalog entry promises schema-constrained output (supported_parameters has
/// structured_outputs).
bool supports_structured_outputs(const wire::model& m);

/// The response_format for `spec` given the model's catalog entry (nullptr: unknown model,
/// which gets json_object under format_choice::by_catalog).
wire::response_format choose_response_format(const structured_spec& spec, const wire::model* m);

/// Sets req.response_format (and provider.require_parameters when asked); a json_object format
/// also gets a leading system message with the schema.
void apply_response_format(wire::chat_request& req, const structured_spec& spec, wire::response_format fmt);

/// Checks a model's content: empty (or only whitespace) -> errc::no_content, not one JSON text ->
/// errc::invalid_json_output, a schema violation -> errc::schema_violation (first violation in
/// `problem`). On success `out` holds the parsed value. `v` may be null (JSON only).
boost::system::error_code check_json_output(std::string_view content, const schema::validator* v,
                                            boost::json::value& out, output_problem& problem);

struct structured_result {
  boost::json::value value;          ///< the validated JSON (null on failure)
  wire::chat_response response;      ///< the last answer (partial or unusable on failure)
  std::string format;                ///< "json_schema" or "json_object": what was asked for
  int repairs = 0;                   ///< repair rounds used
  output_problem problem;            ///< why the last answer was unusable (empty on success)
};

namespace detail {
using structured_handler = boost::asio::any_completion_handler<void(boost::system::error_code, structured_result)>;
void start_structured_chat(chat_target t, wire::chat_request req, structured_spec spec, diagnostics& diag,
                           structured_handler h);
}  // namespace detail

/// Runs the request (non-streaming) with the spec's response format and checks the answer as
/// described above. A schema that does not compile is errc::invalid_argument (nothing is sent;
/// the reason in diag.detail). Cancellation (terminal) stops the pending request. Completes with void(error_code, structured_result); `diag` must outlive the operation.
template <class Token = boost::asio::deferred_t>
auto async_structured_chat(chat_target t, wire::chat_request req, structured_spec spec, diagnostics& diag,
                           Token&& token = {}) {
  return boost::asio::async_initiate<Token, void(boost::system::error_code, structured_result)>(
      [t](auto h, wire::chat_request r, structured_spec s, diagnostics* d) {
        detail::start_structured_chat(t, std::move(r), std::move(s), *d, detail::structured_handler(std::move(h)));
      },
      token, std::move(req), std::move(spec), &diag);
}

}  // namespace openrouter
