// `openrouter rerank`, `image`, `speak` and `transcribe`: POST /rerank, /images, /audio/speech
// and /audio/transcriptions from the command line. Files are written atomically (a reader never
// sees half an image or half a sound); errors are one line on stderr, as for every command.
#include "commands.hpp"
#include "context.hpp"

#include <openrouter/media/images.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace openrouter::cli {
namespace {

// The words of option `name` joined by spaces, else standard input (the way `chat` reads its prompt).
std::string words_or_stdin(const po::variables_map& vm, const char* name) {
  std::string out;
  if (vm.count(name)) {
    for (const auto& w : vm[name].as<std::vector<std::string>>()) {
      if (!out.empty()) out += ' ';
      out += w;
    }
    return out;
  }
  out.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

std::string required(const po::variables_map& vm, const char* name, std::string_view cmd, std::string_view example) {
  if (!vm.count(name)) throw usage_error(std::string(cmd) + " needs --" + name + " (" + std::string(example) + ")");
  return vm[name].as<std::string>();
}

void cost_line(const po::variables_map& vm, std::string_view what, std::optional<double> cost) {
  if (!vm["quiet"].as<bool>()) std::cerr << what << ", $" << decimal(cost) << '\n';
}

// Writes `bytes` to `path` atomically; false after an error line.
bool write_out(const std::filesystem::path& path, std::string_view bytes) {
  boost::system::error_code ec;
  media::write_file_atomically(path, bytes, ec);
  if (ec) error_line("cannot write " + path.string() + ": " + ec.message());
  return !ec;
}

// --- rerank ---------------------------------------------------------------------------------

int run_rerank(context& ctx) {
  const auto& vm = ctx.vm;
  wire::rerank_request req;
  req.model = required(vm, "model", "rerank", "a rerank model, e.g. cohere/rerank-v3.5");
  req.query = required(vm, "query", "rerank", "the text to rank the documents against");
  std::vector<std::string> docs;
  if (vm.count("input")) {
    if (vm.count("document")) throw usage_error("give documents as arguments or --input FILE, not both");
    const std::string file = vm["input"].as<std::string>();
    std::ifstream in(file, std::ios::binary);
    if (!in) throw usage_error("cannot read the input file " + file);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!line.empty()) docs.push_back(std::move(line));
    }
  } else if (vm.count("document")) {
    docs = vm["document"].as<std::vector<std::string>>();
  }
  if (docs.empty()) throw usage_error("rerank needs documents (arguments) or --input FILE");
  for (auto& d : docs) req.documents.emplace_back(std::move(d));
  if (vm.count("top-n")) req.top_n = integer_option(vm, "top-n", 1, 1000000);
  const std::size_t count = req.documents.size();
  auto r = ctx.call<wire::rerank_response>(
      [&](client& c, diagnostics& d, auto h) { c.async_rerank(std::move(req), d, std::move(h)); });
  if (!r) return exit_failure;
  if (ctx.json_output()) {
    print_json_of(*r);
  } else {
    // RANK  INDEX  SCORE  TEXT
    std::size_t rank = 1;
    for (const auto& res : r->results)
      std::cout << rank++ << '\t' << res.index << '\t' << decimal(res.relevance_score) << '\t'
                << res.document.text.value_or(res.document.image.value_or("")) << '\n';
  }
  cost_line(vm, "reranked " + std::to_string(count) + " documents",
            r->usage ? r->usage->cost : std::nullopt);
  return exit_ok;
}

// --- image ----------------------------------------------------------------------------------

int run_image(context& ctx) {
  const auto& vm = ctx.vm;
  wire::image_generation_request req;
  req.model = required(vm, "model", "image", "an image model, e.g. black-forest-labs/flux-1-schnell");
  req.prompt = words_or_stdin(vm, "prompt");
  if (req.prompt.empty()) throw usage_error("image needs a prompt (arguments or standard input)");
  if (vm.count("images")) req.n = integer_option(vm, "images", 1, 10);
  if (vm.count("aspect-ratio")) req.aspect_ratio = vm["aspect-ratio"].as<std::string>();
  if (vm.count("resolution")) req.resolution = vm["resolution"].as<std::string>();
  if (vm.count("size")) req.size = vm["size"].as<std::string>();
  if (vm.count("seed")) req.seed = integer_option(vm, "seed", 0, INT64_MAX);
  if (vm.count("output") && req.n.value_or(1) != 1) throw usage_error("--output names one file: use --dir with --images");
  const std::filesystem::path dir = vm.count("dir") ? vm["dir"].as<std::string>() : ".";
  if (!vm.count("output") && !std::filesystem::is_directory(dir)) throw usage_error("no such directory: " + dir.string());
  auto r = ctx.call<wire::image_generation_response>(
      [&](client& c, diagnostics& d, auto h) { c.async_images(req, d, std::move(h)); });
  if (!r) return exit_failure;
  boost::system::error_code ec;
  std::vector<media::saved_image> saved;
  if (vm.count("output")) {
    auto image = media::decode_generated_image(r->data.front(), ec);
    const std::filesystem::path path = vm["output"].as<std::string>();
    if (!ec) {
      if (!write_out(path, image.bytes)) return exit_failure;
      saved.push_back({path, image.mime, image.bytes.size()});
    }
  } else {
    saved = media::save_generated_images(*r, dir, "image", ctx.diag.generation_id, ec);
  }
  if (ec) {
    error_line("cannot save the image: " + ec.message());
    return exit_failure;
  }
  if (ctx.json_output()) {
    json::array files;
    for (const auto& s : saved)
      files.push_back(json::object{{"path", s.path.string()}, {"mime", s.mime}, {"bytes", s.bytes}});
    json::object out{{"files", std::move(files)}};
    if (r->usage) out["usage"] = json::value_from(*r->usage);
    print_json(out);
  } else {
    for (const auto& s : saved) std::cout << s.path.string() << '\n';
  }
  cost_line(vm, "generated " + std::to_string(saved.size()) + " image" + (saved.size() == 1 ? "" : "s"),
            r->usage ? r->usage->cost : std::nullopt);
  return exit_ok;
}

// --- speak and transcribe -------------------------------------------------------------------

int run_speak(context& ctx) {
  const auto& vm = ctx.vm;
  wire::speech_request req;
  req.model = required(vm, "model", "speak", "a speech model, e.g. openai/gpt-4o-mini-tts");
  const std::filesystem::path out = required(vm, "output", "speak", "the audio file to write");
  req.input = words_or_stdin(vm, "text");
  if (req.input.empty()) throw usage_error("speak needs text (arguments or standard input)");
  if (vm.count("voice")) req.voice = vm["voice"].as<std::string>();
  if (vm.count("format")) req.response_format = vm["format"].as<std::string>();
  if (vm.count("speed")) req.speed = real_option(vm, "speed", 0, 4, true);
  auto a = ctx.call<wire::speech_audio>([&](client& c, diagnostics& d, auto h) { c.async_speech(req, d, std::move(h)); });
  if (!a) return exit_failure;
  if (!write_out(out, a->bytes)) return exit_failure;
  if (ctx.json_output())
    print_json(json::object{{"path", out.string()}, {"content_type", a->content_type}, {"bytes", a->bytes.size()}});
  else
    std::cout << out.string() << '\n';
  if (!vm["quiet"].as<bool>()) std::cerr << "wrote " << a->bytes.size() << " bytes of " << a->content_type << '\n';
  return exit_ok;
}

int run_transcribe(context& ctx) {
  const auto& vm = ctx.vm;
  wire::transcription_request req;
  req.model = required(vm, "model", "transcribe", "a transcription model, e.g. openai/whisper-large-v3");
  if (!vm.count("file")) throw usage_error("transcribe needs an audio FILE");
  const std::filesystem::path file = vm["file"].as<std::string>();
  std::ifstream in(file, std::ios::binary);
  if (!in) throw usage_error("cannot read the audio file " + file.string());
  req.file_bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (req.file_bytes.empty()) throw usage_error("the audio file " + file.string() + " is empty");
  req.file_name = file.filename().string();
  if (vm.count("language")) req.language = vm["language"].as<std::string>();
  if (vm["verbose"].as<bool>()) {
    req.response_format = "verbose_json";
    req.timestamp_granularities = {"segment", "word"};
  }
  auto t = ctx.call<wire::transcription>([&](client& c, diagnostics& d, auto h) { c.async_transcription(req, d, std::move(h)); });
  if (!t) return exit_failure;
  if (ctx.json_output()) {
    print_json_of(*t);
  } else if (vm["verbose"].as<bool>() && !t->segments.empty()) {
    for (const auto& s : t->segments) std::cout << decimal(s.start) << '\t' << decimal(s.end) << '\t' << s.text << '\n';
  } else {
    std::cout << t->text << '\n';
  }
  cost_line(vm, "transcribed " + decimal(t->usage ? t->usage->seconds : std::nullopt) + " s",
            t->usage ? t->usage->cost : std::nullopt);
  return exit_ok;
}

void quiet_option(po::options_description& o) { o.add_options()("quiet", po::bool_switch(), "no summary on stderr"); }

}  // namespace

const command rerank_command{
    "rerank",
    "--model M --query Q [--top-n N] [--input FILE | DOCUMENT...] [--json]",
    "Rank documents by relevance to a query",
    "Sends POST /rerank with each DOCUMENT argument, or each non-blank line of --input, and prints\n"
    "the results most relevant first, one line each: RANK, the document's INDEX (from 0, in input\n"
    "order), its SCORE and its text (tab-separated). --top-n keeps the N most relevant. --json\n"
    "prints the whole response. The cost goes to stderr (unless --quiet).",
    true,
    [](po::options_description& o, po::options_description& hidden, po::positional_options_description& p) {
      o.add_options()
          ("model", po::value<std::string>()->value_name("M"), "rerank model, e.g. cohere/rerank-v3.5")
          ("query", po::value<std::string>()->value_name("Q"), "the query to rank against")
          ("top-n", po::value<std::string>()->value_name("N"), "keep the N most relevant")
          ("input", po::value<std::string>()->value_name("FILE"), "one document per line");
      json_option(o, "print the whole response as JSON");
      quiet_option(o);
      hidden.add_options()("document", po::value<std::vector<std::string>>());
      p.add("document", -1);
    },
    run_rerank};

const command image_command{
    "image",
    "--model M [--images N] [--aspect-ratio R] [--resolution R] [--size S] [--seed N] [--output FILE | --dir DIR] [--json] PROMPT...",
    "Generate images from a prompt into files",
    "Sends POST /images and writes each generated image to a file: --output FILE (one image), else\n"
    "DIR/image-<generation id>-<i>.<ext> in --dir (default: the current directory). Prints the\n"
    "paths, one a line (--json: {files: [{path, mime, bytes}], usage}). Words of PROMPT are joined by\n"
    "spaces; without PROMPT, standard input is the prompt. The cost goes to stderr (unless --quiet).",
    true,
    [](po::options_description& o, po::options_description& hidden, po::positional_options_description& p) {
      o.add_options()
          ("model", po::value<std::string>()->value_name("M"), "image model, e.g. black-forest-labs/flux-1-schnell")
          ("images,n", po::value<std::string>()->value_name("N"), "how many images (1 to 10)")
          ("aspect-ratio", po::value<std::string>()->value_name("R"), "e.g. 1:1, 16:9, 9:16")
          ("resolution", po::value<std::string>()->value_name("R"), "512, 1K, 2K or 4K")
          ("size", po::value<std::string>()->value_name("S"), "e.g. 1024x1024 (model-specific)")
          ("seed", po::value<std::string>()->value_name("N"), "seed, for repeatable images")
          ("output", po::value<std::string>()->value_name("FILE"), "write the image to FILE")
          ("dir", po::value<std::string>()->value_name("DIR"), "write the images into DIR");
      json_option(o, "print the files written and the usage as JSON");
      quiet_option(o);
      hidden.add_options()("prompt", po::value<std::vector<std::string>>());
      p.add("prompt", -1);
    },
    run_image};

const command speak_command{
    "speak",
    "--model M --output FILE [--voice V] [--format mp3|pcm|wav] [--speed X] [--json] TEXT...",
    "Synthesize speech into an audio file",
    "Sends POST /audio/speech and writes the audio to FILE (--format: mp3, or pcm, the API's\n"
    "default: raw 16-bit little-endian samples). Words of TEXT are joined by spaces; without TEXT,\n"
    "standard input is the text. Prints FILE (--json: {path, content_type, bytes}).",
    true,
    [](po::options_description& o, po::options_description& hidden, po::positional_options_description& p) {
      o.add_options()
          ("model", po::value<std::string>()->value_name("M"), "speech model, e.g. openai/gpt-4o-mini-tts")
          ("output", po::value<std::string>()->value_name("FILE"), "the audio file to write (required)")
          ("voice", po::value<std::string>()->value_name("V"), "voice, e.g. alloy")
          ("format", po::value<std::string>()->value_name("F"), "mp3 or pcm")
          ("speed", po::value<std::string>()->value_name("X"), "speaking speed (e.g. 1.25)");
      json_option(o, "print the file written as JSON");
      quiet_option(o);
      hidden.add_options()("text", po::value<std::vector<std::string>>());
      p.add("text", -1);
    },
    run_speak};

const command transcribe_command{
    "transcribe",
    "--model M [--language L] [--verbose] [--json] FILE",
    "Transcribe an audio file",
    "Uploads FILE to POST /audio/transcriptions (multipart/form-data; the server derives the audio\n"
    "format from the file name) and prints the text. --verbose asks for segments and words and\n"
    "prints one segment a line: START, END (seconds) and its text. --json prints the whole response.",
    true,
    [](po::options_description& o, po::options_description& hidden, po::positional_options_description& p) {
      o.add_options()
          ("model", po::value<std::string>()->value_name("M"), "transcription model, e.g. openai/whisper-large-v3")
          ("language", po::value<std::string>()->value_name("L"), "the audio's language (ISO-639-1), e.g. en")
          ("verbose", po::bool_switch(), "segments and words with their times (verbose_json)");
      json_option(o, "print the whole response as JSON");
      quiet_option(o);
      hidden.add_options()("file", po::value<std::string>());
      p.add("file", 1);
    },
    run_transcribe};

}  // namespace openrouter::cli
