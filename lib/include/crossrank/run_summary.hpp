#pragma once

#include <cstddef>
#include <cstdint>

namespace crossrank {

// What a run did (runner.hpp), for its summary line and progress.
struct RunSummary {
  size_t records = 0;  // output records written (a query's results in --format trec/tsv: one)
  size_t pairs = 0;    // pairs scored or tokenized
  size_t skipped = 0;  // bad lines skipped (skip_invalid)
  size_t truncated = 0;  // pairs cut to the max length
  size_t other_shards = 0;  // rerank --shard: queries left to the other shards
  size_t already_done = 0;  // rerank --resume: queries found complete in the output
  size_t rows = 0;          // rerank --flat: the rows the queries were grouped from
  size_t chunked = 0;       // rerank --long-docs chunk: documents split into windows...
  size_t windows = 0;       // ...and the windows they became
  size_t below_min_score = 0;  // rerank --min-score: results left out
  uint64_t input_bytes = 0;    // input consumed up to the last record written (progress)
};

}  // namespace crossrank
