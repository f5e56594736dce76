// OpenBLAS kernel choice (cpu.hpp) over CPUs other than the one running the tests.
#include <catch2/catch.hpp>

#include "crossrank/cpu.hpp"

using crossrank::BlasChoice;
using crossrank::choose_openblas_core;
using crossrank::CpuFeatures;

namespace {

const CpuFeatures kSse{};
const CpuFeatures kSandyBridge{true, false, false, false, false};
const CpuFeatures kZen3{true, true, true, false, false};             // AVX2, no AVX-512
const CpuFeatures kSkylakeX{true, true, true, true, false};          // AVX-512 without BF16
const CpuFeatures kZen4{true, true, true, true, true};               // AVX-512 with BF16 (also Cooper/Sapphire Rapids)

}  // namespace

TEST_CASE("the best core follows the CPU's instructions", "[cpu]") {
  CHECK(crossrank::best_openblas_core(kSse).empty());
  CHECK(crossrank::best_openblas_core(kSandyBridge) == "Sandybridge");
  CHECK(crossrank::best_openblas_core(kZen3) == "Haswell");
  CHECK(crossrank::best_openblas_core(kSkylakeX) == "SkylakeX");
  CHECK(crossrank::best_openblas_core(kZen4) == "Cooperlake");
  CHECK(crossrank::openblas_core_level("ZEN") == 2);  // names as OPENBLAS_CORETYPE takes them: any case
  CHECK_FALSE(crossrank::openblas_core_level("Armv8").has_value());
}

TEST_CASE("OpenBLAS's own choice is kept unless the CPU runs faster kernels", "[cpu]") {
  // What OpenBLAS 0.3.21 picks on CPUs it knows: kept.
  CHECK(choose_openblas_core(kZen4, "Cooperlake", std::nullopt).set_core.empty());
  CHECK(choose_openblas_core(kZen3, "Zen", std::nullopt).set_core.empty());
  CHECK(choose_openblas_core(kSkylakeX, "SkylakeX", std::nullopt).set_core.empty());
  // A CPU it does not know (Intel family 6 model 207): generic kernels, replaced.
  CHECK(choose_openblas_core(kZen4, "Prescott", std::nullopt).set_core == "Cooperlake");
  CHECK(choose_openblas_core(kSkylakeX, "Nehalem", std::nullopt).set_core == "SkylakeX");
  CHECK(choose_openblas_core(kZen3, "Sandybridge", std::nullopt).set_core == "Haswell");
  // Nothing to gain, or a core crossrank does not know: left alone.
  CHECK(choose_openblas_core(kSse, "Prescott", std::nullopt).set_core.empty());
  CHECK(choose_openblas_core(kZen4, "NewCore", std::nullopt).set_core.empty());
  const BlasChoice quiet = choose_openblas_core(kZen4, "Prescott", std::nullopt);
  CHECK(quiet.warning.empty());
}

TEST_CASE("a user's OPENBLAS_CORETYPE is respected, and a slower one is named", "[cpu]") {
  const BlasChoice slower = choose_openblas_core(kZen4, "Haswell", std::string("Haswell"));
  CHECK(slower.set_core.empty());
  CHECK_THAT(slower.warning, Catch::Contains("OPENBLAS_CORETYPE=Haswell") && Catch::Contains("Cooperlake"));
  // A pin as fast as the CPU's best, or faster than the CPU runs (the user's risk): no word.
  CHECK(choose_openblas_core(kZen4, "SkylakeX", std::string("Cooperlake")).warning.empty());
  CHECK(choose_openblas_core(kZen3, "SkylakeX", std::string("SkylakeX")).warning.empty());
  // Zen is OpenBLAS's AVX2 core: as fast as Haswell on a Zen 3.
  CHECK(choose_openblas_core(kZen3, "Zen", std::string("Zen")).warning.empty());
  CHECK(choose_openblas_core(kSkylakeX, "Prescott", std::string("prescott")).set_core.empty());
  CHECK_FALSE(choose_openblas_core(kSkylakeX, "Prescott", std::string("prescott")).warning.empty());
}

TEST_CASE("this machine's sgemm agrees with a plain loop", "[cpu]") {
  CHECK(crossrank::sgemm_agrees_with_loop());
}
