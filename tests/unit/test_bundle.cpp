#include <catch2/catch.hpp>

#include <tuple>

#include "crossrank/bundle.hpp"
#include "crossrank/error.hpp"
#include "support.hpp"

using crossrank::Activation;
using crossrank::load_bundle_config;
using crossrank::test::TempDir;

TEST_CASE("bundle defaults: sigmoid for one label, max length min(512, limits)", "[bundle]") {
  const auto b = load_bundle_config(crossrank::test::data_dir() / "models" / "tiny-bert");
  CHECK(b.model_type == "bert");
  CHECK(b.num_labels == 1);
  CHECK(b.activation == Activation::sigmoid);
  CHECK(b.max_length == 512);
  CHECK(b.model_file.filename() == "model.pt");
}

TEST_CASE("activation from sentence-transformers config, both conventions", "[bundle]") {
  const auto variants = crossrank::test::data_dir() / "models" / "variants";
  CHECK(load_bundle_config(variants / "identity-activation").activation == Activation::identity);
  CHECK(load_bundle_config(variants / "identity-activation-legacy").activation == Activation::identity);
  const auto three = load_bundle_config(variants / "three-label");
  CHECK(three.num_labels == 3);
  CHECK(three.activation == Activation::identity);
  CHECK(three.labels.size() == 3);
}

TEST_CASE("limits and crossrank.json overrides", "[bundle]") {
  TempDir dir;
  dir.write("config.json", R"({"model_type":"xlm-roberta","max_position_embeddings":514,
                               "id2label":{"0":"a","1":"b"}})");
  dir.write("tokenizer_config.json", R"({"model_max_length": 1000000000000000019884624838656})");
  auto b = load_bundle_config(dir.path());
  CHECK(b.position_limit == 512);
  CHECK(b.max_length == 512);
  CHECK(b.num_labels == 2);
  CHECK(b.activation == Activation::identity);

  dir.write("tokenizer_config.json", R"({"model_max_length": 128})");
  CHECK(load_bundle_config(dir.path()).max_length == 128);

  dir.write("crossrank.json", R"({"activation":"softmax","max_length":256,"inputs":["input_ids"]})");
  b = load_bundle_config(dir.path());
  CHECK(b.activation == Activation::softmax);
  CHECK(b.activation_source == "crossrank.json");
  CHECK(b.max_length == 256);
  CHECK(b.input_names == std::vector<std::string>{"input_ids"});

  dir.write("crossrank.json", R"({"max_length":1024})");
  CHECK_THROWS_AS(load_bundle_config(dir.path()), crossrank::ConfigError);
  dir.write("crossrank.json", R"({"activation":"tanh"})");
  CHECK_THROWS_AS(load_bundle_config(dir.path()), crossrank::ConfigError);
  dir.write("crossrank.json", R"({"max_length":"long"})");
  CHECK_THROWS_AS(load_bundle_config(dir.path()), crossrank::ConfigError);
}

TEST_CASE("broken bundles are model errors", "[bundle]") {
  TempDir dir;
  CHECK_THROWS_AS(load_bundle_config(dir.path() / "missing"), crossrank::ModelError);
  CHECK_THROWS_AS(load_bundle_config(dir.path()), crossrank::ModelError);  // no config.json
  dir.write("config.json", "{not json");
  CHECK_THROWS_AS(load_bundle_config(dir.path()), crossrank::ModelError);
}

TEST_CASE("an unsupported stored activation fails only when nothing overrides it", "[bundle]") {
  TempDir dir;
  dir.write("config.json", R"({"sentence_transformers":{"activation_fn":"torch.nn.Tanh"}})");
  CHECK(load_bundle_config(dir.path()).activation == Activation::automatic);
  dir.write("crossrank.json", R"({"activation":"identity"})");
  CHECK(load_bundle_config(dir.path()).activation == Activation::identity);
}

TEST_CASE("crossrank.json: auto keeps the stored activation, model_type moves the limit", "[bundle]") {
  TempDir dir;
  dir.write("config.json", R"({"model_type":"bert","max_position_embeddings":514,
      "sentence_transformers":{"activation_fn":"torch.nn.modules.linear.Identity"}})");
  dir.write("crossrank.json", R"({"activation":"auto","model_type":"roberta"})");
  const auto b = load_bundle_config(dir.path());
  CHECK(b.activation == Activation::identity);
  CHECK(b.model_type == "roberta");
  CHECK(b.position_limit == 512);
  dir.write("crossrank.json", "{oops");
  CHECK_THROWS_AS(load_bundle_config(dir.path()), crossrank::ConfigError);
}

TEST_CASE("a tokenizer that allows more than 512 tokens keeps the 512 default and says so",
          "[bundle]") {
  TempDir dir;
  dir.write("config.json", R"({"model_type":"modernbert","max_position_embeddings":8192})");
  dir.write("tokenizer_config.json", R"({"model_max_length": 8192})");
  auto b = load_bundle_config(dir.path());
  CHECK(b.max_length == 512);
  CHECK(b.tokenizer_max_length == 8192);
  CHECK_FALSE(b.max_length_set);

  // bge-m3 declares 8192 tokens over 8194 positions, two of them taken by the padding offset.
  dir.write("config.json", R"({"model_type":"xlm-roberta","max_position_embeddings":8194})");
  CHECK(load_bundle_config(dir.path()).tokenizer_max_length == 8192);
  dir.write("tokenizer_config.json", R"({"model_max_length": 9000})");
  CHECK(load_bundle_config(dir.path()).tokenizer_max_length == 8192);

  dir.write("crossrank.json", R"({"max_length":8192})");
  b = load_bundle_config(dir.path());
  CHECK(b.max_length == 8192);
  CHECK(b.max_length_set);
}

TEST_CASE("position limits by family: two positions fewer where ids start after the padding index",
          "[bundle]") {
  TempDir dir;
  for (const auto& [type, positions, limit] :
       {std::tuple<const char*, int, size_t>{"roberta", 514, 512}, {"camembert", 514, 512},
        {"xlm-roberta-xl", 514, 512}, {"mpnet", 514, 512}, {"longformer", 4098, 4096},
        {"bart", 1024, 1024}, {"bert", 512, 512}, {"modernbert", 8192, 8192}}) {
    INFO(type);
    dir.write("config.json", std::string(R"({"model_type":")") + type +
                                 R"(","max_position_embeddings":)" + std::to_string(positions) + "}");
    CHECK(load_bundle_config(dir.path()).position_limit == limit);
  }
}
