// The model bundle loaders: the input becomes one file of a small bundle (the others are
// fixed), then load_bundle_config and load_tokenizer read it, and a tokenizer that loads
// must encode and assemble pairs like any other.
//
// First byte: which file (kModes). The rest: its content; for the charsmap mode, the
// binary precompiled_charsmap of a Precompiled normalizer in a small Unigram tokenizer.json.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crossrank/bundle.hpp"
#include "crossrank/output.hpp"
#include "crossrank/pair_encoder.hpp"
#include "crossrank/requests.hpp"
#include "crossrank/tokenizer.hpp"
#include "fuzz_support.hpp"

using namespace crossrank;
namespace fs = std::filesystem;

namespace {

// A small WordPiece bundle, written here so each run loads in microseconds.
const char* const kWordPieceVocab[] = {
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "!", "'", ",", "-", ".", "?", "0", "1", "2",
    "a", "b", "c", "d", "e", "f", "g", "h", "i", "l", "n", "o", "r", "s", "t", "w", "the", "hello",
    "world", "##s", "##ing", "##a", "##e", "##l", "##o", "##d", "##r", "##t", "é", "日", "本"};
const char* const kBertConfig =
    R"({"architectures": ["BertForSequenceClassification"], "model_type": "bert", "hidden_size": 16,
"num_hidden_layers": 2, "max_position_embeddings": 512, "id2label": {"0": "LABEL_0"}})";
const char* const kBertTokenizerConfig = R"({"do_lower_case": true, "model_max_length": 512})";

// The Unigram tokenizer.json around a fuzzed charsmap; %s is its base64.
const char* const kCharsmapJsonHead =
    R"({"version": "1.0", "added_tokens": [{"id": 0, "content": "<unk>", "special": true}],
"normalizer": {"type": "Sequence", "normalizers": [{"type": "Precompiled", "precompiled_charsmap": ")";
const char* const kCharsmapJsonTail =
    R"("}, {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "}]},
"pre_tokenizer": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": true},
"post_processor": {"type": "RobertaProcessing", "sep": ["</s>", 2], "cls": ["<s>", 1]},
"model": {"type": "Unigram", "unk_id": 0, "byte_fallback": false, "vocab": [["<unk>", 0.0], ["<s>", 0.0],
["</s>", 0.0], ["▁", -2.0], ["a", -3.0], ["b", -3.0], ["e", -3.0], ["f", -3.5], ["i", -3.5], ["fi", -2.5],
["▁a", -2.0], ["ab", -2.5], ["é", -4.0], ["-", -4.0]]}})";

std::string base64(std::string_view bytes) {
  static const char* abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t v = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    for (int s : {18, 12, 6, 0}) out += abc[(v >> s) & 63];
  }
  if (i + 1 == bytes.size()) {
    const uint32_t v = uint8_t(bytes[i]) << 16;
    out += abc[(v >> 18) & 63], out += abc[(v >> 12) & 63], out += "==";
  } else if (i + 2 == bytes.size()) {
    const uint32_t v = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8);
    out += abc[(v >> 18) & 63], out += abc[(v >> 12) & 63], out += abc[(v >> 6) & 63], out += '=';
  }
  return out;
}

// A bundle directory whose files are fixed content or links to fixture files.
class Bundle {
 public:
  Bundle(const fs::path& dir) : dir_(dir) { fs::create_directories(dir); }
  void text(const std::string& name, std::string content) {
    files_[name] = {false, std::move(content)};
    restore(name);
  }
  void link(const std::string& name, const fs::path& target) {
    files_[name] = {true, fs::absolute(target).string()};
    restore(name);
  }
  // Puts back what the bundle has under name (or nothing).
  void restore(const std::string& name) {
    std::error_code ec;
    fs::remove(dir_ / name, ec);
    auto it = files_.find(name);
    if (it == files_.end()) return;
    if (it->second.first) {
      fs::create_symlink(it->second.second, dir_ / name);
    } else {
      fuzz::write_file(dir_ / name, it->second.second);
    }
  }
  const fs::path& dir() const { return dir_; }

 private:
  fs::path dir_;
  std::map<std::string, std::pair<bool, std::string>> files_;  // link?, content or target
};

struct Bundles {
  fuzz::ScratchDir scratch{"fuzz-bundle"};
  Bundle wordpiece{scratch.path() / "wordpiece"};
  Bundle bpe{scratch.path() / "bpe"};
  Bundle json{scratch.path() / "json"};
  Bundle spm{scratch.path() / "spm"};
  Bundles() {
    fuzz::quiet();
    std::string vocab;
    for (const char* t : kWordPieceVocab) vocab += std::string(t) + "\n";
    wordpiece.text("vocab.txt", vocab);
    wordpiece.text("config.json", kBertConfig);
    wordpiece.text("tokenizer_config.json", kBertTokenizerConfig);
    const fs::path roberta = fuzz::data_dir() / "tokenizers" / "roberta";
    for (const char* f : {"vocab.json", "merges.txt", "config.json", "tokenizer_config.json"}) {
      bpe.link(f, roberta / f);
    }
    json.text("config.json", kBertConfig);
    const fs::path spm_bpe = fuzz::data_dir() / "tokenizers" / "spm-bpe";
    spm.link("config.json", spm_bpe / "config.json");
    spm.link("tokenizer_config.json", spm_bpe / "tokenizer_config.json");
  }
};

struct Mode {
  Bundle Bundles::*bundle;
  const char* file;
};
const Mode kModes[] = {
    {&Bundles::wordpiece, "config.json"},  {&Bundles::wordpiece, "crossrank.json"},
    {&Bundles::wordpiece, "tokenizer_config.json"}, {&Bundles::bpe, "tokenizer_config.json"},
    {&Bundles::json, "tokenizer.json"},    {&Bundles::wordpiece, "vocab.txt"},
    {&Bundles::bpe, "vocab.json"},         {&Bundles::bpe, "merges.txt"},
    {&Bundles::spm, "sentencepiece.bpe.model"},
    {&Bundles::json, "tokenizer.json"},  // the charsmap mode (last)
};
constexpr size_t kModeCount = sizeof kModes / sizeof kModes[0];

const char* const kTexts[] = {
    "",
    "Hello, world! [SEP] </s> <s> <mask> [MASK] <unk>",
    "the quick brown fox's 123 \xC3\x80\xC3\x89 \xEF\xAC\x81 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80",
    "  a  b\t\te\n\nfi  ab\xC2\xAD-  ",
    "A B e\xCC\x81 \xC3\xA9 \xEF\xAC\x81 abab aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
};

// What a loaded tokenizer must do with any valid text.
void exercise(const Tokenizer& tokenizer, std::optional<size_t> max_length) {
  const size_t specials = tokenizer.pair_template().special_count();
  for (const char* text : kTexts) {
    const std::vector<int32_t> ids = tokenizer.encode(text);
    for (int32_t id : ids) {
      try {
        (void)tokenizer.id_to_token(id);
      } catch (const Error& e) {
        fuzz::fail(std::string("encode emitted an id that names no token: ") + e.what());
      }
    }
  }
  // A non-owning shared_ptr: PairEncoder shares its tokenizer.
  std::shared_ptr<const Tokenizer> shared(&tokenizer, [](const Tokenizer*) {});
  const size_t length = max_length && *max_length >= specials ? *max_length : specials + 8;
  const PairEncoder encoder(shared, length);
  const EncodedPair pair = encoder.encode(kTexts[2], kTexts[4]);
  FUZZ_CHECK(pair.input_ids.size() <= length, "a pair longer than max_length");
  FUZZ_CHECK(pair.input_ids.size() == pair.token_type_ids.size(), "ids and type ids differ in length");
  (void)format_tokens(pair, tokenizer, true);  // what `crossrank tokenize` prints
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Bundles bundles;
  fuzz::Input in(data, size);
  const size_t m = in.byte() % kModeCount;
  const Mode& mode = kModes[m];
  Bundle& bundle = bundles.*mode.bundle;
  if (m + 1 == kModeCount) {
    fuzz::write_file(bundle.dir() / mode.file,
                     std::string(kCharsmapJsonHead) + base64(in.rest()) + kCharsmapJsonTail);
  } else {
    fuzz::write_file(bundle.dir() / mode.file, in.rest());
  }

  std::optional<BundleConfig> config;
  fuzz::expected_errors([&] { config = load_bundle_config(bundle.dir()); });
  if (config) {
    FUZZ_CHECK(config->num_labels >= 1 && config->labels.size() == config->num_labels, "labels");
    FUZZ_CHECK(config->max_length <= config->position_limit, "max_length over the positions");
  }
  fuzz::expected_errors([&] {
    const auto tokenizer = load_tokenizer(bundle.dir());
    exercise(*tokenizer, config ? std::optional<size_t>(config->max_length) : std::nullopt);
  });
  if (config) {
    fuzz::expected_errors([&] { exercise(*load_tokenizer(bundle.dir(), config->model_type, config->tokenizer_config), config->max_length); });
  }
  bundle.restore(mode.file);
  return 0;
}
