#include "sim/points.hpp"

#include "common/error.hpp"
#include "common/memory_budget.hpp"
#include "common/options.hpp"
#include "common/text.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fcntl.h>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <spawn.h>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace accsim {

std::string PointResult::error_line() const {
    std::istringstream s(err);
    std::string line, last;
    while (std::getline(s, line))
        if (!trim(line).empty()) last = line;
    if (last.empty()) last = fmt::format("exit code {}", exit_code);
    return last;
}

int spawn_with_output(const std::string& exe, const std::vector<std::string>& args,
                      const std::string& out_path, const std::string& err_path) {
    std::vector<std::string> all{exe};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out_path.c_str(), O_WRONLY | O_TRUNC, 0);
    posix_spawn_file_actions_addopen(&fa, 2, err_path.c_str(), O_WRONLY | O_TRUNC, 0);
    pid_t pid = 0;
    int rc = posix_spawn(&pid, exe.c_str(), &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) throw std::runtime_error(fmt::format("cannot start {}: error {}", exe, rc));
    return pid;
}

int exit_code_of(int wait_status) {
    return WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 128 + WTERMSIG(wait_status);
}

std::string self_exe() {
    char buf[4096];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) throw std::runtime_error("cannot find the accsim executable (/proc/self/exe)");
    buf[n] = '\0';
    return buf;
}

std::string shell_quote(const std::string& s) {
    if (!s.empty() &&
        s.find_first_not_of(
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.,/=:+") ==
            std::string::npos)
        return s;
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

Axis parse_axis(const std::string& text) {
    auto [key, values] = split_assignment(text, "--vary");
    auto list = split(values, ',');
    for (const auto& v : list)
        if (v.empty()) throw InputError(fmt::format("--vary '{}': empty value in the list", text));
    return {key, list};
}

std::vector<std::vector<std::string>> grid(const std::vector<Axis>& axes) {
    // Each point keeps its settings and, once run, its report in memory (budgeted at 64 KiB): a
    // grid that would take more than half of the machine's memory is refused before it is built.
    constexpr double point_bytes = 64 * 1024;
    double count = 1;
    for (const auto& [key, values] : axes) {
        count *= double(values.size());
        if (count * point_bytes > default_memory_limit())
            throw InputError(fmt::format("vary {}: the grid reaches {:.3g} points on this axis, "
                                         "about {:.0f} MiB of settings and reports, more than "
                                         "half of this machine's memory; split the sweep",
                                         key, count, count * point_bytes / 1048576.0));
    }
    std::vector<std::vector<std::string>> points{{}};
    for (const auto& [key, values] : axes) {
        std::vector<std::vector<std::string>> next;
        for (const auto& p : points)
            for (const auto& v : values) {
                auto q = p;
                q.push_back(key + "=" + v);
                next.push_back(std::move(q));
            }
        points = std::move(next);
    }
    return points;
}

namespace {

std::string slurp_and_remove(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    std::remove(path.c_str());
    return s.str();
}

std::string temp_name(const char* suffix) {
    std::string tmpl = std::string("/tmp/accsim-point-XXXXXX") + suffix;
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    int fd = mkstemps(buf.data(), int(std::string(suffix).size()));
    if (fd < 0) throw std::runtime_error("cannot create a temporary file in /tmp");
    close(fd);
    return buf.data();
}

// Points done of all, the time since the start, and the rest at the mean time per point so far.
void draw_progress(const std::string& label, std::size_t done, std::size_t total,
                   std::chrono::steady_clock::time_point start) {
    const int width = 30;
    int filled = total ? int(width * done / total) : width;
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const std::string eta =
        done ? fmt::format(", ETA {:.0f} s", elapsed / double(done) * double(total - done)) : "";
    fmt::print(stderr, "\r{} [{}{}] {}/{}, {:.0f} s{}   ", label, std::string(filled, '#'),
               std::string(width - filled, '.'), done, total, elapsed, eta);
    if (done == total) fmt::print(stderr, "\n");
    std::fflush(stderr);
}

} // namespace

std::vector<PointResult> run_points(const std::vector<std::vector<std::string>>& argvs, int jobs,
                                    const std::string& label) {
    if (jobs <= 0) jobs = int(std::max(1u, std::thread::hardware_concurrency()));
    const std::string exe = self_exe();
    const bool progress = isatty(2); // nothing when stderr is a file or a pipe
    const auto start = std::chrono::steady_clock::now();
    std::vector<PointResult> results(argvs.size());
    struct Running {
        std::size_t index;
        std::string out_path, err_path;
    };
    std::map<pid_t, Running> running;
    std::size_t next = 0, done = 0;
    if (progress && !argvs.empty()) draw_progress(label, 0, argvs.size(), start);

    while (done < argvs.size()) {
        while (next < argvs.size() && int(running.size()) < jobs) {
            Running r{next, temp_name(".out"), temp_name(".err")};
            const pid_t pid = spawn_with_output(exe, argvs[next], r.out_path, r.err_path);
            running[pid] = std::move(r);
            ++next;
        }
        int status = 0;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0) throw std::runtime_error("waitpid failed");
        auto it = running.find(pid);
        if (it == running.end()) continue;
        PointResult& res = results[it->second.index];
        res.exit_code = exit_code_of(status);
        res.out = slurp_and_remove(it->second.out_path);
        res.err = slurp_and_remove(it->second.err_path);
        if (res.exit_code == 0) {
            try {
                res.report = ojson::parse(res.out);
            } catch (const std::exception& e) {
                res.exit_code = exit_other;
                res.err += fmt::format("\nthe point's output is not JSON: {}", e.what());
            }
        }
        running.erase(it);
        ++done;
        if (progress) draw_progress(label, done, argvs.size(), start);
    }
    return results;
}

} // namespace accsim
