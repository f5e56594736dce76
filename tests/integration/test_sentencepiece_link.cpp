// The trap third_party/ exists for: Debian's libsentencepiece0 crashes any process that
// also loads libtorch (protobuf symbols). Our static build must share a process with it.
#include <catch2/catch.hpp>

#include <sentencepiece_processor.h>

#include "crossrank/model.hpp"
#include "support.hpp"

TEST_CASE("sentencepiece and libtorch live in one process", "[model]") {
  sentencepiece::SentencePieceProcessor spm;
  const auto status = spm.Load("/nonexistent/spiece.model");
  CHECK_FALSE(status.ok());
  auto model = crossrank::load_torchscript_model(
      crossrank::test::data_dir() / "models" / "tiny-bert" / "model.pt", {crossrank::parse_device("cpu"), crossrank::Dtype::fp32, 1, {}});
  CHECK(model->input_names().size() == 3);
}
