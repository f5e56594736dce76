#include "model_families.hpp"

namespace crossrank {

ModelFamily model_family(std::string_view model_type) {
  struct Entry {
    std::string_view model_type;
    ModelFamily family;
  };
  static constexpr Entry kFamilies[] = {
      {"roberta", {TemplateStyle::roberta, true}},
      {"xlm-roberta", {TemplateStyle::roberta, true}},
      {"xlm-roberta-xl", {TemplateStyle::roberta, true}},
      {"camembert", {TemplateStyle::roberta, true}},
      {"mpnet", {TemplateStyle::roberta, true}},
      {"longformer", {TemplateStyle::roberta, true}},
      // BART's learned positions are offset by 2 inside a table 2 rows longer than
      // max_position_embeddings: every declared position is reachable.
      {"bart", {TemplateStyle::roberta, false}},
  };
  for (const Entry& e : kFamilies) {
    if (e.model_type == model_type) return e.family;
  }
  return ModelFamily{};
}

}  // namespace crossrank
