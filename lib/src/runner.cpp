#include "crossrank/runner.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>

#include "crossrank/error.hpp"
#include "crossrank/logging.hpp"
#include "crossrank/requests.hpp"

namespace crossrank {

namespace {

bool is_blank(const std::string& line) {
  return line.find_first_not_of(" \t") == std::string::npos;
}

[[noreturn]] void rethrow_at_line(const Error& e, size_t line) {
  rethrow_with_context(e, "line " + std::to_string(line) + ": ");
}

// Bad lines under --skip-invalid: reported on stderr, copied verbatim to --rejects.
class Rejects {
 public:
  explicit Rejects(const std::string& path) : path_(path) {
    if (path.empty()) return;
    file_.open(path, std::ios::binary);
    if (!file_) throw IoError("cannot open rejects file " + path);
  }
  void add(size_t line_number, const std::string& line, const std::string& error) {
    log::warn("line " + std::to_string(line_number) + ": " + error + " (skipped)");
    if (!file_.is_open()) return;
    file_ << line << '\n';
    if (!file_.flush()) throw IoError("cannot write rejects file " + path_);
  }

 private:
  std::string path_;
  std::ofstream file_;
};

// Warns once when an output field replaces one the user gave.
class OverwriteWarning {
 public:
  explicit OverwriteWarning(const char* key) : key_(key) {}
  void check(const Json& record) {
    if (warned_ || !record.is_object() || !record.contains(key_)) return;
    log::warn(std::string("input field \"") + key_ + "\" is replaced by crossrank's output field");
    warned_ = true;
  }

 private:
  const char* key_;
  bool warned_ = false;
};

template <typename Request>
struct Item {
  size_t line;
  Request request;
  size_t first_pair;
  size_t pair_count;
};

// Reads, windows and writes. parse(line, pairs) returns a request and appends its encoded
// pairs; emit(request, pairs, scores, count) formats its output line (scores is null when
// nothing is scored).
template <typename Request, typename Parse, typename Emit>
RunSummary run_windows(Reranker* scorer, LineReader& in, LineWriter& out, const RunOptions& options,
                       Parse parse, Emit emit) {
  if (!options.rejects_path.empty() && !options.skip_invalid) {
    throw ConfigError("--rejects needs --skip-invalid (without it the first bad line stops the run)");
  }
  RunSummary summary;
  Rejects rejects(options.rejects_path);
  std::vector<Item<Request>> items;
  std::vector<EncodedPair> pairs;
  const size_t window = std::max<size_t>(1, options.window_pairs);

  auto flush_window = [&] {
    Logits scores;
    if (scorer && !pairs.empty()) scores = scorer->score(pairs);
    for (auto& item : items) {
      const float* s = scorer ? scores.values.data() + item.first_pair * scores.labels : nullptr;
      std::string formatted;
      try {
        formatted = emit(item.request, pairs.data() + item.first_pair, s, item.pair_count);
      } catch (const Error& e) {
        out.flush();
        rethrow_at_line(e, item.line);
      }
      out.write_line(formatted);
      ++summary.records;
    }
    for (const auto& p : pairs) summary.truncated += p.truncated;
    summary.pairs += pairs.size();
    items.clear();
    pairs.clear();
    out.flush();
  };

  std::string line;
  while (in.next(line)) {
    if (is_blank(line)) continue;
    const size_t first = pairs.size();
    try {
      Request request = parse(line, pairs);
      items.push_back({in.line_number(), std::move(request), first, pairs.size() - first});
    } catch (const InputError& e) {
      pairs.resize(first);
      if (!options.skip_invalid) {
        flush_window();
        rethrow_at_line(e, in.line_number());
      }
      rejects.add(in.line_number(), line, e.what());
      ++summary.skipped;
      continue;
    }
    if (pairs.size() >= window || items.size() >= window) flush_window();
  }
  flush_window();
  return summary;
}

// what() names the pair; it is only built for the error.
template <typename What>
void require_finite(const float* scores, size_t labels, What what) {
  for (size_t i = 0; i < labels; ++i) {
    if (!std::isfinite(scores[i])) {
      throw ModelError(what() + ": the model returned a non-finite score (" +
                       std::to_string(scores[i]) + ")");
    }
  }
}

// score and tokenize read the same pair records.
auto pair_parser(const Reranker& reranker) {
  return [&reranker](const std::string& line, std::vector<EncodedPair>& pairs) {
    PairRequest p = parse_pair_request(line);
    pairs.push_back(reranker.encode(p.first, p.second));
    return p;
  };
}

}  // namespace

RunSummary run_rerank(Reranker& reranker, LineReader& in, LineWriter& out, const RunOptions& options) {
  const size_t labels = reranker.num_labels();
  size_t label = 0;
  if (options.label) {
    label = *options.label;
    if (label >= labels) {
      throw ConfigError("--label " + std::to_string(label) + ": the model has " +
                        std::to_string(labels) + " label(s)");
    }
  } else if (labels > 1) {
    throw ConfigError("the model has " + std::to_string(labels) +
                      " labels; choose the one to rank by with --label");
  }
  OverwriteWarning overwrite("results");
  const PairEncoder& encoder = reranker.encoder();
  auto parse = [&](const std::string& line, std::vector<EncodedPair>& pairs) {
    RerankRequest r = parse_rerank_request(line);
    const Tokenizer& tokenizer = encoder.tokenizer();
    const std::vector<int32_t> query = tokenizer.encode(r.query);  // once per line
    for (const auto& doc : r.docs) {
      pairs.push_back(encoder.assemble(query, tokenizer.encode(doc.text)));
    }
    return r;
  };
  auto emit = [&](RerankRequest& r, const EncodedPair*, const float* scores, size_t count) {
    std::vector<float> chosen(count);
    for (size_t i = 0; i < count; ++i) {
      const float* row = scores + i * labels;
      require_finite(row, labels, [&] { return "document " + r.docs[i].id.dump(); });
      chosen[i] = row[label];
    }
    overwrite.check(r.record);
    return format_rerank(r, rank(chosen, options.top_k), options.return_text);
  };
  return run_windows<RerankRequest>(&reranker, in, out, options, parse, emit);
}

RunSummary run_score(Reranker& reranker, LineReader& in, LineWriter& out, const RunOptions& options) {
  const size_t labels = reranker.num_labels();
  OverwriteWarning overwrite(labels == 1 ? "score" : "scores");
  auto parse = pair_parser(reranker);
  auto emit = [&](PairRequest& p, const EncodedPair*, const float* scores, size_t) {
    require_finite(scores, labels, [] { return std::string("pair"); });
    overwrite.check(p.record);
    return format_score(p, scores, labels);
  };
  return run_windows<PairRequest>(&reranker, in, out, options, parse, emit);
}

RunSummary run_tokenize(const Reranker& reranker, LineReader& in, LineWriter& out,
                        const RunOptions& options) {
  const auto inputs = reranker.model().input_names();
  const bool with_types = std::find(inputs.begin(), inputs.end(), "token_type_ids") != inputs.end();
  auto parse = pair_parser(reranker);
  auto emit = [&](PairRequest&, const EncodedPair* pairs, const float*, size_t) {
    return format_tokens(pairs[0], reranker.encoder().tokenizer(), with_types);
  };
  return run_windows<PairRequest>(nullptr, in, out, options, parse, emit);
}

}  // namespace crossrank
