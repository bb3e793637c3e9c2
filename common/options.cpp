#include "common/options.hpp"

#include "common/error.hpp"
#include "common/files.hpp"
#include "common/text.hpp"

#include <algorithm>
#include <boost/program_options.hpp>
#include <filesystem>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <fstream>
#include <set>
#include <sstream>
#include <string_view>

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace accsim {

namespace {

// Whether `key` has as many dot-separated components as `pattern`, each equal to the pattern's
// or matched by a "*" there. Walks both in place: the registry asks it thousands of times.
bool key_matches(std::string_view pattern, std::string_view key) {
    for (;;) {
        const std::size_t p_end = pattern.find('.'), k_end = key.find('.');
        const std::string_view p = pattern.substr(0, p_end), k = key.substr(0, k_end);
        if (p != "*" && p != k) return false;
        if (p_end == std::string_view::npos || k_end == std::string_view::npos)
            return p_end == k_end;
        pattern.remove_prefix(p_end + 1);
        key.remove_prefix(k_end + 1);
    }
}

std::string section_of(const std::string& key) {
    auto pos = key.rfind('.');
    return pos == std::string::npos ? std::string() : key.substr(0, pos);
}

std::string fmt_number(double v) {
    return fmt::format("{}", v);
}

} // namespace

std::string Option::type_name() const {
    switch (type) {
    case OptType::integer:
        return choices.empty() ? "integer" : "integer or word";
    case OptType::real:
        return choices.empty() ? "number" : "number or word";
    case OptType::boolean:
        return "boolean";
    case OptType::string:
        return choices.empty() ? "string" : "word";
    }
    return "string";
}

std::string Option::describe_range() const {
    std::string out;
    if (min && max)
        out =
            fmt::format("{}{}, {}]", min_exclusive ? "(" : "[", fmt_number(*min), fmt_number(*max));
    else if (min)
        out = fmt::format("{} {}", min_exclusive ? ">" : ">=", fmt_number(*min));
    else if (max)
        out = fmt::format("<= {}", fmt_number(*max));
    if (!choices.empty()) {
        std::string words;
        for (const auto& c : choices) words += (words.empty() ? "" : " | ") + c;
        out = out.empty() ? words : words + " | " + out;
    }
    return out;
}

Option& OptionRegistry::add(std::string key, OptType type, std::string default_value,
                            std::string unit, std::string help) {
    if (find(key)) throw std::logic_error("option registered twice: " + key);
    Option o;
    o.key = std::move(key);
    o.type = type;
    o.default_value = std::move(default_value);
    o.unit = std::move(unit);
    o.help = std::move(help);
    options_.push_back(std::move(o));
    return options_.back();
}

Option* OptionRegistry::find(const std::string& key) {
    return const_cast<Option*>(static_cast<const OptionRegistry*>(this)->find(key));
}

bool key_matches_pattern(const std::string& pattern, const std::string& key) {
    // "section.*" matches every key of the section, however many components.
    if (pattern.size() >= 2 && pattern.compare(pattern.size() - 2, 2, ".*") == 0 &&
        key.rfind(pattern.substr(0, pattern.size() - 1), 0) == 0)
        return true;
    return key_matches(pattern, key);
}

const Option* OptionRegistry::find(const std::string& key) const {
    for (const auto& o : options_)
        if (o.key == key) return &o;
    for (const auto& o : options_)
        if (o.key.find('*') != std::string::npos && key_matches(o.key, key)) return &o;
    return nullptr;
}

std::vector<std::string> OptionRegistry::sections() const {
    std::set<std::string> s;
    for (const auto& o : options_) s.insert(section_of(o.key));
    return {s.begin(), s.end()};
}

std::vector<std::string> OptionRegistry::keys_in_section(const std::string& section) const {
    std::vector<std::string> out;
    for (const auto& o : options_)
        if (section_of(o.key) == section) out.push_back(o.key.substr(section.size() + 1));
    return out;
}

std::string check_value(const Option& opt, const std::string& text) {
    for (const auto& c : opt.choices)
        if (text == c) return "";
    double v = 0;
    switch (opt.type) {
    case OptType::string:
        if (opt.choices.empty()) return "";
        return fmt::format("'{}' is not one of {}{}", text, opt.describe_range(),
                           did_you_mean(text, opt.choices));
    case OptType::boolean:
        return parse_bool(text) ? "" : fmt::format("'{}' is not a boolean (true/false)", text);
    case OptType::integer: {
        auto i = parse_int(text);
        if (!i)
            return fmt::format("'{}' is not {}", text,
                               opt.choices.empty() ? "an integer"
                                                   : "an integer or " + opt.describe_range());
        v = static_cast<double>(*i);
        break;
    }
    case OptType::real: {
        auto r = parse_real(text);
        if (!r)
            return fmt::format("'{}' is not {}", text,
                               opt.choices.empty() ? "a number"
                                                   : "a number or " + opt.describe_range());
        v = *r;
        break;
    }
    }
    bool low = opt.min && (opt.min_exclusive ? v <= *opt.min : v < *opt.min);
    bool high = opt.max && v > *opt.max;
    if (low || high) return fmt::format("{} is out of range {}", text, opt.describe_range());
    return "";
}

const ConfigValue& Config::at(const std::string& key) const {
    auto it = values_.find(key);
    if (it == values_.end()) throw std::logic_error("config key not registered: " + key);
    reads_.insert(key);
    return it->second;
}

std::int64_t Config::get_int(const std::string& key) const {
    auto v = parse_int(at(key).value);
    if (!v) throw std::logic_error("config key is not an integer: " + key);
    return *v;
}

double Config::get_real(const std::string& key) const {
    auto v = parse_real(at(key).value);
    if (!v) throw std::logic_error("config key is not a number: " + key);
    return *v;
}

bool Config::get_bool(const std::string& key) const {
    auto v = parse_bool(at(key).value);
    if (!v) throw std::logic_error("config key is not a boolean: " + key);
    return *v;
}

const std::string& Config::get_string(const std::string& key) const {
    return at(key).value;
}

std::string Config::get_path(const std::string& key) const {
    const auto& v = at(key);
    if (v.value.empty()) return "";
    fs::path p(v.value);
    if (p.is_absolute() || v.origin_dir.empty()) return p.string();
    return (fs::path(v.origin_dir) / p).lexically_normal().string();
}

bool Config::is_word(const std::string& key, const std::string& word) const {
    return at(key).value == word;
}

std::vector<std::string> Config::instances(const std::string& prefix) const {
    std::set<std::string> names;
    for (const auto& [k, v] : values_) {
        if (k.size() <= prefix.size() + 1 || k.compare(0, prefix.size() + 1, prefix + ".") != 0)
            continue;
        std::string rest = k.substr(prefix.size() + 1);
        auto dot = rest.find('.');
        if (dot != std::string::npos) names.insert(rest.substr(0, dot));
    }
    return {names.begin(), names.end()};
}

std::vector<IniEntry> read_ini(const std::string& path) {
    std::ifstream in = open_input_file(path, max_config_bytes);
    std::stringstream buf;
    buf << in.rdbuf();
    const std::string text = buf.str();

    // Line numbers: Boost reports entries in file order but without lines, so index the lines of
    // every "key = value" per section in the same order.
    std::map<std::string, std::vector<int>> lines_of;
    {
        std::istringstream ls(text);
        std::string line, section;
        int n = 0;
        while (std::getline(ls, line)) {
            ++n;
            if (!valid_utf8(line)) throw InputError(fmt::format("{}:{}: not valid UTF-8", path, n));
            std::string t = trim(line.substr(0, line.find('#')));
            if (t.empty()) continue;
            if (t.front() == '[') {
                if (t.back() != ']')
                    throw InputError(
                        fmt::format("{}:{}: malformed section header '{}'", path, n, t));
                section = trim(t.substr(1, t.size() - 2));
                continue;
            }
            auto eq = t.find('=');
            if (eq == std::string::npos)
                throw InputError(
                    fmt::format("{}:{}: expected 'key = value', found '{}'", path, n, t));
            std::string key = trim(t.substr(0, eq));
            if (key.empty())
                throw InputError(fmt::format("{}:{}: missing key before '='", path, n));
            if (section.empty())
                throw InputError(
                    fmt::format("{}:{}: key '{}' is outside any [section]", path, n, key));
            lines_of[section + "." + key].push_back(n);
        }
    }

    po::options_description none;
    std::istringstream is(text);
    po::parsed_options parsed(&none);
    try {
        parsed = po::parse_config_file(is, none, /*allow_unregistered=*/true);
    } catch (const po::error& e) {
        throw InputError(fmt::format("{}: {}", path, e.what()));
    }
    std::vector<IniEntry> out;
    std::map<std::string, std::size_t> seen;
    for (const auto& o : parsed.options) {
        IniEntry e;
        e.key = o.string_key;
        e.value = o.value.empty() ? std::string() : trim(o.value.front());
        auto& lines = lines_of[e.key];
        std::size_t idx = seen[e.key]++;
        e.line = idx < lines.size() ? lines[idx] : 0;
        out.push_back(std::move(e));
    }
    return out;
}

std::string data_dir() {
    if (const char* d = std::getenv("ACCSIM_DATA_DIR"); d && *d) return d;
    // An installed accsim (cmake --install): PREFIX/bin/accsim beside PREFIX/share/accsim.
    static const std::string installed = [] {
        std::error_code ec;
        const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
        if (ec) return std::string();
        const fs::path share = exe.parent_path().parent_path() / "share" / "accsim";
        return fs::is_directory(share / "configs", ec) ? share.string() : std::string();
    }();
    if (!installed.empty()) return installed;
#ifdef ACCSIM_SOURCE_DIR
    return ACCSIM_SOURCE_DIR;
#else
    return ".";
#endif
}

std::pair<std::string, std::string> split_assignment(const std::string& text,
                                                     const std::string& what) {
    auto eq = text.find('=');
    if (eq == std::string::npos || trim(text.substr(0, eq)).empty())
        throw InputError(fmt::format("{} '{}': expected SECTION.KEY=VALUE", what, text));
    return {trim(text.substr(0, eq)), trim(text.substr(eq + 1))};
}

namespace {

std::string where(const std::string& file, int line) {
    return line > 0 ? fmt::format("{}:{}", file, line) : file;
}

// Checks that `key` is registered and `value` valid for it; throws a message naming `place`.
const Option& check_entry(const OptionRegistry& reg, const std::string& place,
                          const std::string& key, const std::string& value) {
    const Option* opt = reg.find(key);
    if (!opt) {
        std::string section = section_of(key);
        auto sections = reg.sections();
        bool section_known = false;
        for (const auto& s : sections)
            if (s == section || key_matches(s, section)) section_known = true;
        if (section.empty())
            throw InputError(fmt::format("{}: key '{}' has no [section]", place, key));
        if (!section_known)
            throw InputError(fmt::format("{}: unknown section [{}]{}", place, section,
                                         did_you_mean(section, sections)));
        std::vector<std::string> keys;
        for (const auto& o : reg.all()) keys.push_back(o.key);
        throw InputError(
            fmt::format("{}: unknown key '{}'{}", place, key, did_you_mean(key, keys)));
    }
    if (std::string err = check_value(*opt, value); !err.empty())
        throw InputError(fmt::format("{}: {}: {}", place, key, err));
    return *opt;
}

std::string dir_of(const std::string& file) {
    auto p = fs::path(file).parent_path().string();
    return p.empty() ? "." : p;
}

} // namespace

std::vector<Override> as_overrides(const std::vector<std::string>& assignments,
                                   const std::string& origin) {
    std::vector<Override> out;
    for (const auto& a : assignments) out.push_back({a, origin});
    return out;
}

Config load_config(const OptionRegistry& registry, const std::string& path,
                   const std::vector<std::string>& overrides) {
    return load_config(registry, path, as_overrides(overrides));
}

Config load_config(const OptionRegistry& registry, const std::string& path,
                   const std::vector<Override>& overrides) {
    Config cfg(&registry);
    cfg.source_file = path;
    for (const auto& o : registry.all())
        if (o.key.find('*') == std::string::npos) cfg.set(o.key, {o.default_value, "default", ""});

    std::map<std::string, ConfigValue> explicit_values;
    if (!path.empty()) {
        std::map<std::string, int> first_line;
        for (const auto& e : read_ini(path)) {
            std::string place = where(path, e.line);
            check_entry(registry, place, e.key, e.value);
            if (auto it = first_line.find(e.key); it != first_line.end())
                throw InputError(fmt::format("{}: key '{}' is set twice (first at line {})", place,
                                             e.key, it->second));
            first_line[e.key] = e.line;
            explicit_values[e.key] = {e.value, place, dir_of(path)};
        }
    }
    for (const auto& o : overrides) {
        auto [key, value] = split_assignment(o.assignment, o.origin);
        check_entry(registry, o.origin, key, value);
        explicit_values[key] = {value, o.origin, ""};
    }

    // Presets sit between the defaults and what the user wrote.
    for (const auto& o : registry.all()) {
        if (o.preset_dir.empty()) continue;
        auto it = explicit_values.find(o.key);
        std::string name = it != explicit_values.end() ? it->second.value : o.default_value;
        if (name.empty() || name == "none") continue;
        std::string file =
            (fs::path(data_dir()) / "configs" / o.preset_dir / (name + ".ini")).string();
        if (!path_exists(file)) {
            std::vector<std::string> names;
            std::error_code ec;
            for (const auto& de :
                 fs::directory_iterator(fs::path(data_dir()) / "configs" / o.preset_dir, ec))
                if (de.path().extension() == ".ini") names.push_back(de.path().stem().string());
            std::string place = it != explicit_values.end() ? it->second.origin : "default";
            std::sort(names.begin(), names.end());
            throw InputError(fmt::format("{}: {}: no preset '{}' in configs/{}/ (there are: {}){}",
                                         place, o.key, name, o.preset_dir, fmt::join(names, ", "),
                                         did_you_mean(name, names)));
        }
        for (const auto& e : read_ini(file)) {
            std::string place = where(file, e.line);
            check_entry(registry, place, e.key, e.value);
            if (!explicit_values.count(e.key))
                cfg.set(e.key, {e.value, "preset " + place, dir_of(file)});
        }
    }
    for (auto& [k, v] : explicit_values) cfg.set(k, v);
    return cfg;
}

} // namespace accsim
