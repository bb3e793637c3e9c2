#include "common/error.hpp"
#include "common/options.hpp"
#include "common/text.hpp"
#include "tests/support.hpp"

#include <doctest/doctest.h>

using namespace accsim;

namespace {

OptionRegistry small_registry() {
    OptionRegistry reg;
    reg.add("array.rows", OptType::integer, "8", "PEs", "rows of PEs").range(1, 1024);
    reg.add("array.clock_mhz", OptType::real, "200", "MHz", "clock").above(0);
    reg.add("array.dataflow", OptType::string, "os", "", "dataflow").one_of({"os", "ws", "is"});
    reg.add("array.depth", OptType::integer, "tensor", "", "depth")
        .one_of({"tensor", "optimized"})
        .at_least(1);
    reg.add("array.trace", OptType::boolean, "false", "", "trace");
    reg.add("array.layer.*.reuse", OptType::integer, "", "", "per-layer reuse").at_least(1);
    return reg;
}

std::string load_error(const std::string& ini, const std::vector<std::string>& sets = {}) {
    auto reg = small_registry();
    std::string path = test::temp_file(ini);
    try {
        load_config(reg, path, sets);
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

} // namespace

TEST_CASE("edit distance counts single-character edits") {
    CHECK(edit_distance("kitten", "sitting") == 3);
    CHECK(edit_distance("", "abc") == 3);
    CHECK(edit_distance("rows", "rows") == 0);
}

TEST_CASE("numbers are parsed whole, never truncated") {
    CHECK(parse_int("42") == 42);
    CHECK_FALSE(parse_int("42x"));
    CHECK_FALSE(parse_int("4.2"));
    CHECK_FALSE(parse_int(""));
    CHECK(parse_real("1e3") == 1000.0);
    CHECK_FALSE(parse_real("nan"));
    CHECK_FALSE(parse_real("3 MHz"));
}

TEST_CASE("a config's values, defaults and origins are resolved") {
    auto reg = small_registry();
    std::string path = test::temp_file("[array]\nrows = 16\n\n# comment\ndataflow = ws\n");
    Config cfg = load_config(reg, path, {"array.clock_mhz=250"});
    CHECK(cfg.get_int("array.rows") == 16);
    CHECK(cfg.at("array.rows").origin == path + ":2");
    CHECK(cfg.get_string("array.dataflow") == "ws");
    CHECK(cfg.at("array.dataflow").origin == path + ":5");
    CHECK(cfg.get_real("array.clock_mhz") == 250.0);
    CHECK(cfg.at("array.clock_mhz").origin == "--set");
    CHECK(cfg.at("array.trace").origin == "default");
    CHECK_FALSE(cfg.get_bool("array.trace"));
}

TEST_CASE("an unknown key is named with its line and the closest valid key") {
    std::string msg = load_error("[array]\nrows = 4\nrow = 8\n");
    CHECK(msg.find(":3:") != std::string::npos);
    CHECK(msg.find("unknown key 'array.row'") != std::string::npos);
    CHECK(msg.find("did you mean 'array.rows'") != std::string::npos);
}

TEST_CASE("an unknown section is named with the closest section") {
    std::string msg = load_error("[aray]\nrows = 4\n");
    CHECK(msg.find(":2:") != std::string::npos);
    CHECK(msg.find("unknown section [aray]") != std::string::npos);
    CHECK(msg.find("did you mean 'array'") != std::string::npos);
}

TEST_CASE("a value of the wrong type or out of range is refused with its key") {
    CHECK(load_error("[array]\nrows = many\n").find("array.rows: 'many' is not an integer") !=
          std::string::npos);
    CHECK(load_error("[array]\nrows = -3\n").find("array.rows: -3 is out of range [1, 1024]") !=
          std::string::npos);
    CHECK(load_error("[array]\nclock_mhz = 0\n").find("out of range > 0") != std::string::npos);
    CHECK(load_error("[array]\ndataflow = xs\n").find("'xs' is not one of os | ws | is") !=
          std::string::npos);
    CHECK(load_error("[array]\ntrace = maybe\n").find("not a boolean") != std::string::npos);
    CHECK(load_error("", {"array.rows=0"}).find("--set: array.rows: 0 is out of range") !=
          std::string::npos);
}

TEST_CASE("an option taking a word or a number accepts both and nothing else") {
    CHECK(load_error("[array]\ndepth = tensor\n").empty());
    CHECK(load_error("[array]\ndepth = 17\n").empty());
    CHECK(load_error("[array]\ndepth = 0\n").find("out of range") != std::string::npos);
    CHECK(load_error("[array]\ndepth = deep\n")
              .find("'deep' is not an integer or tensor | optimized") != std::string::npos);
}

TEST_CASE("wildcard keys exist once per name given") {
    auto reg = small_registry();
    std::string path =
        test::temp_file("[array.layer.conv1]\nreuse = 4\n[array.layer.fc]\nreuse = 2\n");
    Config cfg = load_config(reg, path);
    CHECK(cfg.instances("array.layer") == std::vector<std::string>{"conv1", "fc"});
    CHECK(cfg.get_int("array.layer.fc.reuse") == 2);
    CHECK_FALSE(cfg.has("array.layer.pool.reuse"));
}

TEST_CASE("malformed files are refused with their line") {
    CHECK(load_error("[array]\nrows 4\n").find(":2: expected 'key = value'") != std::string::npos);
    CHECK(load_error("rows = 4\n").find(":1: key 'rows' is outside any [section]") !=
          std::string::npos);
    CHECK(load_error("[array\nrows = 4\n").find(":1: malformed section header") !=
          std::string::npos);
    CHECK(load_error("[array]\nrows = 4\nrows = 5\n")
              .find(":3: key 'array.rows' is set twice (first at line 2)") != std::string::npos);
}

TEST_CASE("a missing config file is an input error naming the file") {
    auto reg = small_registry();
    try {
        load_config(reg, "/nonexistent/x.ini");
        FAIL("no error");
    } catch (const InputError& e) {
        CHECK(std::string(e.what()) == "/nonexistent/x.ini: cannot open file");
    }
}

TEST_CASE("a malformed --set is refused") {
    CHECK(load_error("", {"array.rows"}).find("expected SECTION.KEY=VALUE") != std::string::npos);
    CHECK(load_error("", {"array.rowz=3"}).find("did you mean 'array.rows'") != std::string::npos);
}

TEST_CASE("UTF-8 is checked as RFC 3629 defines it") {
    CHECK(accsim::valid_utf8("plain ascii"));
    CHECK(accsim::valid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80")); // é, €, an emoji
    CHECK_FALSE(accsim::valid_utf8("\xff"));                                // never a UTF-8 byte
    CHECK_FALSE(accsim::valid_utf8("\xc3"));                                // cut short
    CHECK_FALSE(accsim::valid_utf8("\xc3\x28"));         // a bad continuation byte
    CHECK_FALSE(accsim::valid_utf8("\xc0\xaf"));         // an overlong '/'
    CHECK_FALSE(accsim::valid_utf8("\xed\xa0\x80"));     // a UTF-16 surrogate
    CHECK_FALSE(accsim::valid_utf8("\xf4\x90\x80\x80")); // beyond U+10FFFF
}

TEST_CASE("printable keeps valid UTF-8 and replaces control bytes and broken sequences") {
    CHECK(accsim::printable("conv1") == "conv1");
    CHECK(accsim::printable("r\xc3\xa9seau") == "r\xc3\xa9seau"); // é stays
    CHECK(accsim::printable("a\nb\tc") == "a?b?c");
    CHECK(accsim::printable("x\xc3(y") == "x?(y"); // a lead byte without its continuation
    CHECK(accsim::printable("\xff") == "?");
}

TEST_CASE("a key matches a pattern component by component") {
    // "*" stands for one whole component; a trailing ".*" for the rest of the key.
    CHECK(key_matches_pattern("array.layer.*.reuse", "array.layer.conv1.reuse"));
    CHECK_FALSE(key_matches_pattern("array.layer.*.reuse", "array.layer.conv1.depth"));
    CHECK_FALSE(key_matches_pattern("array.layer.*.reuse", "array.layer.conv1"));
    CHECK_FALSE(key_matches_pattern("array.layer.*", "array.layers.conv1"));
    CHECK(key_matches_pattern("array.layer.*", "array.layer.conv1.reuse"));
    CHECK(key_matches_pattern("dram.*", "dram.preset"));
    CHECK_FALSE(key_matches_pattern("dram.*", "dramx.preset"));
    CHECK(key_matches_pattern("run.seed", "run.seed"));
    CHECK_FALSE(key_matches_pattern("run.seed", "run.seeds"));
    CHECK_FALSE(key_matches_pattern("run.seed", "run.seed.x"));
    CHECK_FALSE(key_matches_pattern("run.seed.x", "run.seed"));
    CHECK_FALSE(key_matches_pattern("a.*.b", "a.x.c"));
    CHECK(key_matches_pattern("*.b", "a.b"));
    CHECK_FALSE(key_matches_pattern("*.b", "b"));
    // An empty component is a component.
    CHECK(key_matches_pattern("a.*.b", "a..b"));
    CHECK_FALSE(key_matches_pattern("a.b", "a..b"));
}
