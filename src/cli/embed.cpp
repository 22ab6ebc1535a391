// `openrouter embed`: embeddings of texts (arguments, or the lines of --input), in batches sent
// concurrently; one JSON line per input, {"index": I, "embedding": [...]}, resumable with
// --output FILE (a rerun skips the indices the file holds).
#include "batch/files.hpp"
#include "commands.hpp"
#include "context.hpp"

#include <openrouter/client.hpp>

#include <boost/json/parse.hpp>

#include <charconv>
#include <cstdio>
#include <functional>
#include <fstream>
#include <memory>
#include <iostream>
#include <set>
#include <string>
#include <vector>

namespace openrouter::cli {
namespace {

constexpr std::int64_t k_max_batch = 2048;  // the API's limit of inputs per request

// {"index":I,"embedding":[...]} with each float in its shortest round-trip form.
std::string jsonl_line(std::size_t index, const std::vector<float>& v) {
  std::string out = "{\"index\":" + std::to_string(index) + ",\"embedding\":[";
  out.reserve(out.size() + v.size() * 12 + 4);
  char buf[32];
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out += ',';
    auto r = std::to_chars(buf, buf + sizeof buf, v[i]);
    out.append(buf, r.ptr);
  }
  out += "]}\n";
  return out;
}

// The indices a previous run wrote (read through the locked output file), and how many bytes
// of it are whole lines (a last line cut by a crash is cut off).
std::set<std::size_t> done_indices(std::istream& in, std::uint64_t& keep_bytes) {
  std::set<std::size_t> done;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::size_t complete = text.rfind('\n');
  complete = complete == std::string::npos ? 0 : complete + 1;
  keep_bytes = complete;
  std::size_t start = 0;
  for (std::size_t nl; start < complete && (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) {
    boost::system::error_code ec;
    auto v = boost::json::parse(std::string_view(text).substr(start, nl - start), ec);
    const auto* o = ec ? nullptr : v.if_object();
    const auto* i = o ? o->if_contains("index") : nullptr;
    if (i && i->is_int64() && i->as_int64() >= 0) done.insert(static_cast<std::size_t>(i->as_int64()));
  }
  return done;
}

int run_embed(context& ctx) {
  const auto& vm = ctx.vm;
  if (!vm.count("model")) throw usage_error("embed needs --model (an embedding model, e.g. openai/text-embedding-3-small)");
  std::vector<std::string> inputs;
  if (vm.count("input")) {
    if (vm.count("text")) throw usage_error("give texts as arguments or --input FILE, not both");
    const std::string file = vm["input"].as<std::string>();
    std::ifstream in(file, std::ios::binary);
    if (!in) throw usage_error("cannot read the input file " + file);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      inputs.push_back(std::move(line));
    }
  } else if (vm.count("text")) {
    inputs = vm["text"].as<std::vector<std::string>>();
  } else {
    throw usage_error("embed needs texts (arguments) or --input FILE");
  }
  for (std::size_t i = 0; i < inputs.size(); ++i)
    if (inputs[i].empty()) throw usage_error("input " + std::to_string(i) + " is empty (the API refuses empty texts)");
  const auto batch = static_cast<std::size_t>(vm.count("batch-size") ? integer_option(vm, "batch-size", 1, k_max_batch) : 128);
  const auto concurrency = static_cast<std::size_t>(vm.count("concurrency") ? integer_option(vm, "concurrency", 1, 1024) : 8);
  wire::embeddings_request proto;
  proto.model = vm["model"].as<std::string>();
  if (vm.count("dimensions")) proto.dimensions = integer_option(vm, "dimensions", 1, 1 << 16);
  proto.encoding_format = vm.count("encoding-format") ? vm["encoding-format"].as<std::string>() : "base64";
  if (*proto.encoding_format != "base64" && *proto.encoding_format != "float")
    throw usage_error("--encoding-format must be float or base64, given '" + *proto.encoding_format + "'");

  // The output file is batch's (batch/files.hpp): locked, never the input under any name, only
  // ever holding whole lines.
  std::set<std::size_t> done;
  std::unique_ptr<batch::output_file> file;
  if (vm.count("output")) {
    batch::file_identity input_id{};  // texts given as arguments: no input file to protect
    if (vm.count("input")) {
      auto id = batch::identity_of(vm["input"].as<std::string>());
      if (!id) throw usage_error("cannot read the input file " + vm["input"].as<std::string>());
      input_id = *id;
    }
    try {
      file = std::make_unique<batch::output_file>(vm["output"].as<std::string>(), input_id);
      std::uint64_t keep = 0;
      done = done_indices(*file->read(), keep);
      file->truncate_to(keep);
    } catch (const batch::file_error& e) {
      if (e.usage) throw usage_error(e.what());
      error_line(e.what());
      return exit_failure;
    }
  }

  // Batches of the indices still to do.
  std::vector<std::vector<std::size_t>> batches;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (done.contains(i)) continue;
    if (batches.empty() || batches.back().size() == batch) batches.emplace_back();
    batches.back().push_back(i);
  }

  struct state {
    std::size_t next = 0, running = 0, failed_inputs = 0, written = 0;
    double cost = 0;
    std::int64_t tokens = 0;
    bool write_failed = false;
  } st;
  std::vector<diagnostics> diags(batches.size());
  std::function<void()> start_more = [&] {
    while (st.running < concurrency && st.next < batches.size()) {
      const std::size_t b = st.next++;
      ++st.running;
      wire::embeddings_request req = proto;
      std::vector<std::string> texts;
      texts.reserve(batches[b].size());
      for (std::size_t i : batches[b]) texts.push_back(inputs[i]);
      req.input = std::move(texts);
      ctx.cli->async_embeddings(std::move(req), diags[b], [&, b](error_code ec, wire::embeddings_response res) {
        --st.running;
        const auto& idx = batches[b];
        if (ec) {
          st.failed_inputs += idx.size();
          error_line("inputs " + std::to_string(idx.front()) + ".." + std::to_string(idx.back()) + ": " +
                     diags[b].summary(ec));
        } else {
          std::string lines;
          for (std::size_t k = 0; k < idx.size(); ++k) lines += jsonl_line(idx[k], res.data[k].embedding);
          if (file) {
            int err = 0;
            if (!file->append(lines, err)) st.write_failed = true;
          } else {
            std::cout.write(lines.data(), static_cast<std::streamsize>(lines.size()));
            std::cout.flush();
            if (!std::cout) st.write_failed = true;
          }
          st.written += idx.size();
          if (res.usage) {
            st.cost += res.usage->cost.value_or(0);
            st.tokens += res.usage->prompt_tokens;
          }
        }
        start_more();
      });
    }
  };
  start_more();
  ctx.drive([&] { return st.running == 0 && st.next == batches.size(); });
  if (!vm["quiet"].as<bool>())
    std::cerr << "embedded " << st.written << " of " << inputs.size() << " inputs"
              << (done.empty() ? "" : " (" + std::to_string(done.size()) + " done before)") << " in "
              << batches.size() << " requests, " << st.tokens << " tokens, $" << decimal(st.cost)
              << (st.failed_inputs ? ", " + std::to_string(st.failed_inputs) + " failed (rerun to retry)" : "") << '\n';
  if (st.write_failed) {
    error_line("could not write the output");
    return exit_failure;
  }
  return st.failed_inputs ? exit_failure : exit_ok;
}

}  // namespace

const command embed_command{
    "embed",
    "--model M [--input FILE | TEXT...] [--output FILE] [--batch-size N] [--concurrency N] [--dimensions N] "
    "[--encoding-format base64|float]",
    "Embed texts (or the lines of a file), batched and concurrent",
    "Sends POST /embeddings for each text argument, or each line of --input (a blank line is an\n"
    "error: the API refuses empty texts), --batch-size inputs per request (default 128, at most\n"
    "2048), --concurrency requests at a time (default 8). Prints one JSON line per input as its\n"
    "batch completes: {\"index\": I, \"embedding\": [...]} (I counts from 0 in input order; lines come\n"
    "in completion order). Vectors travel as base64 (smaller, faster) unless --encoding-format\n"
    "float, and are printed as floats either way. With --output FILE the lines are appended to FILE\n"
    "and a rerun skips the indices FILE holds (a line cut by a crash is redone): a killed or\n"
    "partly failed run is resumed by running it again. A summary goes to stderr.\n"
    "Exit status: 0 when every input has its line, 1 when a batch failed, 2 for usage errors.",
    true,
    [](po::options_description& o, po::options_description& hidden, po::positional_options_description& p) {
      o.add_options()
          ("model", po::value<std::string>()->value_name("M"), "embedding model, e.g. openai/text-embedding-3-small")
          ("input", po::value<std::string>()->value_name("FILE"), "one text per line")
          ("output", po::value<std::string>()->value_name("FILE"), "append the JSON lines to FILE (resumable)")
          ("batch-size", po::value<std::string>()->value_name("N"), "inputs per request (default 128)")
          ("concurrency", po::value<std::string>()->value_name("N"), "requests in flight (default 8)")
          ("dimensions", po::value<std::string>()->value_name("N"), "vector length (models that support it)")
          ("encoding-format", po::value<std::string>()->value_name("F"), "base64 (default) or float on the wire")
          ("quiet", po::bool_switch(), "no summary on stderr");
      hidden.add_options()("text", po::value<std::vector<std::string>>());
      p.add("text", -1);
    },
    run_embed};

}  // namespace openrouter::cli
