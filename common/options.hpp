// Named, typed, documented options, filled from INI files and `--set` overrides.
//
// Every architecture and model registers its own options in an OptionRegistry (name, type, default,
// unit, one-line help, range); the loader checks a config file against the registry and yields a
// Config in which every registered key has a value and an origin (default, file:line, preset,
// --set).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace accsim {

enum class OptType { integer, real, boolean, string };

struct Option {
    // "section.key". One component may be "*" (e.g. "dataflow.layer.*.reuse_factor"): the option
    // then exists once per name given in the file, and has no default of its own.
    std::string key;
    OptType type = OptType::string;
    std::string default_value;
    std::string unit; // "MHz", "KiB", "cycles", "" for none
    std::string help;
    std::optional<double> min, max; // inclusive unless min_exclusive
    bool min_exclusive = false;
    // For strings: the allowed values. For numbers: words allowed besides a number ("tensor").
    std::vector<std::string> choices;
    // Names a folder under configs/: the value NAME loads configs/<dir>/NAME.ini beneath the file.
    std::string preset_dir;
    // A path: resolved relative to the file it was set in.
    bool is_path = false;
    // The run.arch values whose runs read this key (filled in by the registry's owner).
    std::vector<std::string> readers;

    Option& range(double lo, double hi) {
        min = lo;
        max = hi;
        return *this;
    }
    Option& at_least(double lo) {
        min = lo;
        return *this;
    }
    Option& above(double lo) {
        min = lo;
        min_exclusive = true;
        return *this;
    }
    Option& one_of(std::vector<std::string> words) {
        choices = std::move(words);
        return *this;
    }
    Option& presets(std::string dir) {
        preset_dir = std::move(dir);
        return *this;
    }
    Option& path() {
        is_path = true;
        return *this;
    }
    std::string type_name() const;
    std::string describe_range() const;
};

class OptionRegistry {
public:
    Option& add(std::string key, OptType type, std::string default_value, std::string unit,
                std::string help);
    // The option for a concrete key, matching wildcard components; nullptr when unknown.
    const Option* find(const std::string& key) const;
    Option* find(const std::string& key);
    const std::vector<Option>& all() const { return options_; }
    std::vector<std::string> sections() const;
    std::vector<std::string> keys_in_section(const std::string& section) const;

private:
    std::vector<Option> options_;
};

struct ConfigValue {
    std::string value;
    std::string origin; // "default", "path.ini:12", "--set", "preset path.ini:3"
    // True when the user gave it (config file or override), not a default or a preset.
    bool user_set() const { return origin != "default" && origin.rfind("preset ", 0) != 0; }
    std::string origin_dir; // folder that relative paths are taken from ("" = working directory)
};

class Config {
public:
    Config() = default;
    explicit Config(const OptionRegistry* registry) : registry_(registry) {}

    bool has(const std::string& key) const { return values_.count(key) != 0; }
    const ConfigValue& at(const std::string& key) const;
    std::int64_t get_int(const std::string& key) const;
    double get_real(const std::string& key) const;
    bool get_bool(const std::string& key) const;
    const std::string& get_string(const std::string& key) const;
    // A path option resolved against the folder of the file that set it.
    std::string get_path(const std::string& key) const;
    // For options that take a word or a number: true when the value is this word.
    bool is_word(const std::string& key, const std::string& word) const;
    // Names given for the "*" of a wildcard option prefix, e.g. instances("dataflow.layer") ->
    // {"conv1", ...} for keys "dataflow.layer.conv1.reuse_factor".
    std::vector<std::string> instances(const std::string& prefix) const;

    void set(const std::string& key, ConfigValue v) { values_[key] = std::move(v); }
    const std::map<std::string, ConfigValue>& values() const { return values_; }
    const OptionRegistry& registry() const { return *registry_; }
    // The config file this came from ("" when none).
    std::string source_file;
    // Every key looked up through at() (and so every get_*) so far: lets tests check that each
    // architecture reads only the keys it declares.
    const std::set<std::string>& reads() const { return reads_; }

private:
    const OptionRegistry* registry_ = nullptr;
    std::map<std::string, ConfigValue> values_;
    mutable std::set<std::string> reads_;
};

// Checks `text` as the value of `opt`; returns an error message or "".
std::string check_value(const Option& opt, const std::string& text);

// Raw `key = value` entries of an INI file in file order, with their line numbers. Errors (missing
// file, bad syntax, a key outside any section) throw InputError naming the file and line.
struct IniEntry {
    std::string key; // "section.key"
    std::string value;
    int line = 0;
};
std::vector<IniEntry> read_ini(const std::string& path);

// Where the data folders (configs/, workloads/traces/) are: $ACCSIM_DATA_DIR, else the source tree.
std::string data_dir();

// Loads `path` (may be empty for defaults only), applies presets and `--set KEY=VALUE` overrides,
// and checks every value. Unknown sections and keys, bad types and out-of-range values throw
// InputError naming the file, line and key, with the closest valid key suggested.
Config load_config(const OptionRegistry& registry, const std::string& path,
                   const std::vector<std::string>& overrides = {});

// An override with the place it was given ("--set", "--vary", "study.ini:12").
struct Override {
    std::string assignment; // "section.key=value"
    std::string origin;
};
Config load_config(const OptionRegistry& registry, const std::string& path,
                   const std::vector<Override>& overrides);
std::vector<Override> as_overrides(const std::vector<std::string>& assignments,
                                   const std::string& origin = "--set");

// True when `key` matches `pattern`, whose components may be "*" ("dram.*", "a.*.b").
bool key_matches_pattern(const std::string& pattern, const std::string& key);

// Splits "section.key=value"; throws InputError on a malformed override.
std::pair<std::string, std::string> split_assignment(const std::string& text,
                                                     const std::string& what);

} // namespace accsim
