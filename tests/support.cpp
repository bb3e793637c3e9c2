#include "tests/support.hpp"

#include "common/error.hpp"
#include "sim/points.hpp"
#include "workloads/graph.hpp"

#include <cstdio>
#include <cstdlib>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace accsim::test {

namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// Every temporary path a test made, and every path a test derived from one by appending to its
// name ("P.d", "P-out"): the names are unique, so whatever in /tmp begins with one is the test's.
struct TempFiles {
    std::vector<std::string> paths;
    ~TempFiles() {
        std::error_code ec;
        std::vector<std::filesystem::path> doomed;
        for (const auto& e : std::filesystem::directory_iterator("/tmp", ec)) {
            const std::string name = e.path().string();
            for (const auto& p : paths)
                if (name.compare(0, p.size(), p) == 0) {
                    doomed.push_back(e.path());
                    break;
                }
        }
        for (const auto& d : doomed) std::filesystem::remove_all(d, ec);
    }
};
TempFiles temps;

} // namespace

nlohmann::json CommandResult::json() const {
    try {
        return nlohmann::json::parse(out);
    } catch (const std::exception& e) {
        FAIL("stdout is not JSON: " << e.what() << "\nstdout:\n" << out << "\nstderr:\n" << err);
    }
    return {};
}

std::string input_error(const std::function<void()>& f) {
    try {
        f();
    } catch (const InputError& e) {
        return e.what();
    }
    FAIL("expected an InputError");
    return "";
}

std::string source_path(const std::string& relative) {
    return std::string(ACCSIM_SOURCE_DIR) + "/" + relative;
}

std::string temp_path(const std::string& suffix) {
    std::string tmpl = "/tmp/accsim-test-XXXXXX" + suffix;
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    int fd = mkstemps(buf.data(), int(suffix.size()));
    REQUIRE(fd >= 0);
    close(fd);
    temps.paths.emplace_back(buf.data());
    return temps.paths.back();
}

std::string temp_dir() {
    std::string tmpl = "/tmp/accsim-test-XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    REQUIRE(mkdtemp(buf.data()) != nullptr);
    temps.paths.emplace_back(buf.data());
    return temps.paths.back();
}

std::string slurp_file(const std::string& path) {
    return slurp(path);
}

std::string temp_file(const std::string& text, const std::string& suffix) {
    std::string p = temp_path(suffix);
    std::ofstream(p) << text;
    return p;
}

CommandResult run_accsim(const std::vector<std::string>& args) {
    std::string out_path = temp_path(".out"), err_path = temp_path(".err");
    pid_t pid = 0;
    REQUIRE_NOTHROW(pid = spawn_with_output(ACCSIM_BIN, args, out_path, err_path));
    int status = 0;
    waitpid(pid, &status, 0);
    CommandResult r;
    r.exit_code = exit_code_of(status);
    r.out = slurp(out_path);
    r.err = slurp(err_path);
    return r;
}

const nlohmann::json& report_layer(const nlohmann::json& report, const std::string& name) {
    for (const auto& l : report["layers"])
        if (l["name"] == name) return l;
    FAIL("no layer " << name);
    static const nlohmann::json none;
    return none;
}

void check_same_layers(const Graph& a, const Graph& b) {
    CHECK(a.input == b.input);
    REQUIRE(a.layers.size() == b.layers.size());
    for (std::size_t i = 0; i < a.layers.size(); ++i) {
        const Layer &x = a.layers[i], &y = b.layers[i];
        CAPTURE(y.name);
        CHECK(x.name == y.name);
        CHECK(x.op == y.op);
        CHECK(x.inputs == y.inputs);
        CHECK(x.in == y.in);
        CHECK(x.out == y.out);
        CHECK(x.kernel_h == y.kernel_h);
        CHECK(x.kernel_w == y.kernel_w);
        CHECK(x.stride == y.stride);
        CHECK(x.groups == y.groups);
        CHECK(x.padding == y.padding);
        for (int k = 0; k < 4; ++k) CHECK(x.pads[k] == y.pads[k]);
        CHECK(x.pool == y.pool);
        CHECK(x.activation == y.activation);
        CHECK(x.weight_bits == y.weight_bits);
        CHECK(x.act_bits == y.act_bits);
        CHECK(x.weight_density == y.weight_density); // exact: written as round-trip text
        CHECK(x.act_density == y.act_density);
        CHECK(x.skip_path == y.skip_path);
    }
}

} // namespace accsim::test
