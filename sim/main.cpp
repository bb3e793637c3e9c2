#include "sim/cli.hpp"

#include <cstdlib>
#include <systemc>

int sc_main(int argc, char* argv[]) {
    std::vector<std::string> args(argv + 1, argv + argc);
    return accsim::cli_main(args);
}

// SystemC prints a banner to stderr before sc_main unless told not to; accsim's output stays clean.
int main(int argc, char* argv[]) {
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
    return sc_core::sc_elab_and_sim(argc, argv);
}
