#include "sim/report_format.hpp"

#include "common/error.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <ostream>

namespace accsim {

Format parse_format(const std::string& word) {
    if (word == "text") return Format::text;
    if (word == "json") return Format::json;
    if (word == "csv") return Format::csv;
    throw InputError(fmt::format("--format: unknown format '{}' (text, json or csv)", word));
}

std::vector<std::pair<std::string, ojson>> flatten(const ojson& obj, const std::string& prefix) {
    std::vector<std::pair<std::string, ojson>> out;
    if (!obj.is_object()) return out;
    for (auto it = obj.begin(); it != obj.end(); ++it) {
        std::string key = prefix.empty() ? it.key() : prefix + "." + it.key();
        if (it->is_object()) {
            auto sub = flatten(*it, key);
            out.insert(out.end(), sub.begin(), sub.end());
        } else if (!it->is_array()) {
            out.emplace_back(key, *it);
        }
    }
    return out;
}

ojson lookup(const ojson& row, const std::string& dotted) {
    const ojson* cur = &row;
    std::size_t start = 0;
    while (true) {
        auto dot = dotted.find('.', start);
        std::string part =
            dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (!cur->is_object() || !cur->contains(part)) return nullptr;
        cur = &(*cur)[part];
        if (dot == std::string::npos) return *cur;
        start = dot + 1;
    }
}

namespace {

std::string group_thousands(std::string digits) {
    bool neg = !digits.empty() && digits[0] == '-';
    std::string body = neg ? digits.substr(1) : digits;
    std::string out;
    int n = 0;
    for (auto it = body.rbegin(); it != body.rend(); ++it) {
        if (n && n % 3 == 0) out.push_back(',');
        out.push_back(*it);
        ++n;
    }
    std::reverse(out.begin(), out.end());
    return neg ? "-" + out : out;
}

} // namespace

std::string format_value(const ojson& v) {
    if (v.is_number_integer()) return group_thousands(v.dump());
    if (v.is_number_float()) {
        double d = v.get<double>();
        if (d == std::floor(d) && std::fabs(d) < 1e15)
            return group_thousands(fmt::format("{:.0f}", d));
        if (std::fabs(d) >= 1e3) return group_thousands(fmt::format("{:.0f}", d));
        return fmt::format("{:.4g}", d);
    }
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return "-";
    return v.dump();
}

std::string csv_escape(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

std::string csv_value(const ojson& v) {
    if (v.is_string()) return csv_escape(v.get<std::string>());
    if (v.is_null()) return "";
    return csv_escape(v.dump());
}

void print_table(std::ostream& out, const std::vector<std::vector<std::string>>& rows, int indent) {
    std::vector<std::size_t> width;
    for (const auto& r : rows)
        for (std::size_t i = 0; i < r.size(); ++i) {
            if (width.size() <= i) width.push_back(0);
            width[i] = std::max(width[i], r[i].size());
        }
    for (const auto& r : rows) {
        std::string line(indent, ' ');
        for (std::size_t i = 0; i < r.size(); ++i) {
            if (i == 0)
                line += fmt::format("{:<{}}", r[i], width[i]);
            else
                line += fmt::format("  {:>{}}", r[i], width[i]);
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out << line << '\n';
    }
}

namespace {

// Columns of an array of objects: the union of their scalar keys, in first-seen order.
std::vector<std::string> columns_of(const ojson& arr) {
    std::vector<std::string> cols;
    for (const auto& row : arr)
        for (const auto& [k, v] : flatten(row))
            if (std::find(cols.begin(), cols.end(), k) == cols.end()) cols.push_back(k);
    return cols;
}

void write_text(const Report& r, std::ostream& out) {
    const auto& d = r.doc();
    out << fmt::format(
        "accsim {}: arch {}, workload {} (skip {}), {} layers, {} MACs, {} weights\n",
        d["accsim_version"].get<std::string>(), d["arch"].get<std::string>(),
        d["workload"].value("name", ""), d["workload"].value("skip", ""),
        format_value(d["workload"].value("layers", ojson())),
        format_value(d["workload"].value("macs", ojson())),
        format_value(d["workload"].value("weights", ojson())));
    out << "\nsummary\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& [k, v] : flatten(d["summary"])) rows.push_back({k, format_value(v)});
    print_table(out, rows);
    if (d.contains("notes"))
        for (const auto& n : d["notes"]) out << "\nnote: " << n.get<std::string>() << '\n';
    for (const char* section : {"layers", "buffers"}) {
        if (!d.contains(section) || d[section].empty()) continue;
        out << '\n' << section << '\n';
        auto cols = columns_of(d[section]);
        std::vector<std::vector<std::string>> t{cols};
        for (const auto& row : d[section]) {
            std::vector<std::string> line;
            for (const auto& c : cols) line.push_back(format_value(lookup(row, c)));
            t.push_back(std::move(line));
        }
        print_table(out, t);
    }
}

// Long ("tidy") CSV: one row per value, so every field of every section fits one file.
void write_csv(const Report& r, std::ostream& out) {
    const auto& d = r.doc();
    out << "section,item,field,value\n";
    out << "run,,arch," << csv_value(d["arch"]) << '\n';
    for (const auto& [k, v] : flatten(d["workload"]))
        out << "workload,," << csv_escape(k) << ',' << csv_value(v) << '\n';
    for (const auto& [k, v] : flatten(d["summary"]))
        out << "summary,," << csv_escape(k) << ',' << csv_value(v) << '\n';
    if (d.contains("notes"))
        for (const auto& n : d["notes"]) out << "notes,,note," << csv_value(n) << '\n';
    for (const char* section : {"layers", "buffers"}) {
        if (!d.contains(section)) continue;
        for (const auto& row : d[section]) {
            std::string item = row.value("name", "");
            for (const auto& [k, v] : flatten(row))
                if (k != "name")
                    out << section << ',' << csv_escape(item) << ',' << csv_escape(k) << ','
                        << csv_value(v) << '\n';
        }
    }
}

} // namespace

void write_report(const Report& r, Format f, std::ostream& out) {
    switch (f) {
    case Format::json:
        out << r.doc().dump(2) << '\n';
        break;
    case Format::text:
        write_text(r, out);
        break;
    case Format::csv:
        write_csv(r, out);
        break;
    }
}

} // namespace accsim
