#include "common/report.hpp"

namespace accsim {

Report::Report() {
    doc_ = ojson::object();
    doc_["accsim_version"] = ACCSIM_VERSION;
    doc_["config"] = ojson::object();
    doc_["arch"] = "";
    doc_["workload"] = ojson::object();
    doc_["summary"] = ojson::object();
    doc_["layers"] = ojson::array();
    doc_["buffers"] = ojson::array();
}

ojson& Report::add_layer(ojson layer) {
    doc_["layers"].push_back(std::move(layer));
    return doc_["layers"].back();
}

ojson& Report::add_buffer(const std::string& name, double capacity, double peak, double mean,
                          const std::string& unit) {
    ojson b = ojson::object();
    b["name"] = name;
    b["capacity"] = capacity;
    b["peak"] = peak;
    b["mean"] = mean;
    b["unit"] = unit;
    doc_["buffers"].push_back(std::move(b));
    return doc_["buffers"].back();
}

} // namespace accsim
