#include <catch2/catch.hpp>

#include "crossrank/error.hpp"
#include "crossrank/output.hpp"
#include "crossrank/requests.hpp"

using crossrank::InputError;
using crossrank::Json;

TEST_CASE("rerank requests: list aliases, ids, plain strings", "[requests]") {
  for (const char* key : {"docs", "documents", "candidates", "passages", "texts"}) {
    const std::string line = std::string(R"({"qid":"q","query":"x",")") + key +
                             R"(":[{"docid":"d9","text":"a"},"b",{"pid":7,"contents":"c"},{"text":"d"}]})";
    auto r = crossrank::parse_rerank_request(line);
    CHECK(r.query == "x");
    REQUIRE(r.docs.size() == 4);
    CHECK(r.docs[0].id == "d9");
    CHECK(r.docs[1].id == 1);
    CHECK(r.docs[1].text == "b");
    CHECK(r.docs[2].id == 7);
    CHECK(r.docs[2].text == "c");
    CHECK(r.docs[3].id == 3);
    CHECK_FALSE(r.record.contains(key));
  }
}

TEST_CASE("rerank requests: errors name the field", "[requests]") {
  auto error_of = [](const std::string& line) {
    try {
      crossrank::parse_rerank_request(line);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK_THAT(error_of("{"), Catch::Contains("not valid JSON"));
  CHECK_THAT(error_of("[1]"), Catch::Contains("expected a JSON object"));
  CHECK_THAT(error_of(R"({"docs":[]})"), Catch::Contains("\"query\""));
  CHECK_THAT(error_of(R"({"query":1,"docs":[]})"), Catch::Contains("must be a string"));
  CHECK_THAT(error_of(R"({"query":"q"})"), Catch::Contains("missing field \"docs\""));
  CHECK_THAT(error_of(R"({"query":"q","docs":"a"})"), Catch::Contains("must be an array"));
  CHECK_THAT(error_of(R"({"query":"q","docs":[],"texts":[]})"), Catch::Contains("both"));
  CHECK_THAT(error_of(R"({"query":"q","docs":[3]})"), Catch::Contains("\"docs\"[0]"));
  CHECK_THAT(error_of(R"({"query":"q","docs":[{"id":1}]})"), Catch::Contains("\"text\""));
  CHECK_THAT(error_of(R"({"query":"q","docs":[{"id":[1],"text":"a"}]})"), Catch::Contains("\"id\""));
  CHECK_THAT(error_of("{\"query\":\"\xff\",\"docs\":[]}"), Catch::Contains("not valid JSON"));
  CHECK_THAT(error_of(R"({"query":"\ud800","docs":[]})"), Catch::Contains("not valid JSON"));
}

TEST_CASE("pair requests: every form", "[requests]") {
  CHECK(crossrank::parse_pair_request(R"({"text_a":"a","text_b":"b"})").second == "b");
  CHECK(crossrank::parse_pair_request(R"({"query":"a","text":"b"})").first == "a");
  CHECK(crossrank::parse_pair_request(R"({"query":"a","document":"b"})").second == "b");
  CHECK(crossrank::parse_pair_request(R"({"sentence1":"a","sentence2":"b","label":3.2})").second == "b");
  auto arr = crossrank::parse_pair_request(R"(["a","b"])");
  CHECK(arr.record.is_null());
  float s = 0.5f;
  CHECK(crossrank::format_score(arr, &s, 1) == R"({"score":0.5})");
  CHECK_THROWS_AS(crossrank::parse_pair_request(R"(["a"])"), InputError);
  CHECK_THROWS_AS(crossrank::parse_pair_request(R"({"text_a":"a"})"), InputError);
  CHECK_THROWS_AS(crossrank::parse_pair_request(R"({"query":"a","text":"b","document":"c"})"), InputError);
  CHECK_THROWS_AS(crossrank::parse_pair_request(R"({"text_a":"a","text_b":null})"), InputError);
}

TEST_CASE("ranking is stable and cut to top k", "[requests]") {
  const auto ranked = crossrank::rank({0.5f, 0.9f, 0.5f, 0.1f, 0.9f}, 4);
  REQUIRE(ranked.size() == 4);
  CHECK(ranked[0].index == 1);
  CHECK(ranked[1].index == 4);
  CHECK(ranked[2].index == 0);
  CHECK(ranked[3].index == 2);
  CHECK(crossrank::rank({}, 3).empty());
}

TEST_CASE("output keeps the user's fields and order", "[requests]") {
  auto r = crossrank::parse_rerank_request(R"({"z":1,"query":"q","docs":["a","b"],"a":{"k":[1]}})");
  const std::vector<crossrank::RankedDoc> ranked = {{1, 0.75f}, {0, 0.25f}};
  CHECK(crossrank::format_rerank(r, ranked, true) ==
        R"({"z":1,"query":"q","a":{"k":[1]},"results":[{"id":1,"index":1,"score":0.75,"text":"b"},{"id":0,"index":0,"score":0.25,"text":"a"}]})");
}

TEST_CASE("scores print as the shortest float32 decimal", "[requests]") {
  CHECK(crossrank::score_json(0.1f).dump() == "0.1");
  CHECK(crossrank::score_json(0.97149819f).dump() == "0.9714982");
  CHECK(crossrank::score_json(-3.0f).dump() == "-3.0");
}

TEST_CASE("each output format's reader reads what its writer wrote", "[requests]") {
  auto r = crossrank::parse_rerank_request(
      R"({"qid":"what is x","query":"q","docs":[{"id":"a","text":"1","label":2},{"id":7,"text":"2"},{"id":"c","text":"3"}]})");
  const std::vector<crossrank::RankedDoc> ranked = {{2, 0.75f}, {0, 0.5f}};  // cut: 2 of 3
  const auto line = crossrank::parse_json_line(crossrank::format_rerank(r, ranked, false));
  const auto written = crossrank::read_rerank_output(line);
  CHECK(written.qid == "what is x");
  CHECK(written.num_docs == std::optional<size_t>(3));
  REQUIRE(written.results.size() == 2);
  CHECK(written.results[0].index == 2);
  CHECK(written.results[0].score == 0.75);
  CHECK(written.results[0].id == "c");
  CHECK(written.results[1].label == 2);
  CHECK_THROWS_WITH(crossrank::read_rerank_output(Json::parse(R"({"results":[{"index":0,"score":1},{"index":0,"score":2}]})")),
                    Catch::Contains("\"results\"[1]: \"index\" 0 is out of range or repeated"));
  // A num_docs near 2^64 sizes nothing: the index is in range, and eval refuses the cut list.
  const auto huge = crossrank::read_rerank_output(
      Json::parse(R"({"num_docs":18446744073709551615,"results":[{"index":123456789,"score":1}]})"));
  CHECK(huge.results.at(0).index == 123456789);

  // A qid with spaces is one column of TSV (tabs only), not of TREC (which refuses it).
  using crossrank::OutputFormat;
  const std::string tsv = crossrank::format_rerank_tsv(r, ranked);
  CHECK(crossrank::written_qid(tsv.substr(0, tsv.find('\n')), OutputFormat::tsv) == std::optional<std::string>("what is x"));
  CHECK_THROWS_AS(crossrank::format_rerank_trec(r, ranked, "t"), InputError);
  r.record["qid"] = 12;
  const std::string trec = crossrank::format_rerank_trec(r, ranked, "t");
  CHECK(trec == "12 Q0 c 1 0.75 t\n12 Q0 a 2 0.5 t");
  CHECK(crossrank::written_qid(trec, OutputFormat::trec) == std::optional<std::string>("12"));
  CHECK(crossrank::written_qid(R"({"qid":12,"results":[]})", OutputFormat::jsonl) == std::optional<std::string>("12"));
  CHECK_FALSE(crossrank::written_qid(R"({"results":[]})", OutputFormat::jsonl));

  const Json scored = Json::parse(R"({"text_a":"x","scores":[0.5,0.25]})");
  const auto scores = crossrank::read_score_output(scored);
  CHECK(scores.score == nullptr);
  REQUIRE(scores.scores != nullptr);
  CHECK(scores.scores->size() == 2);
  CHECK_THROWS_WITH(crossrank::read_score_output(Json::parse(R"({"text_a":"x"})")), Catch::Contains("\"score\""));
}
