#pragma once

// The threaded line pipeline that rerank, score and tokenize share (docs/architecture.md):
// lines read and tokenized in read-aheads on the calling thread and a TaskPool, scored and
// written in input order by a ReadAheadWriter thread, bad lines skipped or stopped at.
// Private to lib/src (runner.cpp: score and tokenize; rerank.cpp: rerank's policy).
#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <csignal>
#include <exception>
#include <fstream>
#include <functional>
#include <iterator>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "crossrank/error.hpp"
#include "crossrank/interrupt.hpp"
#include "crossrank/logging.hpp"
#include "crossrank/reranker.hpp"
#include "crossrank/runner.hpp"
#include "crossrank/task_pool.hpp"

namespace crossrank::line_pipeline {

[[noreturn]] inline void rethrow_at_line(const Error& e, size_t line) {
  rethrow_with_context(e, "line " + std::to_string(line) + ": ");
}

// The error that ends a run stopped by a signal; line: the first input line whose output
// was not written.
inline Interrupted stopped_at(size_t line, const RunSummary& summary) {
  const int signal = stop_signal();
  const std::string name = signal == SIGINT    ? "SIGINT"
                           : signal == SIGTERM ? "SIGTERM"
                                               : "signal " + std::to_string(signal);
  return Interrupted(signal, "stopped by " + name + " after writing " + std::to_string(summary.records) +
                                 " output records; input from line " + std::to_string(line) +
                                 " on was not processed");
}

// Bad lines under --skip-invalid: reported on stderr, copied verbatim to --rejects.
class Rejects {
 public:
  explicit Rejects(const std::string& path) : path_(path) {
    if (path.empty()) return;
    file_.open(path, std::ios::binary);
    if (!file_) throw IoError("cannot open rejects file " + path);
  }
  // line: null for a line crossrank did not hold (over --max-line-bytes).
  void add(size_t line_number, const std::string* line, const std::string& error) {
    log::warn("line " + std::to_string(line_number) + ": " + error + " (skipped" +
              (line || !file_.is_open() ? ")" : "; not copied to --rejects)"));
    if (!file_.is_open() || !line) return;
    file_ << *line << '\n';
    if (!file_.flush()) throw IoError("cannot write rejects file " + path_);
  }

 private:
  std::string path_;
  std::ofstream file_;
};

template <typename Request>
struct Item {
  size_t line;
  Request request;
  size_t first_pair;
  size_t pair_count;
  uint64_t input_end;  // the input's position after this line (progress)
};

// The lines read ahead (--window: up to window_pairs pairs) and their pairs, scored as one.
// Not a long document's window (Windowed, below).
template <typename Request>
struct ReadAhead {
  std::vector<Item<Request>> items;
  std::vector<EncodedPair> pairs;
};

// Scores and writes read-aheads on its own thread, one at a time and in input order, while
// the caller reads and tokenizes the next one: the model does not wait for tokenization.
// At most one read-ahead waits here besides the one being scored, which bounds memory. emit
// hands an item's results to the sink and returns the records written; flush pushes them
// out after each read-ahead and before an error.
template <typename Request, typename Emit>
class ReadAheadWriter {
 public:
  ReadAheadWriter(Reranker* scorer, const std::function<void()>& flush, Emit& emit, RunSummary& summary,
                  const std::function<void(const RunSummary&)>& progress)
      : scorer_(scorer), flush_(flush), emit_(emit), summary_(summary), progress_(progress),
        thread_([this] { loop(); }) {}

  ~ReadAheadWriter() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      closing_ = true;
    }
    changed_.notify_all();
    thread_.join();
  }

  // Hands a read-ahead over; waits while the previous one is still queued. Rethrows the
  // error that stopped the thread, if any.
  void submit(ReadAhead<Request> read_ahead) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return !pending_ || error_; });
    if (error_) std::rethrow_exception(error_);
    pending_ = std::move(read_ahead);
    changed_.notify_all();
  }

  // Waits until every read-ahead handed over is written; rethrows the thread's error.
  void drain() {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return (!pending_ && !busy_) || error_; });
    if (error_) std::rethrow_exception(error_);
  }

 private:
  void loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (true) {
      changed_.wait(lock, [&] { return pending_ || closing_; });
      if (!pending_) return;
      ReadAhead<Request> next = std::move(*pending_);
      pending_.reset();
      busy_ = true;
      changed_.notify_all();
      lock.unlock();
      std::exception_ptr error;
      try {
        write(next);
      } catch (...) {
        error = std::current_exception();
      }
      lock.lock();
      busy_ = false;
      if (error && !error_) error_ = error;
      changed_.notify_all();
      if (error_) return;  // later read-aheads are not written
    }
  }

  void write(ReadAhead<Request>& w) {
    if (stop_requested()) throw stopped_at(w.items.front().line, summary_);
    Logits scores;
    std::vector<char> scored;
    if (scorer_ && !w.pairs.empty()) scores = scorer_->score(w.pairs, &scored);
    for (auto& item : w.items) {
      // Stopped part-way: the queries scored in full before the first unfinished one are
      // written, in input order.
      if (!scored.empty() && !std::all_of(scored.begin() + item.first_pair,
                                          scored.begin() + item.first_pair + item.pair_count,
                                          [](char done) { return done; })) {
        flush_();
        throw stopped_at(item.line, summary_);
      }
      const float* s = scorer_ ? scores.values.data() + item.first_pair * scores.labels : nullptr;
      try {
        // Nothing is written for another shard's query.
        summary_.records += emit_(item.request, w.pairs.data() + item.first_pair, s, item.pair_count);
      } catch (const Error& e) {
        flush_();
        rethrow_at_line(e, item.line);
      }
      summary_.input_bytes = item.input_end;
    }
    for (const auto& p : w.pairs) summary_.truncated += p.truncated;
    summary_.pairs += w.pairs.size();
    flush_();
    if (progress_) progress_(summary_);
  }

  Reranker* scorer_;
  const std::function<void()>& flush_;
  Emit& emit_;
  RunSummary& summary_;  // records, pairs, truncated: written by this thread only
  const std::function<void(const RunSummary&)>& progress_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::optional<ReadAhead<Request>> pending_;
  bool busy_ = false;
  bool closing_ = false;
  std::exception_ptr error_;
  std::thread thread_;  // last: starts after everything above exists
};

// One input record as read: its line, or the record its source parsed (FlatGroups).
struct Input {
  std::string line;  // with a record: its text, only when --rejects may need it
  std::optional<Json> record;
  size_t number = 0;          // its line number
  uint64_t end = 0;           // the input's position after it (progress)
  std::exception_ptr failed;  // the BadLine the source threw for it
};

// A request from an input: made from the source's record, or from its line parsed here.
template <typename From>
auto request_from(Input& input, From from) {
  if (input.record) return from(*input.record);
  Json record = parse_json_line(input.line);
  return from(record);
}

template <typename Request>
struct Parsed {
  std::optional<Request> request;
  std::vector<EncodedPair> pairs;
  std::exception_ptr error;  // what parse threw for this input
};

// Parses inputs[i] into out[i] on the pool's threads (this one included), except those the
// source already failed (which keep their error). parse is called concurrently: it may only
// read shared state (the tokenizers are thread-safe).
template <typename Request, typename Parse>
void parse_chunk(std::vector<Input>& inputs, Parse& parse, TaskPool& pool, std::vector<Parsed<Request>>& out) {
  out.clear();
  out.resize(inputs.size());
  pool.run(inputs.size(), [&](size_t i) {
    if (inputs[i].failed) {  // the source could not use this line
      out[i].error = inputs[i].failed;
      return;
    }
    try {
      out[i].request.emplace(parse(inputs[i], out[i].pairs));
    } catch (...) {
      out[i].error = std::current_exception();
    }
  });
}

// Under --skip-invalid, what a user must see even with -q: how many lines were skipped
// and where they went.
inline void report_skipped(size_t skipped, size_t lines, const RunOptions& options) {
  if (skipped == 0) return;
  log::warn_always(std::to_string(skipped) + " of " + std::to_string(lines) +
                   " input lines read were bad and skipped (--skip-invalid); " +
                   (options.rejects_path.empty() ? std::string("their errors are logged above as warnings (without -q); "
                                                               "--rejects FILE keeps the lines")
                                                 : "they are in " + options.rejects_path));
}

// Reads and tokenizes lines into read-aheads; a ReadAheadWriter scores and writes them.
// parse(input, pairs) returns a request (request_from: from its record or line) and appends its encoded pairs; emit(request, pairs,
// scores, count) hands its results to the sink (scores is null when nothing is scored) and
// returns the records written; flush() is called after each read-ahead.
template <typename Request, typename Parse, typename Emit>
RunSummary run_pipeline(Reranker* scorer, LineSource& in, const std::function<void()>& flush,
                        const RunOptions& options, Parse parse, Emit emit) {
  if (!options.rejects_path.empty() && !options.skip_invalid) {
    throw ConfigError("--rejects needs --skip-invalid (without it the first bad line stops the run)");
  }
  if (options.max_skipped && !options.skip_invalid) {
    throw ConfigError("--max-skipped needs --skip-invalid (without it the first bad line stops the run)");
  }
  RunSummary summary;
  Rejects rejects(options.rejects_path);
  const size_t read_ahead_pairs = std::max<size_t>(1, options.window_pairs);
  size_t skipped = 0;  // this thread's count; the writer's fields are read after drain()
  // The count reaches stderr however the run ends: at the end, at --max-skipped, or at an error.
  struct ReportSkipped {
    const size_t& skipped;
    const LineSource& in;
    const RunOptions& options;
    ~ReportSkipped() { report_skipped(skipped, in.lines_read(), options); }
  } report{skipped, in, options};
  bool input_ended = false;  // read to its end, not cut short by a stop
  ReadAhead<Request> current;
  {
    ReadAheadWriter<Request, Emit> writer(scorer, flush, emit, summary, options.progress);
    auto hand_over = [&] {
      if (current.items.empty()) return;
      writer.submit(std::move(current));
      current = ReadAhead<Request>();
    };
    // Lines are read in chunks and parsed (tokenized) by the chunk's workers; results are
    // taken in input order. One worker: one line at a time, as a stream.
    const size_t workers = std::max<size_t>(1, options.tokenizer_threads);
    const size_t chunk_lines = workers == 1 ? 1 : std::min<size_t>(256, read_ahead_pairs);
    TaskPool tokenizers(workers - 1);
    std::vector<Input> inputs;
    std::vector<Parsed<Request>> parsed;
    while (true) {
      inputs.clear();
      while (inputs.size() < chunk_lines && !stop_requested()) {
        Input input;
        try {
          if (!in.next_record(input.line, input.record)) {
            input_ended = !stop_requested();
            break;
          }
          if (!input.record && is_blank(input.line)) continue;
          // What --rejects keeps of a record its source built: taken now, as parsing may
          // consume the record before it fails.
          if (input.record && !options.rejects_path.empty()) input.line = input.record->dump();
          input.number = in.line_number();
        } catch (const BadLine& e) {
          input.line = e.raw().value_or(std::string());
          input.number = e.line();
          input.failed = std::current_exception();
        }
        input.end = in.position();
        inputs.push_back(std::move(input));
      }
      if (inputs.empty()) break;
      parse_chunk(inputs, parse, tokenizers, parsed);
      for (size_t i = 0; i < inputs.size(); ++i) {
        Input& input = inputs[i];
        if (parsed[i].error) {
          try {
            std::rethrow_exception(parsed[i].error);
          } catch (const InputError& e) {
            const bool too_many = options.max_skipped && skipped >= *options.max_skipped;
            if (!options.skip_invalid || too_many) {
              // Every line before this one is written first.
              hand_over();
              writer.drain();
              if (too_many) {
                rethrow_with_context(e, "line " + std::to_string(input.number) + ": stopped here, " +
                                            std::to_string(*options.max_skipped) +
                                            " bad lines were skipped already (--max-skipped): ");
              }
              rethrow_at_line(e, input.number);
            }
            const auto* bad = dynamic_cast<const BadLine*>(&e);
            rejects.add(input.number, bad && !bad->raw() ? nullptr : &input.line, e.what());
            ++skipped;
            continue;
          }
        }
        const size_t first = current.pairs.size();
        std::move(parsed[i].pairs.begin(), parsed[i].pairs.end(), std::back_inserter(current.pairs));
        current.items.push_back(
            {input.number, std::move(*parsed[i].request), first, parsed[i].pairs.size(), input.end});
        if (current.pairs.size() >= read_ahead_pairs || current.items.size() >= read_ahead_pairs) hand_over();
      }
    }
    hand_over();
    writer.drain();
  }
  flush();
  summary.skipped = skipped;
  // A stop that came once every line was read and written has nothing left to stop.
  if (stop_requested() && !input_ended) throw stopped_at(in.line_number() + 1, summary);
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

inline void check_instruction_option(const Reranker& reranker, const RunOptions& options) {
  if (!options.instruction) return;
  if (const std::string why = reranker.encoder().no_instruction_reason(); !why.empty()) {
    throw ConfigError("--instruction: the model " + reranker.bundle().dir.string() + " takes no instruction (" + why +
                      "; docs/models.md#llm-rerankers)");
  }
}

}  // namespace crossrank::line_pipeline
