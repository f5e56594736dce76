#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "crossrank/jsonl.hpp"
#include "crossrank/options.hpp"
#include "crossrank/requests.hpp"

// Where scored requests go (docs/architecture.md): rerank's and score's writers of each
// output format here; eval's evaluators (evaluate.hpp) and bench's dropped scores are sinks
// too. A sink is called on the pipeline's writing thread, one request at a time, in input
// order; an InputError it throws gets the request's line added.
namespace crossrank {

struct RunSummary;

// A query's documents' scores, in input order (the label chosen, a chunked document's
// windows aggregated). put() may consume the request and returns the output records it
// wrote (the queries it took, for a sink that writes none).
class RerankSink {
 public:
  virtual ~RerankSink() = default;
  virtual size_t put(RerankRequest& request, const std::vector<float>& scores) = 0;
  virtual void flush() {}                     // after each read-ahead, and before an error
  virtual void finish(RunSummary& /*summary*/) const {}  // adds what it counted
};

// A pair's scores: its labels' activated scores.
class ScoreSink {
 public:
  virtual ~ScoreSink() = default;
  virtual size_t put(PairRequest& request, const float* scores, size_t labels) = 0;
  virtual void flush() {}
};

// rerank's output options (docs/cli.md#rerank).
struct RerankOutputOptions {
  OutputFormat format = OutputFormat::jsonl;  // --format
  std::string run_tag = "crossrank";          // --format trec: the run's tag column (one word)
  size_t top_k = 0;                           // results per query; 0: all
  std::optional<float> min_score;             // results scoring below it are left out (after top_k)
  bool return_text = false;                   // add each document's text to its result
};

// ConfigError for a --run-tag --format trec cannot carry. RerankWriter checks too; callers
// check first when something must wait for valid options (--resume cuts its output file).
void check_rerank_output(const RerankOutputOptions& options);

// Each query ranked (rank) and written as one line of --format jsonl, or one line per
// result in trec/tsv (none for a query without results). Warns once when an input field is
// replaced by an output field.
class RerankWriter final : public RerankSink {
 public:
  RerankWriter(LineWriter& out, const RerankOutputOptions& options);
  size_t put(RerankRequest& request, const std::vector<float>& scores) override;
  void flush() override { out_.flush(); }
  void finish(RunSummary& summary) const override;  // results below --min-score

 private:
  void warn_reserved_fields(const RerankRequest& request);

  LineWriter& out_;
  RerankOutputOptions options_;
  size_t below_min_score_ = 0;
  bool warned_results_ = false, warned_count_ = false, warned_reserved_ = false;
};

// Each pair written back with its "score" (or "scores", several labels).
class ScoreWriter final : public ScoreSink {
 public:
  explicit ScoreWriter(LineWriter& out) : out_(out) {}
  size_t put(PairRequest& request, const float* scores, size_t labels) override;
  void flush() override { out_.flush(); }

 private:
  LineWriter& out_;
  bool warned_ = false;
};

}  // namespace crossrank
