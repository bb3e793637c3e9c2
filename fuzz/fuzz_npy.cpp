// A .npy file (weights, biases, inputs): mapped and every element read; a 2-D one also encoded for
// EIE's PEs as a weight matrix (dense_csc), on a number of PEs and registers its size picks.
#include "arch/eie/layer.hpp"
#include "fuzz/fuzz_support.hpp"
#include "workloads/npy.hpp"
#include "workloads/sparse/dense_csc.hpp"

namespace {

accsim::DenseType dense_type(accsim::NpyType t) {
    switch (t) {
    case accsim::NpyType::float64:
        return accsim::DenseType::float64;
    case accsim::NpyType::int16:
        return accsim::DenseType::int16;
    case accsim::NpyType::float32:
        break;
    }
    return accsim::DenseType::float32;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto path = accsim::fuzz::input_file(data, size, ".npy");
    accsim::fuzz::expect_contract([&] {
        accsim::NpyMap a(path);
        volatile double sum = 0;
        for (std::size_t i = 0; i < a.elements(); ++i) sum = sum + a.value(i);
        if (a.shape().size() != 2 || a.elements() == 0 || a.elements() > (1u << 20)) return;
        const int rows = int(a.shape()[0]), cols = int(a.shape()[1]);
        const int pes = 1 + int(size % 7), regs = 1 + int(size / 7 % 5);
        const accsim::TileShape shape = accsim::eie::tile_shape(rows, cols, pes, regs);
        accsim::DenseEncoder encoder(a.data(), dense_type(a.type()), {}, shape);
        if (!encoder.finite()) return; // the caller reports the element
        accsim::eie::build_layer_image(std::move(encoder), shape, 12, "fuzz");
    });
    return 0;
}
