#include "crossrank/bench.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <random>

#include "crossrank/error.hpp"
#include "crossrank/jsonl.hpp"
#include "crossrank/requests.hpp"

namespace crossrank {

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

size_t peak_rss_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<size_t>(usage.ru_maxrss) * 1024;  // Linux reports KiB
}

const char* const kWords[] = {
    "the", "of", "and", "a", "in", "to", "is", "was", "it", "for", "on", "with", "as", "by",
    "at", "from", "his", "an", "were", "are", "which", "this", "be", "or", "has", "had", "one",
    "first", "their", "its", "new", "after", "who", "they", "two", "her", "she", "been", "other",
    "when", "time", "during", "there", "into", "school", "more", "may", "years", "over", "only",
    "year", "most", "would", "world", "city", "some", "where", "between", "later", "three",
    "state", "such", "then", "national", "used", "made", "known", "under", "many", "university",
    "united", "while", "part", "season", "team", "these", "american", "than", "film", "second",
    "born", "south", "became", "states", "war", "through", "being", "including", "both", "before",
    "north", "high", "however", "people", "family", "early", "history", "album", "area", "since",
    "river", "music", "government", "population", "language", "energy", "century", "company",
    "water", "system", "series", "game", "county", "science", "published", "station", "island",
    "church", "president", "record", "village", "army", "released", "center", "photosynthesis",
    "architecture", "tournament", "championship", "constitution", "international", "mountain"};

}  // namespace

std::vector<std::string> synthetic_pairs(size_t count) {
  std::mt19937 rng(20261127);  // fixed: the same pairs on every run
  const size_t vocab = sizeof kWords / sizeof kWords[0];
  auto sentence = [&](size_t words) {
    std::string s;
    for (size_t i = 0; i < words; ++i) {
      if (i) s += ' ';
      s += kWords[rng() % vocab];
    }
    return s + (words % 3 ? "." : "?");
  };
  std::vector<std::string> lines;
  lines.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const size_t query = 4 + rng() % 9;  // 4..12 words, documents 12..60 (WikiQA-like)
    const size_t doc = 12 + rng() % 49;
    const std::string q = sentence(query);
    lines.push_back(Json::array({q, sentence(doc)}).dump());
  }
  return lines;
}

double encoder_flops(size_t tokens, size_t squared, size_t layers, size_t hidden, size_t intermediate) {
  const double s = static_cast<double>(tokens), h = static_cast<double>(hidden);
  return static_cast<double>(layers) * (8 * s * h * h + 4 * s * h * static_cast<double>(intermediate) +
                                        4 * static_cast<double>(squared) * h);
}

namespace {

class DropScores final : public ScoreSink {
 public:
  size_t put(PairRequest&, const float*, size_t) override { return 1; }
};

}  // namespace

BenchReport run_bench(Reranker& reranker, const std::vector<std::string>& lines, const BenchOptions& options) {
  BenchReport report;
  auto start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < lines.size(); ++i) {
    if (is_blank(lines[i])) continue;
    try {
      const PairRequest p = parse_pair_request(lines[i], options.run.limits);
      reranker.encode(p.first, p.second, instruction_for(p.instruction, options.run));
    } catch (const InputError& e) {
      throw InputError("line " + std::to_string(i + 1) + ": " + e.what());
    }
    ++report.pairs;
  }
  report.tokenize_seconds = seconds_since(start);

  struct Pass {
    double seconds, model_seconds;
    size_t real, squared, padded;
  };
  auto pass = [&] {
    MemoryLines in(lines);
    DropScores sink;
    const ScoringStats before = reranker.stats();
    const auto t0 = std::chrono::steady_clock::now();
    run_score(reranker, in, sink, options.run);
    const ScoringStats& after = reranker.stats();
    return Pass{seconds_since(t0), after.seconds - before.seconds, after.real_tokens - before.real_tokens,
                after.squared_tokens - before.squared_tokens, after.padded_tokens - before.padded_tokens};
  };
  report.warmup_seconds = pass().seconds;
  std::vector<Pass> passes;
  for (size_t r = 0; r < std::max<size_t>(1, options.rounds); ++r) passes.push_back(pass());
  std::sort(passes.begin(), passes.end(), [](const Pass& a, const Pass& b) { return a.seconds < b.seconds; });
  const Pass& median = passes[passes.size() / 2];
  report.pass_seconds = median.seconds;
  report.model_seconds = median.model_seconds;
  report.real_tokens = median.real;
  report.padded_tokens = median.padded;
  const BundleConfig& shape = reranker.bundle();
  report.flops = encoder_flops(median.real, median.squared, shape.num_layers, shape.hidden_size, shape.intermediate_size);
  report.peak_rss_bytes = peak_rss_bytes();
  return report;
}

}  // namespace crossrank
