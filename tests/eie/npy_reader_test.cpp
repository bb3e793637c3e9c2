#include "common/error.hpp"
#include "tests/eie/npy_test.hpp"
#include "tests/support.hpp"
#include "workloads/npy.hpp"

#include <doctest/doctest.h>

using namespace accsim;
using namespace accsim::test;

namespace {

// Every element of `a`, C order.
std::vector<double> values_of(const NpyMap& a) {
    std::vector<double> v(a.elements());
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = a.value(i);
    return v;
}

} // namespace

TEST_CASE("the .npy reader reads a version 1 float32 matrix in C order") {
    std::string path = temp_path(".npy");
    write_npy_bytes(path, 1, shape_dict("<f4", "(2, 3)"),
                    le_bytes(std::vector<float>{1.5f, -2, 0, 0.25f, 7, -0.125f}));
    NpyMap a(path);
    CHECK(a.type() == NpyType::float32);
    REQUIRE(a.shape() == std::vector<std::size_t>{2, 3});
    CHECK(values_of(a) == std::vector<double>{1.5, -2, 0, 0.25, 7, -0.125});
}

TEST_CASE("the .npy reader reads version 2 float64 and int16 vectors") {
    std::string f64 = temp_path(".npy"), i16 = temp_path(".npy");
    write_npy_bytes(f64, 2, shape_dict("<f8", "(3,)"),
                    le_bytes(std::vector<double>{0.1, -1e-300, 12345.678}));
    write_npy_bytes(i16, 1, "{'descr': '<i2', 'shape': (4,), 'fortran_order': False}",
                    le_bytes(std::vector<std::int16_t>{-32768, -1, 0, 32767}));
    NpyMap a(f64);
    CHECK(a.type() == NpyType::float64);
    CHECK(a.shape() == std::vector<std::size_t>{3});
    CHECK(values_of(a) == std::vector<double>{0.1, -1e-300, 12345.678});
    NpyMap b(i16);
    CHECK(b.type() == NpyType::int16);
    CHECK(values_of(b) == std::vector<double>{-32768, -1, 0, 32767});
}

namespace {

std::string error_of(const std::string& path) {
    try {
        NpyMap m(path);
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

} // namespace

TEST_CASE("the .npy reader rejects bad files with a message naming the file") {
    const auto data = le_bytes(std::vector<float>{1, 2, 3, 4});
    std::string big = temp_path(".npy"), fortran = temp_path(".npy"), i32 = temp_path(".npy"),
                shortfile = temp_path(".npy"), magic = temp_path(".npy"),
                version = temp_path(".npy");
    write_npy_bytes(big, 1, shape_dict(">f4", "(4,)"), data);
    write_npy_bytes(fortran, 1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", data);
    write_npy_bytes(i32, 1, shape_dict("<i4", "(4,)"), data);
    write_npy_bytes(shortfile, 1, shape_dict("<f4", "(5,)"), data);
    write_npy_bytes(version, 3, shape_dict("<f4", "(4,)"), data);
    std::ofstream(magic) << "name,value\n1,2\n";

    CHECK(error_of(big).find(big) != std::string::npos);
    CHECK(error_of(big).find("'>f4'") != std::string::npos);
    CHECK(error_of(fortran).find("Fortran order") != std::string::npos);
    CHECK(error_of(i32).find("'<i4'") != std::string::npos);
    CHECK(error_of(shortfile).find("holds 16 bytes of data, its shape needs 20") !=
          std::string::npos);
    CHECK(error_of(magic).find("not a .npy file") != std::string::npos);
    CHECK(error_of(version).find("version 3") != std::string::npos);
    CHECK(error_of("/nonexistent/w.npy").find("cannot open") != std::string::npos);
}
