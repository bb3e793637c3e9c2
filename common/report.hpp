// A run's report in design.md's layout. Architectures fill "summary", "layers", "buffers" (and may
// add objects of their own); the run driver fills "accsim_version", "config", "arch", "workload".
// Fields that do not apply to an architecture are absent, never zero-filled.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace accsim {

using ojson = nlohmann::ordered_json;

class Report {
public:
    Report();
    ojson& doc() { return doc_; }
    const ojson& doc() const { return doc_; }
    ojson& summary() { return doc_["summary"]; }
    ojson& add_layer(ojson layer);
    // A sentence the reader must see beside the figures (text shows it under the summary).
    void add_note(const std::string& text) { doc_["notes"].push_back(text); }
    // One buffer (FIFO, SRAM, queue): capacity and occupancy in `unit`s.
    ojson& add_buffer(const std::string& name, double capacity, double peak, double mean,
                      const std::string& unit);

private:
    ojson doc_;
};

} // namespace accsim
