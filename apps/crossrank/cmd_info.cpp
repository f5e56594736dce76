#include <iostream>

#include "common.hpp"
#include "crossrank/cpu.hpp"
#include "crossrank/requests.hpp"
#include "crossrank/runtime_info.hpp"

namespace crossrank::cli {

namespace {

void print_info(const CommonOptions& o, bool as_json) {
  Reranker reranker = load_reranker(o);
  const BundleConfig& b = reranker.bundle();
  const Tokenizer& tok = reranker.encoder().tokenizer();
  const RuntimeInfo rt = runtime_info();
  Json info = Json::object();
  info["bundle"] = b.dir.string();
  info["model_file"] = b.model_file.string();
  info["model_type"] = b.model_type;
  info["architecture"] = b.architecture;
  if (!b.exported_by.is_null()) info["exported_by"] = b.exported_by;
  info["tokenizer"] = tok.kind();
  info["tokenizer_file"] = tok.source().string();
  info["vocab_size"] = tok.vocab_size();
  if (b.vocab_size > 0) info["model_vocab_size"] = b.vocab_size;  // config.json: embedding rows
  info["max_length"] = reranker.encoder().max_length();
  if (b.tokenizer_max_length > 0) info["tokenizer_max_length"] = b.tokenizer_max_length;
  info["position_limit"] = b.position_limit;
  if (const PromptEncoder* prompt = reranker.encoder().prompt()) {
    info["template"] = prompt_template_json(prompt->prompt());
    info["answer_ids"] = prompt->answer_ids();
    const auto& answer = prompt->prompt().answer;
    info["score_rule"] = answer.size() == 2 ? "logit(\"" + answer[1] + "\") - logit(\"" + answer[0] +
                                                  "\") at the last token; sigmoid: P(\"" + answer[1] + "\")"
                                            : "logit(\"" + answer[0] + "\") at the last token";
  }
  info["inputs"] = reranker.model().input_names();
  info["num_labels"] = b.num_labels;
  info["labels"] = b.labels;
  info["activation"] = to_string(reranker.activation());
  info["activation_source"] = reranker.activation_source();
  info["device"] = to_string(reranker.model().device());
  info["dtype"] = to_string(reranker.model().dtype());
  info["threads"] = rt.threads;
  info["model_workers"] = reranker.model_workers();
  info["parallel_backend"] = rt.parallel_backend;
  info["blas"] = rt.blas;
  info["reference_blas"] = rt.reference_blas;
  info["libtorch"] = rt.libtorch_version;
  info["cuda_available"] = rt.cuda_available;
  info["cpu_bf16"] = rt.cpu_bf16;
  // What --dtype auto runs here: bf16 only where the CPU computes it.
  if (reranker.model().device().is_cpu()) info["dtype_auto"] = rt.cpu_bf16 ? "bf16" : "fp32";
  if (!rt.blas_core.empty()) {
    info["blas_core"] = rt.blas_core;
    const CpuFeatures cpu = detect_cpu_features();
    info["blas_best_core"] = best_openblas_core(cpu);
    const std::string note = blas_warning(cpu, rt.blas_core);
    if (!note.empty()) info["blas_warning"] = note;
  }
  if (as_json) {
    std::cout << info.dump() << "\n";
    return;
  }
  for (const auto& [key, value] : info.items()) {
    std::cout << key << ": " << (value.is_string() ? value.get<std::string>() : value.dump()) << "\n";
  }
  if (rt.reference_blas) {
    std::cout << "WARNING: the netlib reference BLAS is ~30x slower than OpenBLAS; "
                 "install libopenblas0-openmp\n";
  }
}

}  // namespace

void add_info_command(CLI::App& app) {
  auto o = std::make_shared<CommonOptions>();
  auto as_json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("info", "Describe a model bundle and the runtime");
  add_model_options(*cmd, *o);
  cmd->add_flag("--json", *as_json, "Print one JSON object instead of key: value lines");
  cmd->callback([o, as_json] { print_info(*o, *as_json); });
}

}  // namespace crossrank::cli
