#pragma once

#include <filesystem>
#include <memory>

#include "crossrank/tokenizer.hpp"
#include "loader_support.hpp"

// One loader per kind of tokenizer file; load_tokenizer (loader.cpp) picks among them.
namespace crossrank {

// tokenizer.json; throws Unsupported for a component crossrank does not implement.
std::unique_ptr<Tokenizer> load_tokenizer_json(const std::filesystem::path& file);

// vocab.txt: WordPiece as BertTokenizerFast builds it from tokenizer_config.json.
std::unique_ptr<Tokenizer> load_vocab_txt(const std::filesystem::path& dir, const Family& family);

// vocab.json + merges.txt: byte-level BPE as RobertaTokenizerFast builds it.
std::unique_ptr<Tokenizer> load_byte_bpe(const std::filesystem::path& dir, const Family& family);

// A SentencePiece .model, run by the sentencepiece library, ids laid out for the family.
std::unique_ptr<Tokenizer> load_sentencepiece(const std::filesystem::path& file, const Family& family);

}  // namespace crossrank
