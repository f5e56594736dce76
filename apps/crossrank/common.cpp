#include "common.hpp"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "crossrank/cpu.hpp"
#include "crossrank/error.hpp"
#include "crossrank/flat_input.hpp"
#include "crossrank/interrupt.hpp"
#include "crossrank/logging.hpp"
#include "crossrank/runtime_info.hpp"

namespace crossrank::cli {

namespace {

// CLI::PositiveNumber's message prints the whole double range; say it plainly. The type
// names are left to the options ("N"), so help shows no "INT>=1" noise.
CLI::Validator at_least(long long least) {
  return CLI::Validator(
      [least](std::string& value) {
        try {
          size_t used = 0;
          if (std::stoll(value, &used) >= least && used == value.size()) return std::string();
        } catch (const std::exception&) {
        }
        return "must be a whole number of at least " + std::to_string(least) + ", not " + value;
      },
      "");
}

}  // namespace

const CLI::Validator kAtLeastOne = at_least(1);
const CLI::Validator kWholeNumber = at_least(0);

void add_model_options(CLI::App& cmd, CommonOptions& o) {
  cmd.add_option("-m,--model", o.model_dir, "Model bundle directory (docs/models.md)")->required();
  // Parsed as the command line is read: a bad value stops the run before any file is touched.
  cmd.add_option_function<std::string>(
         "--device", [&o](const std::string& name) { o.scoring.model.device = parse_device(name); },
         "auto | cpu | cuda | cuda:N")
      ->default_str(to_string(o.scoring.model.device));
  cmd.add_option_function<std::string>(
         "--dtype",
         [&o](const std::string& name) {
           o.scoring.model.dtype = parse_dtype(name);
           o.dtype_given = true;
         },
         "Precision of the matrix products: fp32 | bf16 | fp16 (fp16: CUDA only) | auto (bf16 on a CPU "
         "with AVX-512 BF16, else fp32)")
      ->default_str(to_string(o.scoring.model.dtype));
  cmd.add_option("--threads", o.scoring.model.threads,
                 "Intra-op threads for the model (0: one per core)")
      ->capture_default_str()->check(kWholeNumber);
  cmd.add_option("--model-workers", o.scoring.model_workers,
                 "Batches scored at once on a CPU, each on threads/N cores (0: one per thread; "
                 "1: one batch at a time on all threads)")
      ->capture_default_str()->check(kWholeNumber);
  cmd.add_option("--max-length", o.scoring.max_length,
                 "Truncate pairs to this many tokens (0: the bundle's max_length, from crossrank.json, "
                 "else min(512, the model's positions); `info` shows it)")
      ->capture_default_str()->check(kWholeNumber);
  cmd.add_option("--activation", o.activation, "auto | sigmoid | softmax | identity")
      ->capture_default_str();
}

void add_instruction_option(CLI::App& cmd, CommonOptions& o) {
  cmd.add_option_function<std::string>(
      "--instruction", [&o](const std::string& text) { o.run.instruction = text; },
      "LLM rerankers: the instruction in the prompt, where a line has no \"instruction\" "
      "(default: the template's; `info` shows it)")
      ->type_name("TEXT");
}

void add_tokenizer_threads_option(CLI::App& cmd, CommonOptions& o) {
  cmd.add_option("--tokenizer-threads", o.run.tokenizer_threads,
                 "Threads that parse and tokenize input lines, beside the model's")
      ->capture_default_str()->check(kAtLeastOne);
}

void add_io_options(CLI::App& cmd, CommonOptions& o) {
  cmd.add_option("-i,--input", o.input, "Input JSONL file, - for stdin")->capture_default_str();
  cmd.add_option("-o,--output", o.output, "Output JSONL file, - for stdout")->capture_default_str();
  add_batching_options(cmd, o);
  add_tokenizer_threads_option(cmd, o);
  add_limit_options(cmd, o);
  CLI::Option* skip = cmd.add_flag("--skip-invalid", o.run.skip_invalid,
                                   "Report bad lines on stderr and go on (exit 0) instead of stopping; "
                                   "their count is reported even with -q");
  cmd.add_option("--rejects", o.run.rejects_path,
                 "With --skip-invalid: copy bad lines verbatim to this file")
      ->needs(skip);
  cmd.add_option("--max-skipped", o.run.max_skipped,
                 "With --skip-invalid: stop (exit 3) at the bad line after N skipped ones")
      ->needs(skip)->check(kWholeNumber)->type_name("N");
}

void add_batching_options(CLI::App& cmd, CommonOptions& o) {
  cmd.add_option("--batch-tokens", o.scoring.batching.batch_tokens,
                 "Padded tokens per model batch (rows x longest row) [default: 1024 on CPU, "
                 "16384 on CUDA]")
      ->check(kAtLeastOne);
  cmd.add_option("--max-batch-size", o.scoring.batching.max_batch_size,
                 "Rows per model batch [default: 128 on CPU, 1024 on CUDA]")
      ->check(kAtLeastOne);
  cmd.add_option("--window", o.run.window_pairs,
                 "Pairs read ahead and batched together (bounds memory)")
      ->capture_default_str()->check(kAtLeastOne);
}

void add_limit_options(CLI::App& cmd, CommonOptions& o) {
  cmd.add_option("--max-line-bytes", o.max_line_bytes,
                 "Longer input lines are bad lines, never read into memory whole (a number of bytes, "
                 "or with a suffix K, M or G: powers of 1024)")
      ->default_str("64M")
      ->transform(CLI::AsSizeValue(false).description(""))
      ->check(kAtLeastOne)
      ->type_name("BYTES");
  cmd.add_option("--max-docs", o.run.limits.max_docs, "Most documents per query (0: no limit)")
      ->capture_default_str()->check(kWholeNumber);
  cmd.add_option("--max-text-chars", o.run.limits.max_text_chars,
                 "Most characters per query or document text (0: no limit)")
      ->capture_default_str()->check(kWholeNumber);
}

void add_query_input_options(CLI::App& cmd, CommonOptions& o, QueryInputCli& q) {
  RerankOptions& rerank = o.rerank;
  CLI::Option* flat = cmd.add_flag("--flat", o.flat,
                                   "Input rows are (query, candidate) pairs: {\"qid\",\"query\",\"docid\",\"text\"}; "
                                   "consecutive rows of a qid form one query");
  q.options = {
      flat,
      cmd.add_flag("--group-all", o.group_all,
                   "With --flat: group a qid's rows wherever they are (reads the whole input into memory)")
          ->needs(flat),
      cmd.add_flag("--with-title", rerank.documents.with_title,
                   "Score a document's \"title\" and text together, (title + \" \" + text).strip(), as BEIR's "
                   "cross-encoder reranking does"),
      cmd.add_option("--long-docs", q.long_docs,
                     "truncate | chunk: split a document that does not fit into overlapping windows")
          ->capture_default_str(),
      cmd.add_option("--chunk-stride", rerank.chunk_stride,
                     "With --long-docs chunk: tokens consecutive windows share [default: 32]")
          ->check(kWholeNumber)
          ->type_name("N"),
      cmd.add_option("--aggregate", q.aggregate,
                     "With --long-docs chunk: max | first | mean, a chunked document's score from its windows "
                     "[default: max]"),
  };
}

void apply_query_input_options(const QueryInputCli& q, RerankOptions& rerank) {
  rerank.long_docs = parse_long_docs(q.long_docs);
  if (!q.aggregate.empty()) rerank.aggregate = parse_aggregate(q.aggregate);
}

void parse_shard(const std::string& text, RerankOptions& run) {
  const auto slash = text.find('/');
  try {
    size_t used_i = 0, used_n = 0;
    if (slash == std::string::npos) throw std::invalid_argument(text);
    const std::string i = text.substr(0, slash), n = text.substr(slash + 1);
    run.shard_index = std::stoul(i, &used_i);
    run.shard_count = std::stoul(n, &used_n);
    if (used_i != i.size() || used_n != n.size() || i[0] == '-' || n[0] == '-') throw std::invalid_argument(text);
  } catch (const std::exception&) {
    throw ConfigError("--shard " + text + ": expected I/N, e.g. 0/4");
  }
  check_shard(run.shard_index, run.shard_count, text);
}

Reranker load_reranker(const CommonOptions& o) {
  ScoringOptions scoring = o.scoring;
  scoring.activation = parse_activation(o.activation);
  Reranker reranker = Reranker::load(o.model_dir, scoring);
  const RuntimeInfo runtime = runtime_info();
  if (runtime.reference_blas && reranker.model().device().is_cpu()) {
    log::warn("libtorch is using the netlib reference BLAS (" + runtime.blas +
              "): scoring will be ~30x slower. Install libopenblas0-openmp (scripts/setup.sh does).");
  }
  if (reranker.model().device().is_cpu()) {
    const std::string blas = blas_warning(detect_cpu_features(), runtime.blas_core);
    if (!blas.empty()) log::warn(blas);
  }
  const nlohmann::json& exported = reranker.bundle().exported_by;
  const bool bf16_weights = exported.is_object() && exported.value("dtype", "") == "bf16";
  if ((reranker.model().dtype() == Dtype::bf16 || bf16_weights) && reranker.model().device().is_cpu() &&
      !runtime.cpu_bf16) {
    log::warn(std::string("this CPU has no AVX-512 BF16 instructions: ") +
              (bf16_weights ? "this bundle's bf16 weights (export_hf.py --dtype bf16) run"
                            : "--dtype bf16 runs") +
              " several times slower than fp32 here (docs/performance.md#reduced-precision)");
  }
  const BundleConfig& bundle = reranker.bundle();
  // Not for an LLM reranker: its card's own length is the reference, not sentence-transformers.
  if (o.scoring.max_length == 0 && !bundle.max_length_set && !bundle.prompt &&
      reranker.encoder().max_length() < bundle.tokenizer_max_length) {
    log::info("pairs are cut at " + std::to_string(reranker.encoder().max_length()) +
              " tokens (crossrank's default); this model's tokenizer allows " +
              std::to_string(bundle.tokenizer_max_length) +
              " and sentence-transformers cuts there: --max-length " +
              std::to_string(bundle.tokenizer_max_length) +
              " matches it on longer pairs, at quadratic cost (docs/models.md#max-length)");
  }
  // For people at a terminal: pipelines and scripts keep a quiet stderr.
  if (!o.dtype_given && reranker.model().device().is_cpu() && runtime.cpu_bf16 && !bf16_weights &&
      isatty(STDERR_FILENO)) {
    log::info("this CPU has AVX-512 BF16: --dtype bf16 (or auto) scores ~1.7x faster here (Zen 4), within ~1e-2 of "
              "fp32 (docs/performance.md#reduced-precision); --dtype fp32 keeps exact scores and this note quiet");
  }
  log::debug("model " + o.model_dir + " on " + to_string(reranker.model().device()) + " (" +
             to_string(reranker.model().dtype()) + "), " +
             std::to_string(runtime.threads) + " threads, max length " +
             std::to_string(reranker.encoder().max_length()));
  return reranker;
}

namespace {

void log_summary(const char* command, const RunSummary& summary, const Reranker& reranker,
                 double seconds) {
  const ScoringStats& st = reranker.stats();
  char rate[64];
  std::snprintf(rate, sizeof rate, "%.1f s, %.1f pairs/s", seconds,
                seconds > 0 ? static_cast<double>(summary.pairs) / seconds : 0.0);
  std::string line = std::string(command) + ": " + std::to_string(summary.records) + " lines out, " +
                     std::to_string(summary.pairs) + " pairs, " + rate;
  if (st.padded_tokens > 0) {
    char pad[64];
    std::snprintf(pad, sizeof pad, ", padding %.1f%%",
                  100.0 * static_cast<double>(st.padded_tokens - st.real_tokens) /
                      static_cast<double>(st.padded_tokens));
    line += pad;
  }
  if (st.duplicates > 0) line += ", " + std::to_string(st.duplicates) + " duplicate pairs scored once";
  if (st.split_batches > 0) {
    line += ", " + std::to_string(st.split_batches) + " batches split for lack of device memory";
  }
  if (summary.truncated > 0) line += ", " + std::to_string(summary.truncated) + " pairs truncated";
  if (summary.skipped > 0) line += ", " + std::to_string(summary.skipped) + " bad lines skipped";
  if (summary.rows > 0) line += ", " + std::to_string(summary.rows) + " flat rows grouped";
  if (summary.chunked > 0) {
    line += ", " + std::to_string(summary.chunked) + " long documents chunked into " +
            std::to_string(summary.windows) + " windows";
  }
  if (summary.below_min_score > 0) {
    line += ", " + std::to_string(summary.below_min_score) + " results below --min-score left out";
  }
  if (summary.already_done > 0) {
    line += ", " + std::to_string(summary.already_done) + " queries already in the output (--resume)";
  }
  if (summary.other_shards > 0) {
    line += ", " + std::to_string(summary.other_shards) + " queries left to other shards";
  }
  log::info(line);
}

}  // namespace

// On a terminal (stderr), a progress line rewritten at most twice a second: output lines,
// pairs, pairs/s and, when the input is a file, the share of it whose output is written and
// the time left. Silent when the run writes to stdout and stdout is a terminal too, where
// output lines would break it.
class Progress {
 public:
  Progress(const char* command, const LineReader& in, const std::string& live_output)
      : command_(command), in_(in), start_(std::chrono::steady_clock::now()),
        shown_(isatty(STDERR_FILENO) && !(live_output == "-" && isatty(STDOUT_FILENO)) &&
               log::enabled(log::Level::info)) {}
  ~Progress() {
    if (printed_) std::fputs("\r\033[K", stderr);  // the summary line takes its place
  }
  void attach(RunOptions& run) {
    if (shown_) run.progress = [this](const RunSummary& s) { update(s); };
  }

 private:
  void update(const RunSummary& s) {
    const auto now = std::chrono::steady_clock::now();
    if (printed_ && now - last_ < std::chrono::milliseconds(500)) return;
    last_ = now;
    const double seconds = std::chrono::duration<double>(now - start_).count();
    char line[160];
    int n = std::snprintf(line, sizeof line, "\rcrossrank: %s: %zu lines out, %zu pairs, %.1f pairs/s",
                          command_, s.records, s.pairs, seconds > 0 ? s.pairs / seconds : 0.0);
    const double done = in_.size() > 0 ? static_cast<double>(s.input_bytes) / in_.size() : 0.0;
    if (done > 0 && done < 1 && n > 0 && n < static_cast<int>(sizeof line)) {
      const long left = std::lround(seconds * (1 - done) / done);
      std::snprintf(line + n, sizeof line - n, ", %.0f%% done, %ld:%02ld left", 100 * done, left / 60, left % 60);
    }
    std::fputs(line, stderr);
    std::fputs("\033[K", stderr);
    std::fflush(stderr);
    printed_ = true;
  }

  const char* command_;
  const LineReader& in_;
  std::chrono::steady_clock::time_point start_, last_;
  bool shown_;
  bool printed_ = false;
};

void hint_for_extras(const CLI::App& app) {
  for (const CLI::App* cmd : app.get_subcommands()) {
    const CLI::Option* model = cmd->get_option_no_throw("--model");
    const CLI::Option* input = cmd->get_option_no_throw("--input");
    for (const std::string& arg : cmd->remaining()) {
      std::error_code ec;
      if (std::filesystem::is_regular_file(arg, ec) && input && input->count() == 0) {
        std::fprintf(stderr, "crossrank: hint: to read %s, give it with -i %s (without -i, crossrank reads standard input)\n",
                     arg.c_str(), arg.c_str());
      } else if (std::filesystem::is_directory(arg, ec) && model && model->count() == 0) {
        std::fprintf(stderr, "crossrank: hint: to use the model bundle %s, give it with -m %s\n", arg.c_str(), arg.c_str());
      }
    }
  }
}

void check_files(const CommonOptions& o, std::vector<NamedFile> inputs, std::vector<NamedFile> outputs) {
  inputs.insert(inputs.begin(), {"-i", o.input});
  if (!o.run.rejects_path.empty()) outputs.push_back({"--rejects", o.run.rejects_path});
  check_distinct_files(inputs, outputs);
}

void run_model_command(const char* command, const CommonOptions& o, const std::string& live_output,
                       const RunFn& run) {
  Reranker reranker = load_reranker(o);
  // From here on SIGINT/SIGTERM stop the run after its finished records (interrupt.hpp).
  install_stop_handlers();
  LineReader in(o.input, o.max_line_bytes);
  const auto start = std::chrono::steady_clock::now();
  RunOptions options = o.run;
  RunSummary summary;
  {
    Progress progress(command, in, live_output);
    progress.attach(options);
    if (o.flat) {
      FlatGroups groups(in, o.group_all, o.rerank.documents);
      summary = run(reranker, groups, options);
      summary.rows = groups.rows();
    } else {
      summary = run(reranker, in, options);
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  log_summary(command, summary, reranker, seconds);
}

void run_writing_command(const char* command, const CommonOptions& o, const WriteFn& run,
                         const std::function<void()>& prepare) {
  check_files(o, {}, {{"-o", o.output}});
  if (prepare) prepare();
  run_model_command(command, o, o.output, [&](Reranker& reranker, LineSource& in, const RunOptions& options) {
    LineWriter out(o.output, o.append);
    RunSummary summary = run(reranker, in, out, options);
    out.flush();
    return summary;
  });
}

}  // namespace crossrank::cli
