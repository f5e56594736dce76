#include "crossrank/bench.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <iterator>
#include <random>

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

std::vector<std::pair<std::string, std::string>> synthetic_pairs(size_t count) {
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
  std::vector<std::pair<std::string, std::string>> pairs;
  pairs.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const size_t query = 4 + rng() % 9;  // 4..12 words, documents 12..60 (WikiQA-like)
    const size_t doc = 12 + rng() % 49;
    pairs.emplace_back(sentence(query), sentence(doc));
  }
  return pairs;
}

double encoder_flops(size_t tokens, size_t layers, size_t hidden, size_t intermediate) {
  const double s = static_cast<double>(tokens), h = static_cast<double>(hidden);
  return static_cast<double>(layers) * (8 * s * h * h + 4 * s * h * static_cast<double>(intermediate) +
                                        4 * s * s * h);
}

BenchReport run_bench(Reranker& reranker, const std::vector<std::pair<std::string, std::string>>& texts,
                      const BenchOptions& options) {
  BenchReport report;
  report.pairs = texts.size();
  auto start = std::chrono::steady_clock::now();
  std::vector<EncodedPair> pairs;
  pairs.reserve(texts.size());
  for (const auto& [a, b] : texts) pairs.push_back(reranker.encode(a, b));
  report.tokenize_seconds = seconds_since(start);

  const BundleConfig& shape = reranker.bundle();
  for (const auto& p : pairs) {
    report.flops += encoder_flops(p.input_ids.size(), shape.num_layers, shape.hidden_size,
                                  shape.intermediate_size);
  }
  // Windows are cut once, outside the timed passes, as the subcommands would batch them.
  const size_t window = std::max<size_t>(1, options.window_pairs);
  std::vector<std::vector<EncodedPair>> windows;
  for (size_t first = 0; first < pairs.size(); first += window) {
    const size_t last = std::min(pairs.size(), first + window);
    windows.emplace_back(std::make_move_iterator(pairs.begin() + first),
                         std::make_move_iterator(pairs.begin() + last));
  }
  auto pass = [&] {
    const ScoringStats before = reranker.stats();
    const auto t0 = std::chrono::steady_clock::now();
    for (const auto& w : windows) reranker.score(w);
    const double seconds = seconds_since(t0);
    report.real_tokens = reranker.stats().real_tokens - before.real_tokens;
    report.padded_tokens = reranker.stats().padded_tokens - before.padded_tokens;
    return seconds;
  };
  report.warmup_seconds = pass();
  std::vector<double> times;
  for (size_t r = 0; r < std::max<size_t>(1, options.rounds); ++r) times.push_back(pass());
  std::sort(times.begin(), times.end());
  report.model_seconds = times[times.size() / 2];
  report.peak_rss_bytes = peak_rss_bytes();
  return report;
}

}  // namespace crossrank
