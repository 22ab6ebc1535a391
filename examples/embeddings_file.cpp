// Embeddings of every line of a text file: batches of 64 lines per POST /embeddings, 8 requests
// in flight, vectors sent as base64 (a third of the bytes of JSON floats) and decoded to floats
// by the client. The vectors are written to a JSONL file in input order as the batches complete
// (a batch that finishes early waits for the ones before it), one {"index": I, "embedding": [...]}
// per line. Then the line most similar to the first one (cosine similarity).
//
//   embeddings_file [FILE [OUT.jsonl]]   (without FILE: 1000 generated lines; without OUT:
//                                         embeddings_file.jsonl in the temporary directory)
#include "common/example.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace asio = boost::asio;

int main(int argc, char** argv) {
  std::vector<std::string> lines;
  if (argc > 1) {
    std::ifstream in(argv[1]);
    if (!in) {
      std::cerr << "error: cannot read " << argv[1] << '\n';
      return 1;
    }
    for (std::string l; std::getline(in, l);)
      if (!l.empty()) lines.push_back(l);
  } else {
    for (int i = 0; i < 1000; ++i) lines.push_back("line " + std::to_string(i) + ": the quick brown fox jumps over " +
                                                   std::to_string(i % 7) + " lazy dogs");
  }
  const std::filesystem::path out_path =
      argc > 2 ? std::filesystem::path(argv[2]) : std::filesystem::temp_directory_path() / "embeddings_file.jsonl";
  std::ofstream out(out_path, std::ios::trunc);
  if (!out) {
    std::cerr << "error: cannot write " << out_path << '\n';
    return 1;
  }
  return example::run([&](example::session& s) -> asio::awaitable<void> {
    constexpr std::size_t batch = 64, in_flight = 8;
    const std::size_t batches = (lines.size() + batch - 1) / batch;
    std::vector<std::vector<float>> vectors(lines.size());
    std::size_t next = 0, running = 0, requests = 0;
    std::int64_t tokens = 0;
    double cost = 0;
    std::optional<example::failure> failed;
    // In-order output: batch b's lines are written once batches 0..b-1 are.
    std::vector<bool> batch_done(batches, false);
    std::size_t written_batches = 0, written_lines = 0;
    auto write_ready = [&] {
      for (; written_batches < batches && batch_done[written_batches]; ++written_batches) {
        const std::size_t first = written_batches * batch, last = std::min(lines.size(), first + batch);
        for (std::size_t i = first; i < last; ++i, ++written_lines) {
          out << "{\"index\":" << i << ",\"embedding\":[";
          char buf[32];
          for (std::size_t k = 0; k < vectors[i].size(); ++k) {
            auto [end, ec] = std::to_chars(buf, buf + sizeof buf, vectors[i][k]);  // shortest round-trip form
            if (k) out << ',';
            out.write(buf, end - buf);
          }
          out << "]}\n";
        }
      }
    };

    // `in_flight` requests at a time: each completion starts the next batch (one thread, no locks).
    auto ex = co_await asio::this_coro::executor;
    asio::steady_timer all_done(ex, asio::steady_timer::time_point::max());
    std::vector<openrouter::diagnostics> diags(batches);
    std::function<void()> start_next = [&] {
      if (next >= batches || failed) {
        if (running == 0) all_done.cancel();
        return;
      }
      const std::size_t b = next++;
      ++running;
      openrouter::wire::embeddings_request req;
      req.model = s.model("openai/text-embedding-3-small");
      req.dimensions = 256;
      req.encoding_format = "base64";
      const std::size_t first = b * batch, last = std::min(lines.size(), first + batch);
      req.input = std::vector<std::string>(lines.begin() + static_cast<std::ptrdiff_t>(first),
                                           lines.begin() + static_cast<std::ptrdiff_t>(last));
      s.client().async_embeddings(std::move(req), diags[b],
                                  [&, b, first](boost::system::error_code ec, openrouter::wire::embeddings_response res) {
                                    --running;
                                    ++requests;
                                    if (ec) {
                                      failed = example::failure{ec, diags[b].summary(ec)};
                                    } else {
                                      // Checked by the client: one vector per input, in index order.
                                      for (std::size_t i = 0; i < res.data.size(); ++i)
                                        vectors[first + i] = std::move(res.data[i].embedding);
                                      if (res.usage) {
                                        tokens += res.usage->prompt_tokens;
                                        cost += res.usage->cost.value_or(0);
                                      }
                                      batch_done[b] = true;
                                      write_ready();
                                    }
                                    start_next();
                                  });
    };
    for (std::size_t w = 0; w < std::min(in_flight, batches); ++w) start_next();
    if (batches > 0) {
      boost::system::error_code ignored;
      co_await all_done.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    }
    if (failed) throw *failed;
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + out_path.string());

    auto cosine = [](const std::vector<float>& a, const std::vector<float>& b) {
      double dot = 0, na = 0, nb = 0;
      for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
        dot += double(a[i]) * b[i];
        na += double(a[i]) * a[i];
        nb += double(b[i]) * b[i];
      }
      return na > 0 && nb > 0 ? dot / std::sqrt(na * nb) : 0.0;
    };
    std::size_t best = 0;
    double best_sim = -2;
    for (std::size_t i = 1; i < vectors.size(); ++i)
      if (double sim = cosine(vectors[0], vectors[i]); sim > best_sim) best_sim = sim, best = i;
    std::cout << "embedded " << lines.size() << " lines in " << requests << " requests (" << in_flight
              << " in flight): " << vectors.size() << " vectors of " << (vectors.empty() ? 0 : vectors[0].size())
              << " floats, " << tokens << " tokens, cost $" << cost << '\n';
    std::cout << "wrote " << written_lines << " JSON lines in input order to " << out_path.string() << '\n';
    if (vectors.size() > 1)
      std::cout << "most similar to line 0: line " << best << " (cosine " << best_sim << "): " << lines[best] << '\n';
  });
}
