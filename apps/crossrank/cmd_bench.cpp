#include <cmath>
#include <iostream>

#include "common.hpp"
#include "crossrank/bench.hpp"
#include "crossrank/error.hpp"
#include "crossrank/jsonl.hpp"
#include "crossrank/requests.hpp"
#include "crossrank/runtime_info.hpp"

namespace crossrank::cli {

namespace {

struct BenchCli {
  CommonOptions common;
  BenchOptions bench;
  std::string input;         // empty: synthetic pairs
  size_t synthetic = 2000;
  bool as_json = false;
};

double rounded(double v, int digits) {
  const double scale = std::pow(10.0, digits);
  return std::round(v * scale) / scale;
}

void bench(const BenchCli& o) {
  std::vector<std::string> lines;
  if (o.input.empty()) {
    lines = synthetic_pairs(o.synthetic);
  } else {
    LineReader in(o.input);
    std::string line;
    while (next_line(in, line)) lines.push_back(line);
  }
  Reranker reranker = load_reranker(o.common);
  BenchOptions options = o.bench;
  options.run = o.common.run;
  const BenchReport r = run_bench(reranker, lines, options);
  if (r.pairs == 0) throw InputError("no pairs to benchmark in " + o.input);
  const RuntimeInfo rt = runtime_info();

  Json report = Json::object();
  report["input"] = o.input.empty() ? "synthetic (" + std::to_string(o.synthetic) + " pairs)" : o.input;
  report["pairs"] = r.pairs;
  report["pairs_per_s"] = rounded(r.pairs_per_second(), 1);
  report["tokens_per_s"] = rounded(r.tokens_per_second(), 0);
  report["gflops_per_s"] = r.flops > 0 ? Json(rounded(r.gflops_per_second(), 1)) : Json();
  report["mean_tokens"] = rounded(static_cast<double>(r.real_tokens) / r.pairs, 1);
  report["padding"] = rounded(r.padding_fraction(), 4);
  report["tokenize_share"] = rounded(r.tokenize_share(), 4);
  report["pass_s"] = rounded(r.pass_seconds, 3);
  report["tokenize_s"] = rounded(r.tokenize_seconds, 3);
  report["model_s"] = rounded(r.model_seconds, 3);
  report["warmup_s"] = rounded(r.warmup_seconds, 3);
  report["rounds"] = options.rounds;
  report["peak_rss_mib"] = rounded(static_cast<double>(r.peak_rss_bytes) / (1 << 20), 1);
  report["device"] = to_string(reranker.model().device());
  report["dtype"] = to_string(reranker.model().dtype());
  report["cpu_bf16"] = rt.cpu_bf16;
  report["threads"] = reranker.model().threads();
  report["model_workers"] = reranker.model_workers();
  report["batch_tokens"] = reranker.batching().batch_tokens;
  report["max_batch_size"] = reranker.batching().max_batch_size;
  report["libtorch"] = rt.libtorch_version;
  report["blas"] = rt.blas;
  if (o.as_json) {
    std::cout << report.dump() << "\n";
    return;
  }
  for (const auto& [key, value] : report.items()) {
    std::cout << key << ": " << (value.is_string() ? value.get<std::string>() : value.dump()) << "\n";
  }
}

}  // namespace

void add_bench_command(CLI::App& app) {
  auto o = std::make_shared<BenchCli>();
  CLI::App* cmd = app.add_subcommand(
      "bench", "Measure scoring speed on this machine: pairs/s, tokens/s, GFLOP/s, padding, time shares");
  add_model_options(*cmd, o->common);
  add_batching_options(*cmd, o->common);
  add_instruction_option(*cmd, o->common);
  add_tokenizer_threads_option(*cmd, o->common);
  cmd->add_option("-i,--input", o->input,
                  "Pairs to score (score's input forms); default: synthetic English pairs");
  cmd->add_option("--pairs", o->synthetic, "How many synthetic pairs")->capture_default_str()->check(kAtLeastOne);
  cmd->add_option("--rounds", o->bench.rounds, "Timed passes after the warm-up (median reported)")
      ->capture_default_str()->check(kAtLeastOne);
  cmd->add_flag("--json", o->as_json, "Print one JSON object instead of key: value lines");
  cmd->callback([o] { bench(*o); });
}

}  // namespace crossrank::cli
