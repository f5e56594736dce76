// LLM rerankers' prompt templates (prompt.hpp): the recipes of scripts/templates/ against
// the ids each model card's code gives with HF tokenizers (tests/data/goldens/prompts/,
// scripts/goldens/make_prompt_goldens.js), and the template file's errors.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>

#include "crossrank/error.hpp"
#include "crossrank/pair_encoder.hpp"
#include "crossrank/prompt.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using crossrank::PairEncoder;
using crossrank::PromptTemplate;
using crossrank::test::data_dir;
using crossrank::test::tokenizer_fixture;
using nlohmann::json;

namespace {

json recipe_file(const std::string& name) {
  std::ifstream in(fs::path(CROSSRANK_TEMPLATES) / (name + ".json"));
  REQUIRE(in);
  return json::parse(in);
}

PromptTemplate recipe(const std::string& name) {
  return crossrank::parse_prompt_template(recipe_file(name)["template"], name);
}

std::shared_ptr<const crossrank::Tokenizer> variant(const std::string& name) {
  static std::map<std::string, std::shared_ptr<const crossrank::Tokenizer>> loaded;
  auto& t = loaded[name];
  if (!t) t = crossrank::load_tokenizer(tokenizer_fixture("variants") / name);
  return t;
}

PromptTemplate with_parts(json parts) {
  return crossrank::parse_prompt_template(json{{"name", "t"}, {"parts", std::move(parts)}, {"answer", {"1"}}}, "t");
}

}  // namespace

TEST_CASE("the recipes give the model cards' ids on every golden case", "[prompt][goldens]") {
  const std::pair<const char*, const char*> recipes[] = {
      {"qwen3-reranker", "qwen-split"}, {"mxbai-rerank-v2", "qwen-split"}, {"bge-reranker-gemma", "gemma-bpe"}};
  for (const auto& [name, tokenizer] : recipes) {
    const PromptTemplate prompt = recipe(name);
    std::map<size_t, PairEncoder> encoders;
    size_t cases = 0, cut = 0;
    for (const json& c : crossrank::test::read_jsonl(data_dir() / "goldens" / "prompts" / (std::string(name) + ".jsonl"))) {
      const size_t max_length = c["max_length"].get<size_t>();
      auto it = encoders.find(max_length);
      if (it == encoders.end()) it = encoders.emplace(max_length, PairEncoder(variant(tokenizer), max_length, prompt)).first;
      std::optional<std::string> instruction;
      if (c.contains("instruction")) instruction = c["instruction"].get<std::string>();
      const auto got = it->second.encode(c["query"].get<std::string>(), c["document"].get<std::string>(),
                                         instruction ? std::optional<std::string_view>(*instruction) : std::nullopt);
      INFO(name << " " << c.dump());
      CHECK(json(got.input_ids) == c["input_ids"]);
      CHECK(got.token_type_ids == std::vector<int32_t>(got.input_ids.size(), 0));
      cut += got.truncated ? 1 : 0;
      ++cases;
    }
    CHECK(cases >= 80);
    CHECK(cut >= 20);  // the short max_lengths do cut
  }
}

TEST_CASE("answer tokens resolve to single ids", "[prompt]") {
  PairEncoder qwen(variant("qwen-split"), 8192, recipe("qwen3-reranker"));
  REQUIRE(qwen.prompt());
  CHECK(qwen.prompt()->answer_ids() ==
        std::vector<int32_t>{*variant("qwen-split")->token_to_id("no"), *variant("qwen-split")->token_to_id("yes")});
  // "yes" is two tokens in the Gemma-layout vocabulary: the recipe cannot run there.
  PromptTemplate yes = recipe("qwen3-reranker");
  yes.answer = {"yes"};
  CHECK_THROWS_AS(PairEncoder(variant("gemma-bpe"), 1024, yes), crossrank::ModelError);
  // Ids recorded by the exporter must be the tokenizer's.
  PromptTemplate ids = recipe("qwen3-reranker");
  ids.answer_ids = {1, 2};
  CHECK_THROWS_WITH(PairEncoder(variant("qwen-split"), 8192, ids),
                    Catch::Contains("does not belong to this model"));
}

TEST_CASE("a long document becomes windows inside the template", "[prompt]") {
  const auto tok = variant("qwen-split");
  const PromptTemplate prompt = recipe("qwen3-reranker");
  const PairEncoder encoder(tok, 120, prompt);
  std::string doc;
  for (int i = 0; i < 40; ++i) doc += "Paris is the capital and largest city of France. ";
  const auto query = encoder.prepare_query("capital of France", std::nullopt);
  const auto windows = encoder.encode_windows(query, doc, 16);
  REQUIRE(windows.size() > 3);
  const auto whole = encoder.encode(query, doc);
  const auto doc_ids = tok->encode(doc);
  for (const auto& w : windows) {
    CHECK(w.input_ids.size() <= 120);
    CHECK_FALSE(w.truncated);
    // Each window keeps the template's start and end.
    CHECK(std::equal(whole.input_ids.begin(), whole.input_ids.begin() + 30, w.input_ids.begin()));
    CHECK(std::equal(whole.input_ids.end() - 8, whole.input_ids.end(), w.input_ids.end() - 8));
  }
  // A document that fits is one window, the same ids as encode().
  const auto short_windows = encoder.encode_windows(query, "Paris.", 16);
  REQUIRE(short_windows.size() == 1);
  CHECK(short_windows[0].input_ids == encoder.encode(query, "Paris.").input_ids);
}

TEST_CASE("placeholders are replaced once, as str.format does", "[prompt]") {
  const auto tok = variant("qwen-split");
  const PairEncoder encoder(tok, 512, with_parts(json::array({{{"text", "Q {query} D {document}"}, {"cut", true}}})));
  CHECK(encoder.encode("{document}", "x").input_ids == tok->encode("Q {document} D x"));
  // A template without {instruction} takes none: it would be silently dropped.
  CHECK_FALSE(encoder.prompt()->takes_instruction());
  CHECK_THROWS_AS(encoder.encode("a", "b", std::string_view("dropped")), crossrank::InputError);
}

TEST_CASE("an instruction needs a prompt template", "[prompt]") {
  const PairEncoder plain(variant("qwen-split"), 512);
  CHECK_THROWS_AS(plain.prepare_query("q", std::string_view("be brief")), crossrank::InputError);
  CHECK_NOTHROW(plain.prepare_query("q", std::nullopt));
}

TEST_CASE("malformed templates are model errors at load", "[prompt]") {
  using crossrank::ModelError;
  const json cut = {{"text", "{document}"}, {"cut", true}};
  CHECK_THROWS_WITH(with_parts(json::array({cut})), Catch::Contains("no {query}"));
  CHECK_THROWS_WITH(with_parts(json::array({{{"text", "{query}"}}, {{"text", "{document}"}}})),
                    Catch::Contains("\"cut\""));
  CHECK_THROWS_WITH(with_parts(json::array({{{"text", "{query} {document}"}, {"cut", true}}, cut})),
                    Catch::Contains("{document} once"));
  CHECK_THROWS_WITH(with_parts(json::array({{{"text", "{query} {querry}"}}, cut})),
                    Catch::Contains("unknown placeholder {querry}"));
  CHECK_THROWS_WITH(with_parts(json::array({{{"text", "{query}"}, {"cutt", true}}, cut})),
                    Catch::Contains("cutt"));
  CHECK_THROWS_AS(with_parts(json::array({{{"text", "{query}"}, {"max_share", {3, 2}}}, cut})), ModelError);
  CHECK_THROWS_AS(with_parts(json::array({{{"text", "{query}"}, {"max_tokens", -1}}, cut})), ModelError);
  CHECK_THROWS_AS(with_parts(json::array({{{"text", "{instruction} {query}"}, {"without_instruction", "x"}}, cut})),
                  ModelError);
  json no_answer = recipe_file("qwen3-reranker")["template"];
  no_answer["answer"] = json::array();
  CHECK_THROWS_AS(crossrank::parse_prompt_template(no_answer, "t"), ModelError);
  // What the file says is what info shows, and it reads back the same.
  const PromptTemplate q = recipe("qwen3-reranker");
  const PromptTemplate again = crossrank::parse_prompt_template(json::parse(crossrank::prompt_template_json(q).dump()), "t");
  CHECK(crossrank::prompt_template_json(again) == crossrank::prompt_template_json(q));
}

TEST_CASE("a max length that leaves the document no room is refused", "[prompt]") {
  CHECK_THROWS_AS(PairEncoder(variant("qwen-split"), 60, recipe("qwen3-reranker")), crossrank::ConfigError);
  CHECK_THROWS_AS(PairEncoder(variant("gemma-bpe"), 4, recipe("bge-reranker-gemma")), crossrank::ConfigError);
  // An uncapped counted query that fills the budget is the line's fault.
  const PairEncoder e(variant("qwen-split"), 8,
                      with_parts(json::array({{{"text", "{query}"}}, {{"text", "{document}"}, {"cut", true}}})));
  CHECK_THROWS_AS(e.encode("a very long query that takes many more than eight tokens", "d"), crossrank::InputError);
}
