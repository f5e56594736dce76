// rerank's policy over the shared pipeline: documents and their windows (--long-docs),
// the label to rank by, aggregation, and the written or handed-over results.
#include <algorithm>
#include <string>
#include <vector>

#include "crossrank/requests.hpp"
#include "crossrank/runner.hpp"
#include "line_pipeline.hpp"

namespace crossrank {

using namespace line_pipeline;

void check_rerank_options(const RerankOptions& options) {
  if (options.long_docs != LongDocs::chunk && (options.aggregate || options.chunk_stride)) {
    throw ConfigError(std::string(options.aggregate ? "--aggregate" : "--chunk-stride") +
                      " applies to the windows of --long-docs chunk: add --long-docs chunk, or leave it out");
  }
  check_shard(options.shard_index, options.shard_count,
              std::to_string(options.shard_index) + "/" + std::to_string(options.shard_count));
}

namespace {

// A rerank request and, with --long-docs chunk, how many windows (pairs) each document became.
struct Windowed {
  RerankRequest request;
  std::vector<size_t> windows;  // empty: one pair per document
  bool skipped = false;         // another shard's query, or one --resume found done
};

// A chunked document's score from its windows' scores (the label's, one per window).
float aggregate(Aggregate how, const float* scores, size_t stride, size_t windows) {
  float best = scores[0];
  double sum = 0;
  for (size_t k = 0; k < windows; ++k) {
    best = std::max(best, scores[k * stride]);
    sum += scores[k * stride];
  }
  switch (how) {
    case Aggregate::first: return scores[0];
    case Aggregate::mean: return static_cast<float>(sum / static_cast<double>(windows));
    case Aggregate::max: break;
  }
  return best;
}

size_t rank_label(const Reranker& reranker, const RerankOptions& options) {
  const size_t labels = reranker.num_labels();
  if (options.label) {
    if (*options.label >= labels) {
      throw ConfigError("--label " + std::to_string(*options.label) + ": the model has " +
                        std::to_string(labels) + " label(s)");
    }
    return *options.label;
  }
  if (labels > 1) {
    throw ConfigError("the model has " + std::to_string(labels) +
                      " labels; choose the one to rank by with --label");
  }
  return 0;
}

// rerank's reading and scoring: each query's documents' scores (input order) to the sink.
RunSummary rerank_pipeline(Reranker& reranker, LineSource& in, RerankSink& sink, const RunOptions& options,
                           const RerankOptions& rerank) {
  const size_t labels = reranker.num_labels();
  const size_t label = rank_label(reranker, rerank);
  check_rerank_options(rerank);
  check_instruction_option(reranker, options);
  const PairEncoder& encoder = reranker.encoder();
  // Queries another shard takes, or an earlier run wrote (--resume), are neither tokenized
  // nor written.
  enum class Skip { none, other_shard, done };
  auto skip_of = [&](const RerankRequest& r) {
    if (rerank.shard_count == 1 && rerank.done.empty()) return Skip::none;
    const Json* qid = qid_of(r.record);
    if (!qid) {
      throw InputError(std::string(rerank.shard_count > 1 ? "--shard" : "--resume") +
                       " needs a \"qid\" (string or integer) on every line");
    }
    if (rerank.shard_count > 1 && shard_of(*qid, rerank.shard_count) != rerank.shard_index) {
      return Skip::other_shard;
    }
    return rerank.done.count(id_text(*qid)) ? Skip::done : Skip::none;
  };
  std::atomic<size_t> other_shards{0}, already_done{0};
  const bool chunk = rerank.long_docs == LongDocs::chunk;
  const size_t stride = rerank.chunk_stride.value_or(32);
  std::atomic<size_t> chunked{0}, windows{0};
  const Aggregate how = rerank.aggregate.value_or(Aggregate::max);
  auto parse = [&](Input& input, std::vector<EncodedPair>& pairs) {
    Windowed w{request_from(input, [&](Json& record) { return rerank_request_from(record, options.limits, rerank.documents); }),
               {}, false};
    RerankRequest& r = w.request;
    if (const Skip skip = skip_of(r); skip != Skip::none) {
      ++(skip == Skip::done ? already_done : other_shards);
      w.skipped = true;
      r.docs.clear();  // held in the read-ahead until its turn: keep it small
      return w;
    }
    const PreparedQuery query = encoder.prepare_query(r.query, instruction_for(r.instruction, options));
    for (const auto& doc : r.docs) {
      if (!chunk) {
        pairs.push_back(encoder.encode(query, doc.text));
        continue;
      }
      std::vector<EncodedPair> parts = encoder.encode_windows(query, doc.text, stride);
      if (parts.size() > 1) {
        ++chunked;
        windows += parts.size();
      }
      w.windows.push_back(parts.size());
      std::move(parts.begin(), parts.end(), std::back_inserter(pairs));
    }
    return w;
  };
  auto emit = [&](Windowed& w, const EncodedPair*, const float* scores, size_t) -> size_t {
    if (w.skipped) return 0;
    RerankRequest& r = w.request;
    std::vector<float> chosen(r.docs.size());
    size_t row = 0;
    for (size_t i = 0; i < r.docs.size(); ++i) {
      const size_t parts = w.windows.empty() ? 1 : w.windows[i];
      for (size_t k = 0; k < parts; ++k) {
        require_finite(scores + (row + k) * labels, labels, [&] { return "document " + r.docs[i].id.dump(); });
      }
      chosen[i] = aggregate(how, scores + row * labels + label, labels, parts);
      row += parts;
    }
    return sink.put(r, chosen);
  };
  RunSummary summary = run_pipeline<Windowed>(&reranker, in, [&] { sink.flush(); }, options, parse, emit);
  summary.other_shards = other_shards;
  summary.already_done = already_done;
  summary.chunked = chunked;
  summary.windows = windows;
  return summary;
}

}  // namespace

RunSummary run_rerank(Reranker& reranker, LineSource& in, RerankSink& sink, const RunOptions& options,
                      const RerankOptions& rerank) {
  RunSummary summary = rerank_pipeline(reranker, in, sink, options, rerank);
  sink.finish(summary);
  return summary;
}

}  // namespace crossrank
