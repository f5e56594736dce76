#pragma once

#include <string_view>

// What crossrank knows of each config.json "model_type", in one table (model_families.cpp).
namespace crossrank {

// How a family joins a pair when no tokenizer.json post-processor says.
enum class TemplateStyle {
  bert,     // [CLS] A [SEP] B [SEP], type ids 0 then 1
  roberta,  // <s> A </s></s> B </s>, type ids all 0
};

struct ModelFamily {
  TemplateStyle pair_template = TemplateStyle::bert;
  // Position ids start after the padding index (transformers'
  // create_position_ids_from_input_ids), so max_position_embeddings holds two positions no
  // token reaches.
  bool positions_after_padding = false;
};

// The family of model_type; BERT's for a type not in the table (BERT, ELECTRA, DeBERTa,
// ModernBERT, the LLM rerankers, which all bring a tokenizer.json).
ModelFamily model_family(std::string_view model_type);

}  // namespace crossrank
