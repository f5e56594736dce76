// Prompt templates (LLM rerankers): the recipes of scripts/templates/ with fuzzed texts and
// max lengths, and templates parsed from fuzzed JSON.
//
// Byte 0: the recipe (0-2: qwen3-reranker on qwen-split, mxbai-rerank-v2 on qwen-split,
// bge-reranker-gemma on gemma-bpe; 3: a template read from the input), byte 1: max_length,
// byte 2: the window overlap. The rest, split at 0xFF bytes (never part of UTF-8):
// [template JSON,] instruction, query, document; bad UTF-8 becomes U+FFFD.
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "crossrank/pair_encoder.hpp"
#include "crossrank/prompt.hpp"
#include "fuzz_support.hpp"

using namespace crossrank;

namespace {

struct Recipe {
  std::string name;
  PromptTemplate prompt;
  std::shared_ptr<const Tokenizer> tokenizer;
};

const std::vector<Recipe>& recipes() {
  static const std::vector<Recipe> all = [] {
    fuzz::quiet();
    std::vector<Recipe> out;
    const std::pair<const char*, const char*> names[] = {
        {"qwen3-reranker", "qwen-split"}, {"mxbai-rerank-v2", "qwen-split"}, {"bge-reranker-gemma", "gemma-bpe"}};
    for (const auto& [name, variant] : names) {
      std::ifstream in(fuzz::fs::path(CROSSRANK_TEMPLATES) / (std::string(name) + ".json"));
      if (!in) fuzz::fail(std::string("no recipe ") + name);
      const auto j = nlohmann::json::parse(in);
      out.push_back({name, parse_prompt_template(j["template"], name),
                     load_tokenizer(fuzz::data_dir() / "tokenizers" / "variants" / variant)});
    }
    return out;
  }();
  return all;
}

std::vector<std::string> split_rest(std::string_view rest, size_t parts) {
  std::vector<std::string> out;
  for (size_t i = 0; i + 1 < parts; ++i) {
    const size_t sep = rest.find('\xFF');
    out.push_back(std::string(rest.substr(0, sep)));
    rest = sep == std::string_view::npos ? std::string_view() : rest.substr(sep + 1);
  }
  out.push_back(std::string(rest));
  return out;
}

// Tokens that may sit outside max_length: the parts marked "counted": false.
size_t uncounted(const Recipe& r, const std::string& instruction) {
  size_t n = 0;
  for (const auto& part : r.prompt.parts) {
    if (part.counted) continue;
    std::string text = part.text;
    const size_t at = text.find("{instruction}");
    if (at != std::string::npos) text.replace(at, 13, instruction);  // the recipes' only placeholder there
    n += r.tokenizer->encode(text).size();
  }
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto& all = recipes();
  fuzz::Input in(data, size);
  const size_t which = in.byte() % (all.size() + 1);
  const uint8_t length_byte = in.byte();
  const size_t max_length = length_byte >= 250 ? 8192 : length_byte;
  const size_t overlap = in.byte() % 40;
  const bool custom = which == all.size();
  std::vector<std::string> texts = split_rest(in.rest(), custom ? 4 : 3);

  Recipe r = custom ? all[0] : all[which];
  if (custom) {
    const auto j = nlohmann::json::parse(texts[0], nullptr, false);
    if (!fuzz::expected_errors([&] { r.prompt = parse_prompt_template(j, "fuzz"); })) return 0;
    texts.erase(texts.begin());
  }
  for (auto& t : texts) t = fuzz::repair_utf8(t);
  const std::string& instruction = texts[0];
  const std::string& query = texts[1];
  const std::string& document = texts[2];

  std::shared_ptr<PairEncoder> encoder;
  if (!fuzz::expected_errors([&] { encoder = std::make_shared<PairEncoder>(r.tokenizer, max_length, r.prompt); })) {
    return 0;  // a max length with no room for the document, or answers not in the vocabulary
  }
  const PromptEncoder& prompt = *encoder->prompt();
  const auto given = prompt.takes_instruction() ? std::optional<std::string_view>(instruction) : std::nullopt;
  EncodedPair pair;
  if (!fuzz::expected_errors([&] { pair = encoder->encode(query, document, given); })) {
    // Only a template with a counted part outside the cut one can run out of room.
    FUZZ_CHECK(custom, r.name + ": a recipe refused a line");
    return 0;
  }
  FUZZ_CHECK(pair.input_ids.size() == pair.token_type_ids.size(), r.name);
  const std::vector<int32_t> again = encoder->encode(query, document, given).input_ids;
  FUZZ_CHECK(again == pair.input_ids, r.name + ": not deterministic");
  const auto prepared = encoder->prepare_query(query, given);
  const auto windows = encoder->encode_windows(prepared, document, overlap);
  FUZZ_CHECK(!windows.empty(), r.name);
  if (!pair.truncated) {
    FUZZ_CHECK(windows.size() == 1 && windows[0].input_ids == pair.input_ids, r.name + ": a pair that fits");
  }
  if (custom) return 0;
  const size_t bound = max_length + uncounted(r, instruction);
  FUZZ_CHECK(pair.input_ids.size() <= bound, r.name + ": " + std::to_string(pair.input_ids.size()) + " ids > " +
                                                 std::to_string(bound));
  for (const auto& w : windows) FUZZ_CHECK(w.input_ids.size() <= bound, r.name + ": a window over the bound");
  // The fixed start of the prompt is always there.
  const std::vector<int32_t> head = r.tokenizer->encode(r.prompt.parts[0].text);
  FUZZ_CHECK(pair.input_ids.size() >= head.size() && std::equal(head.begin(), head.end(), pair.input_ids.begin()),
             r.name + ": the prompt's first part is missing");
  return 0;
}
