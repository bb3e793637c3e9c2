#include "sim/points.hpp"

#include "common/error.hpp"
#include "common/files.hpp"
#include "common/memory_budget.hpp"
#include "common/options.hpp"
#include "common/text.hpp"

#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <spawn.h>
#include <sstream>
#include <string_view>
#include <sys/mman.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <utility>

extern char** environ;

namespace accsim {

namespace {

// The text of the value of top-level key `key` in the JSON object `text` (an empty view when it has
// none): a scan of nesting depth and strings only, so that one small part of a large report can be
// parsed on its own.
std::string_view top_level_value(std::string_view text, std::string_view key) {
    int depth = 0;
    std::size_t value_start = std::string_view::npos;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '"') {
            const std::size_t begin = ++i;
            while (i < text.size() && text[i] != '"') i += text[i] == '\\' ? 2 : 1;
            if (depth != 1 || value_start != std::string_view::npos) continue;
            if (text.substr(begin, i - begin) != key) continue;
            std::size_t j = i + 1;
            while (j < text.size() &&
                   (text[j] == ' ' || text[j] == '\n' || text[j] == '\t' || text[j] == '\r'))
                ++j;
            if (j < text.size() && text[j] == ':') value_start = j + 1;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ']') {
            if (--depth == 1 && value_start != std::string_view::npos)
                return text.substr(value_start, i + 1 - value_start);
        }
    }
    return {};
}

} // namespace

const ojson& PointResult::report() const {
    if (!parsed_) {
        if (exit_code != 0) {
            parsed_ = std::make_shared<const ojson>();
        } else {
            try {
                parsed_ = std::make_shared<const ojson>(ojson::parse(out));
            } catch (const std::exception& e) {
                throw std::runtime_error(fmt::format("a point's output is not JSON: {}", e.what()));
            }
        }
    }
    return *parsed_;
}

ojson PointResult::summary() const {
    if (exit_code != 0) return ojson();
    if (!parsed_) {
        const std::string_view text = top_level_value(out, "summary");
        if (!text.empty()) {
            try {
                return ojson::parse(text);
            } catch (const std::exception&) {
                // Not what the scan took it for: parse the whole report below.
            }
        }
    }
    const ojson& r = report();
    return r.contains("summary") ? r["summary"] : ojson();
}

void PointResult::set_report(ojson report) {
    parsed_ = std::make_shared<const ojson>(std::move(report));
}

std::string PointResult::error_line() const {
    std::istringstream s(err);
    std::string line, last;
    while (std::getline(s, line))
        if (!trim(line).empty()) last = line;
    if (last.empty()) last = fmt::format("exit code {}", exit_code);
    return last;
}

int spawn_with_output(const std::string& exe, const std::vector<std::string>& args, int out_fd,
                      int err_fd) {
    std::vector<std::string> all{exe};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
    posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
    // The parent blocks SIGCHLD, SIGINT and SIGTERM while it runs points; the child starts with
    // none blocked and their default actions.
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    for (int sig : {SIGCHLD, SIGINT, SIGTERM}) sigaddset(&defaults, sig);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    pid_t pid = 0;
    int rc = posix_spawn(&pid, exe.c_str(), &fa, &attr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) throw std::runtime_error(fmt::format("cannot start {}: error {}", exe, rc));
    return pid;
}

int spawn_with_output(const std::string& exe, const std::vector<std::string>& args,
                      const std::string& out_path, const std::string& err_path) {
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0 || err < 0) {
        if (out >= 0) close(out);
        if (err >= 0) close(err);
        throw std::runtime_error(
            fmt::format("cannot open {} and {} for a child's output", out_path, err_path));
    }
    try {
        const int pid = spawn_with_output(exe, args, out, err);
        close(out);
        close(err);
        return pid;
    } catch (...) {
        close(out);
        close(err);
        throw;
    }
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

// A child's stdout or stderr, held in memory (an anonymous file: no temporary file to create,
// truncate or remove, and nothing left behind when the sweep is stopped).
class Capture {
public:
    Capture() : fd_(memfd_create("accsim-point", MFD_CLOEXEC)) {
        if (fd_ < 0)
            throw std::runtime_error("cannot create an in-memory file for a point's output");
    }
    Capture(Capture&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    Capture& operator=(Capture&& o) noexcept {
        std::swap(fd_, o.fd_);
        return *this;
    }
    Capture(const Capture&) = delete;
    Capture& operator=(const Capture&) = delete;
    ~Capture() {
        if (fd_ >= 0) close(fd_);
    }
    int fd() const { return fd_; }
    // Everything the child wrote.
    std::string text() const {
        std::string s;
        char buf[65536];
        for (off_t at = 0;;) {
            const ssize_t n = pread(fd_, buf, sizeof buf, at);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            s.append(buf, std::size_t(n));
            at += n;
        }
        return s;
    }

private:
    int fd_ = -1;
};

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

namespace {

// Blocks SIGCHLD, SIGINT and SIGTERM for its lifetime, so that run_points waits for them with
// sigtimedwait instead of being interrupted.
class BlockedSignals {
public:
    BlockedSignals() {
        sigemptyset(&set_);
        for (int sig : {SIGCHLD, SIGINT, SIGTERM}) sigaddset(&set_, sig);
        pthread_sigmask(SIG_BLOCK, &set_, &old_);
    }
    ~BlockedSignals() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }
    const sigset_t& set() const { return set_; }

private:
    sigset_t set_, old_;
};

PointResult parse_result(int exit_code, std::string out, std::string err) {
    PointResult res;
    res.exit_code = exit_code;
    res.out = std::move(out);
    res.err = std::move(err);
    // The report is parsed when it is first needed; a point that exits 0 without a JSON object on
    // stdout fails here.
    if (res.exit_code == 0) {
        const std::string t = trim(res.out);
        if (t.empty() || t.front() != '{' || t.back() != '}') {
            res.exit_code = exit_other;
            res.err += "\nthe point's output is not a JSON report";
        }
    }
    return res;
}

} // namespace

std::string point_result_name(std::size_t index) {
    return fmt::format("point-{:06d}.json", index + 1);
}

void write_point_result(const std::string& path, const std::vector<std::string>& args,
                        const PointResult& r) {
    ojson j;
    j["args"] = args;
    j["exit_code"] = r.exit_code;
    if (r.exit_code == 0)
        j["report"] = r.report();
    else
        j["error"] = r.error_line();
    const std::string tmp = fmt::format("{}.{}.tmp", path, getpid());
    {
        std::ofstream out(tmp);
        if (!out) throw InputError(fmt::format("{}: cannot write the point's result", path));
        out << j.dump() << '\n';
        check_written(out, path);
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        std::remove(tmp.c_str());
        throw std::runtime_error(fmt::format("{}: cannot write the point's result", path));
    }
}

std::optional<PointResult> read_point_result(const std::string& path,
                                             const std::vector<std::string>& args) {
    std::ifstream in(path);
    if (!in) return std::nullopt;
    ojson j;
    try {
        j = ojson::parse(in);
    } catch (const std::exception& e) {
        throw InputError(fmt::format("{}: not a point result: {}", path, e.what()));
    }
    if (!j.is_object() || !j.contains("args") || !j.contains("exit_code") ||
        !j["exit_code"].is_number_integer() ||
        (j["exit_code"] == 0 ? !j.contains("report") : !j.contains("error")))
        throw InputError(fmt::format("{}: not a point result (args, exit_code and report or "
                                     "error)",
                                     path));
    if (j["args"] != ojson(args)) return std::nullopt; // another point's, or an older sweep's
    PointResult r;
    r.exit_code = j["exit_code"].get<int>();
    if (r.exit_code == 0)
        r.set_report(j["report"]);
    else
        r.err = j["error"].is_string() ? j["error"].get<std::string>() : j["error"].dump();
    return r;
}

std::vector<PointResult> run_points(const std::vector<std::vector<std::string>>& argvs,
                                    const PointRunOptions& o) {
    int jobs = o.jobs;
    if (jobs <= 0) jobs = int(std::max(1u, std::thread::hardware_concurrency()));
    if (o.resume && o.results_dir.empty())
        throw InputError("--resume needs the folder of the earlier results (--results DIR)");
    const std::string exe = self_exe();
    const bool progress = isatty(2) && !o.label.empty(); // nothing when stderr is a file or pipe
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    std::vector<PointResult> results(argvs.size());
    struct Running {
        std::size_t index;
        Capture out, err;
        Clock::time_point started;
        bool timed_out = false;
    };
    std::map<pid_t, Running> running;
    std::size_t next = 0, done = 0;
    BlockedSignals blocked;
    auto result_path = [&](std::size_t i) {
        return (std::filesystem::path(o.results_dir) / point_result_name(i)).string();
    };
    auto finished = [&] {
        ++done;
        if (progress) draw_progress(o.label, done, argvs.size(), start);
    };
    // Stops every child and leaves.
    auto stop_all = [&](int sig) {
        for (auto& [pid, r] : running) kill(pid, SIGTERM);
        for (auto& [pid, r] : running) {
            int status = 0;
            waitpid(pid, &status, 0);
        }
        if (progress) fmt::print(stderr, "\n");
        throw Interrupted{sig};
    };
    if (progress && !argvs.empty()) draw_progress(o.label, 0, argvs.size(), start);

    // Starts points until `jobs` run (reading the ones --resume finds done).
    auto start_points = [&] {
        while (next < argvs.size() && int(running.size()) < jobs) {
            const std::size_t i = next++;
            if (o.resume) {
                if (auto r = read_point_result(result_path(i), argvs[i])) {
                    results[i] = std::move(*r);
                    finished();
                    continue;
                }
            }
            Running r{i, Capture(), Capture(), Clock::now()};
            const pid_t pid = spawn_with_output(exe, argvs[i], r.out.fd(), r.err.fd());
            running[pid] = std::move(r);
        }
    };
    while (done < argvs.size()) {
        start_points();
        if (running.empty()) continue;
        // Reap every child that has ended; start their successors before reading their output,
        // so that the cores work while this process parses reports.
        std::vector<std::pair<Running, int>> ended; // and its exit status
        for (;;) {
            int status = 0;
            const pid_t pid = waitpid(-1, &status, WNOHANG);
            if (pid <= 0) break;
            auto it = running.find(pid);
            if (it == running.end()) continue;
            ended.emplace_back(std::move(it->second), status);
            running.erase(it);
        }
        if (!ended.empty()) start_points();
        for (auto& [r, status] : ended) {
            PointResult& res = results[r.index];
            res = parse_result(exit_code_of(status), r.out.text(), r.err.text());
            if (r.timed_out) {
                res.exit_code = exit_other;
                res.set_report(ojson());
                res.err = fmt::format("the point ran longer than --point-timeout {} s and was "
                                      "stopped",
                                      o.point_timeout_s);
            }
            if (!o.results_dir.empty())
                write_point_result(result_path(r.index), argvs[r.index], res);
            finished();
        }
        if (done == argvs.size()) break;
        if (next < argvs.size() && int(running.size()) < jobs) continue;
        // Wait for a child to end, a signal to stop, or the next point's time limit.
        auto wait_for = std::chrono::duration<double>(3600);
        if (o.point_timeout_s > 0) {
            const auto now = Clock::now();
            for (auto& [pid, r] : running) {
                if (r.timed_out) continue;
                const std::chrono::duration<double> left =
                    r.started + std::chrono::duration<double>(o.point_timeout_s) - now;
                if (left.count() <= 0) {
                    r.timed_out = true;
                    kill(pid, SIGKILL);
                } else {
                    wait_for = std::min(wait_for, left);
                }
            }
        }
        const double secs = std::max(0.0, wait_for.count());
        timespec ts{time_t(secs), long((secs - std::floor(secs)) * 1e9)};
        const int sig = sigtimedwait(&blocked.set(), nullptr, &ts);
        if (sig == SIGINT || sig == SIGTERM) stop_all(sig);
    }
    return results;
}

PointResult run_one_point(const std::vector<std::string>& args, double timeout_s) {
    PointRunOptions o;
    o.jobs = 1;
    o.point_timeout_s = timeout_s;
    return run_points({args}, o).front();
}

} // namespace accsim
