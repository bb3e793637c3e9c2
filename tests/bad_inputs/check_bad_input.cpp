// Runs one line of tests/bad_inputs/cases.txt: accsim with the line's arguments, from the working
// directory (the source root), must end within the time bound with the line's exit code, name every
// text of the line in stderr, and print no report on stdout. Exit 0 when it does; else 1 with what
// differed.
//
//   check_bad_input TABLE LINE SECONDS
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

std::vector<std::string> split(const std::string& s, const std::string& sep) {
    std::vector<std::string> out;
    std::size_t at = 0;
    for (std::size_t next; (next = s.find(sep, at)) != std::string::npos; at = next + sep.size())
        out.push_back(s.substr(at, next - at));
    out.push_back(s.substr(at));
    return out;
}

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
    return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        std::cerr << "usage: check_bad_input TABLE LINE SECONDS\n";
        return 2;
    }
    const int line_no = std::atoi(argv[2]);
    const double bound = std::atof(argv[3]);
    std::ifstream table(argv[1]);
    std::string line;
    for (int n = 0; n < line_no && std::getline(table, line);) ++n;
    const auto fields = split(line, " | ");
    if (fields.size() != 4) {
        std::cerr << argv[1] << ":" << line_no << ": expected 'what | exit | says | arguments'\n";
        return 2;
    }
    const int want_exit = std::atoi(fields[1].c_str());
    std::vector<std::string> says;
    for (const auto& s : split(fields[2], ";"))
        if (!trim(s).empty()) says.push_back(trim(s));
    std::vector<std::string> args;
    std::istringstream words(fields[3]);
    for (std::string w; words >> w;) args.push_back(w);

    char out_path[] = "/tmp/accsim_bad_out_XXXXXX", err_path[] = "/tmp/accsim_bad_err_XXXXXX";
    const int out_fd = mkstemp(out_path), err_fd = mkstemp(err_path);
    if (out_fd < 0 || err_fd < 0) {
        std::perror("mkstemp");
        return 2;
    }
    const auto start = std::chrono::steady_clock::now();
    const pid_t pid = fork();
    if (pid == 0) {
        dup2(out_fd, 1);
        dup2(err_fd, 2);
        std::vector<char*> av{const_cast<char*>(ACCSIM_BIN)};
        for (auto& a : args) av.push_back(a.data());
        av.push_back(nullptr);
        execv(ACCSIM_BIN, av.data());
        _exit(127);
    }
    int status = 0;
    bool hung = false;
    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() >
            bound) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            hung = true;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const std::string out = slurp(out_path), err = slurp(err_path);
    unlink(out_path);
    unlink(err_path);

    std::vector<std::string> failures;
    if (hung) failures.push_back("did not end within " + std::string(argv[3]) + " s");
    const int got = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (!hung && got != want_exit)
        failures.push_back("exit " + std::to_string(got) + ", expected " + fields[1]);
    for (const auto& s : says)
        if (err.find(s) == std::string::npos)
            failures.push_back("stderr does not name '" + s + "'");
    if (out.find("summary") != std::string::npos) failures.push_back("stdout holds a report");
    std::cout << fields[0] << " (" << argv[1] << ":" << line_no << ", " << seconds << " s)\n";
    if (failures.empty()) return 0;
    for (const auto& f : failures) std::cout << "FAILED: " << f << "\n";
    std::cout << "stderr:\n" << err << "stdout:\n" << out.substr(0, 2000) << "\n";
    return 1;
}
