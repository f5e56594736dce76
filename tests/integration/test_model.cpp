// TorchScript fixtures against Python eager outputs (scripts/fixtures/make_fixture_model.py,
// scripts/fixtures/make_output_variants.py).
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <map>

#include "crossrank/batcher.hpp"
#include "crossrank/error.hpp"
#include "crossrank/model.hpp"
#include "crossrank/reranker.hpp"
#include "crossrank/runtime_info.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using crossrank::test::data_dir;
using nlohmann::json;

namespace {

fs::path tiny_bert() { return data_dir() / "models" / "tiny-bert"; }

// Unpadded rows with all-zero type ids, padded by the library's own make_batch.
crossrank::Batch batch_of(const std::vector<std::vector<int32_t>>& rows) {
  std::vector<crossrank::EncodedPair> pairs;
  std::vector<size_t> indices;
  for (const auto& r : rows) {
    indices.push_back(pairs.size());
    pairs.push_back({r, std::vector<int32_t>(r.size(), 0), false});
  }
  return crossrank::make_batch(pairs, indices, 0);
}

}  // namespace

TEST_CASE("every family's fixture scores equal Python eager to 1e-5, alone and batched", "[model]") {
  // Tokenizer, pair template, inputs and model together, against the reference ids and the
  // eager model's scores (tests/data/models/README.md).
  for (const char* family : {"tiny-bert", "tiny-roberta", "tiny-xlmr", "tiny-deberta"}) {
    INFO("fixture " << family);
    std::map<size_t, std::vector<json>> by_length;
    for (const json& g :
         crossrank::test::read_jsonl(data_dir() / "goldens" / (std::string(family) + ".scores.jsonl"))) {
      by_length[g["max_length"].get<size_t>()].push_back(g);
    }
    REQUIRE(by_length.size() > 3);
    size_t checked = 0;
    for (const auto& [max_length, goldens] : by_length) {
      crossrank::ScoringOptions options;
      options.model.device = crossrank::parse_device("cpu");
      options.max_length = max_length;
      auto reranker = crossrank::Reranker::load(data_dir() / "models" / family, options);
      std::vector<crossrank::EncodedPair> pairs;
      for (const auto& g : goldens) {
        pairs.push_back(reranker.encode(g["text_a"].get<std::string>(), g["text_b"].get<std::string>()));
      }
      const auto batched = reranker.score(pairs);
      for (size_t i = 0; i < goldens.size(); ++i) {
        INFO("pair " << goldens[i]["text_a"] << " / " << goldens[i]["text_b"] << " at " << max_length);
        CHECK(json(pairs[i].input_ids) == goldens[i]["input_ids"]);
        CHECK(json(pairs[i].token_type_ids) == goldens[i]["token_type_ids"]);
        const auto alone = reranker.score({pairs[i]});
        const double expected = goldens[i]["score"].get<double>();
        CHECK(std::abs(alone.at(0, 0) - expected) < 1e-5);
        CHECK(std::abs(batched.at(i, 0) - expected) < 1e-5);
        ++checked;
      }
    }
    CHECK(checked >= 200);
  }
}

namespace {

// Scores the tiny-bert goldens on a device in a precision; returns the largest difference
// from the Python eager fp32 scores.
double max_drift_from_goldens(const std::string& device, const std::string& dtype) {
  std::map<size_t, std::vector<json>> by_length;
  for (const json& g : crossrank::test::read_jsonl(data_dir() / "goldens" / "tiny-bert.scores.jsonl")) {
    const auto max_length = g["max_length"].get<size_t>();
    if (max_length >= 16) by_length[max_length].push_back(g);
  }
  double drift = 0;
  size_t checked = 0;
  for (const auto& [max_length, goldens] : by_length) {
    crossrank::ScoringOptions options;
    options.model.device = crossrank::parse_device(device);
    options.model.dtype = crossrank::parse_dtype(dtype);
    options.max_length = max_length;
    auto reranker = crossrank::Reranker::load(tiny_bert(), options);
    CHECK(crossrank::to_string(reranker.model().dtype()) == dtype);
    std::vector<crossrank::EncodedPair> pairs;
    for (const auto& g : goldens) {
      pairs.push_back(reranker.encode(g["text_a"].get<std::string>(), g["text_b"].get<std::string>()));
    }
    const auto scores = reranker.score(pairs);
    for (size_t i = 0; i < goldens.size(); ++i) {
      const double d = std::abs(scores.at(i, 0) - goldens[i]["score"].get<double>());
      CHECK(std::isfinite(d));
      drift = std::max(drift, d);
      ++checked;
    }
  }
  CHECK(checked > 100);
  return drift;
}

}  // namespace

TEST_CASE("bf16 on the CPU runs the products in bf16 and stays near fp32", "[model]") {
  const double drift = max_drift_from_goldens("cpu", "bf16");
  INFO("max |bf16 - fp32 eager| = " << drift);
  CHECK(drift > 1e-6);  // autocast did act
  CHECK(drift < 0.05);
}

TEST_CASE("CUDA scores equal the eager fp32 goldens (fp32) or stay near them (bf16, fp16)", "[model][cuda]") {
  if (!crossrank::runtime_info().cuda_available) {
    WARN("no CUDA device: the GPU path is not tested here (scripts/gpu_check.sh)");
    return;
  }
  CHECK(max_drift_from_goldens("cuda", "fp32") < 1e-4);
  for (const char* dtype : {"bf16", "fp16"}) {
    const double drift = max_drift_from_goldens("cuda", dtype);
    INFO(dtype << ": max drift " << drift);
    CHECK(drift > 1e-6);
    CHECK(drift < 0.05);
  }
}

TEST_CASE("every output convention of the variant fixtures", "[model]") {
  for (const char* name : {"basic", "tuple-out", "dict-out", "flat-out", "three-label", "no-type-ids",
                           "reordered-args", "identity-activation", "nan-out"}) {
    INFO("variant " << name);
    const fs::path dir = data_dir() / "models" / "variants" / name;
    const json expected = json::parse(std::ifstream(dir / "expected.json"));
    auto model = crossrank::load_torchscript_model(dir / "model.pt", {crossrank::parse_device("cpu"), crossrank::Dtype::fp32, 1, {}});
    CHECK(model->input_names().size() == expected["forward_args"].size());
    const auto inputs = expected["inputs"].get<std::vector<std::vector<int32_t>>>();
    // One at a time, then all together with padding: the same logits.
    for (size_t i = 0; i < inputs.size(); ++i) {
      const auto alone = model->forward(batch_of({inputs[i]}));
      REQUIRE(alone.labels == expected["num_labels"].get<size_t>());
      for (size_t l = 0; l < alone.labels; ++l) {
        if (expected.value("outputs_are_nan", false)) {
          CHECK(std::isnan(alone.at(0, l)));
        } else {
          CHECK(std::abs(alone.at(0, l) - expected["logits"][i][l].get<double>()) < 1e-5);
        }
      }
    }
    const auto together = model->forward(batch_of(inputs));
    CHECK(together.rows == inputs.size());
  }
}

TEST_CASE("outputs crossrank cannot read are model errors naming the shape", "[model]") {
  for (const char* name : {"wide-out", "first-row-out", "dict-without-logits"}) {
    INFO("variant " << name);
    const fs::path dir = data_dir() / "models" / "variants" / name;
    const json expected = json::parse(std::ifstream(dir / "expected.json"));
    auto model = crossrank::load_torchscript_model(dir / "model.pt", {crossrank::parse_device("cpu"), crossrank::Dtype::fp32, 1, {}});
    const auto inputs = expected["inputs"].get<std::vector<std::vector<int32_t>>>();
    // first-row-out is only wrong for more than one row: the whole batch, as the message says.
    const std::vector<std::vector<int32_t>> batch =
        std::string(name) == "first-row-out" ? inputs : std::vector<std::vector<int32_t>>{inputs[0]};
    CHECK_THROWS_AS(model->forward(batch_of(batch)), crossrank::ModelError);
    CHECK_THROWS_WITH(model->forward(batch_of(batch)), Catch::Contains(expected["error"].get<std::string>()));
  }
}

TEST_CASE("model loading errors are clear", "[model]") {
  crossrank::test::TempDir dir;
  CHECK_THROWS_WITH(crossrank::load_torchscript_model(dir.path() / "model.pt", {}),
                    Catch::Contains("not found"));
  const auto junk = dir.write("model.pt", "this is not a model");
  CHECK_THROWS_WITH(crossrank::load_torchscript_model(junk, {}),
                    Catch::Contains("not a TorchScript zip archive"));
  const fs::path model = tiny_bert() / "model.pt";
  // No CUDA here, or not 99 devices: a configuration error either way.
  const crossrank::Device cpu = crossrank::parse_device("cpu");
  CHECK_THROWS_AS(crossrank::load_torchscript_model(model, {crossrank::parse_device("cuda:99"), crossrank::Dtype::fp32, 0, {}}),
                  crossrank::ConfigError);
  CHECK_THROWS_WITH(crossrank::load_torchscript_model(model, {cpu, crossrank::Dtype::fp16, 0, {}}),
                    Catch::Contains("CUDA devices only"));
  // Names are parsed once, before anything loads.
  CHECK_THROWS_AS(crossrank::parse_device("gpu"), crossrank::ConfigError);
  CHECK_THROWS_AS(crossrank::parse_device("cuda:x"), crossrank::ConfigError);
  CHECK(crossrank::to_string(crossrank::parse_device("cuda:1")) == "cuda:1");
  CHECK_THROWS_WITH(crossrank::parse_dtype("half"), Catch::Contains("expected fp32 | bf16 | fp16 | auto"));
  // crossrank.json may rename inputs, but only as many as forward() takes.
  CHECK_THROWS_AS(crossrank::load_torchscript_model(tiny_bert() / "model.pt", {cpu, crossrank::Dtype::fp32, 0, {"input_ids"}}),
                  crossrank::ModelError);
  CHECK_THROWS_WITH(
      crossrank::load_torchscript_model(tiny_bert() / "model.pt",
                                        {cpu, crossrank::Dtype::fp32, 0, {"input_ids", "attention_mask", "position_ids"}}),
      Catch::Contains("position_ids"));
}
