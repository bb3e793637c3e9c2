// Renders a report as text (fmt tables), JSON (nlohmann) or CSV; all three show the same fields.
#pragma once

#include "common/report.hpp"

#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

namespace accsim {

enum class Format { text, json, csv };
Format parse_format(const std::string& word); // throws InputError

void write_report(const Report& r, Format f, std::ostream& out);

// Nested objects flattened to dotted keys ("fpga.bram18"), in document order; arrays are skipped.
std::vector<std::pair<std::string, ojson>> flatten(const ojson& obj,
                                                   const std::string& prefix = "");
// The value at a dotted path ("summary.fpga.bram18") of nested objects; null when absent.
ojson lookup(const ojson& doc, const std::string& dotted);
// A number as a table shows it: integers with thousands separators, reals with 4 significant
// digits.
std::string format_value(const ojson& v);
// A value as CSV shows it (full precision, quoted when needed).
std::string csv_value(const ojson& v);
std::string csv_escape(const std::string& s);
// Prints rows as an aligned table; the first row is the header; `right` aligns columns 1.. right.
void print_table(std::ostream& out, const std::vector<std::vector<std::string>>& rows,
                 int indent = 2);

} // namespace accsim
