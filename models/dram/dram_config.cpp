#include "models/dram/dram_config.hpp"

#include "common/error.hpp"
#include "common/text.hpp"

#include <fmt/format.h>
#include <set>

namespace accsim {

void register_dram_options(OptionRegistry& reg) {
    reg.add("dram.preset", OptType::string, "ddr4-2400", "",
            "DRAM preset: loads configs/dram/NAME.ini (ddr4-2400, lpddr4-3200, hbm2, ideal); "
            "any [dram] key may still be set after it")
        .presets("dram");
    reg.add("dram.model", OptType::string, "timing", "",
            "timing: banks, rows and JEDEC timings; ideal: fixed latency, unlimited bandwidth")
        .one_of({"timing", "ideal"});
    reg.add("dram.ideal_latency_ns", OptType::real, "0", "ns",
            "latency of every access when model = ideal (bounded: 10^15 ns keeps simulated time "
            "within SystemC's range)")
        .range(0, 1e15);
    reg.add("dram.clock_mhz", OptType::real, "1200", "MHz",
            "DRAM command clock (tCK = 1/clock); data moves on both edges")
        .above(0);
    reg.add("dram.bus_width_bits", OptType::integer, "64", "bits", "data bus width per channel")
        .range(8, 1024);
    reg.add("dram.burst_length", OptType::integer, "8", "transfers",
            "transfers per column access (BL)")
        .range(2, 64);
    reg.add("dram.channels", OptType::integer, "1", "", "independent channels (power of two)")
        .range(1, 64);
    reg.add("dram.ranks", OptType::integer, "1", "", "ranks per channel (power of two)")
        .range(1, 16);
    reg.add("dram.bank_groups", OptType::integer, "4", "", "bank groups per rank (power of two)")
        .range(1, 16);
    reg.add("dram.banks_per_group", OptType::integer, "4", "",
            "banks per bank group (power of two)")
        .range(1, 64);
    reg.add("dram.rows", OptType::integer, "65536", "", "rows per bank (power of two)")
        .range(1, 1 << 24);
    reg.add("dram.columns", OptType::integer, "1024", "",
            "columns per row in bus-width units (power of two, a multiple of burst_length)")
        .range(1, 1 << 20);
    struct Timing {
        const char* key;
        const char* def;
        const char* help;
    };
    const Timing timings[] = {
        {"dram.cl_ck", "16", "CAS latency: read command to first data"},
        {"dram.cwl_ck", "12", "CAS write latency: write command to first data"},
        {"dram.trcd_ck", "16", "activate to read/write (tRCD)"},
        {"dram.trp_ck", "16", "precharge to activate (tRP)"},
        {"dram.tras_ck", "39", "activate to precharge (tRAS)"},
        {"dram.tccd_s_ck", "4", "column to column, different bank group (tCCD_S)"},
        {"dram.tccd_l_ck", "6", "column to column, same bank group (tCCD_L)"},
        {"dram.trrd_s_ck", "4", "activate to activate, different bank group (tRRD_S)"},
        {"dram.trrd_l_ck", "6", "activate to activate, same bank group (tRRD_L)"},
        {"dram.tfaw_ck", "26", "window in which at most four activates may issue (tFAW)"},
        {"dram.twr_ck", "18", "write recovery: end of write data to precharge (tWR)"},
        {"dram.twtr_s_ck", "3", "end of write data to read, different bank group (tWTR_S)"},
        {"dram.twtr_l_ck", "9", "end of write data to read, same bank group (tWTR_L)"},
        {"dram.trtp_ck", "9", "read to precharge (tRTP)"},
        {"dram.trfc_ck", "420", "refresh cycle time (tRFC)"},
        {"dram.trefi_ck", "9360", "refresh interval (tREFI); 0 disables refresh"},
    };
    for (const auto& t : timings)
        reg.add(t.key, OptType::integer, t.def, "tCK", t.help).range(0, 1e7);
    reg.add("dram.queue_depth", OptType::integer, "32", "requests",
            "controller request queue: FR-FCFS picks among this many oldest bursts")
        .range(1, 4096);
    reg.add("dram.scheduler", OptType::string, "fr-fcfs", "",
            "fr-fcfs: row hits first, then oldest; fcfs: strictly oldest first")
        .one_of({"fr-fcfs", "fcfs"});
    reg.add("dram.address_mapping", OptType::string, "ro,ra,ba,co,bg,ch", "",
            "address fields from most to least significant bit: ro (row), ra (rank), bg (bank "
            "group), ba (bank), co (column), ch (channel), comma separated, each once");
    reg.add("dram.access_energy_pj_per_64bit", OptType::real, "1300", "pJ",
            "energy per 64 bits moved (activation, I/O and refresh folded in)")
        .at_least(0);
}

std::vector<AddressField> parse_address_mapping(const std::string& text, const std::string& where) {
    static const std::vector<std::pair<std::string, AddressField>> names = {
        {"ro", AddressField::row},  {"ra", AddressField::rank},   {"bg", AddressField::bank_group},
        {"ba", AddressField::bank}, {"co", AddressField::column}, {"ch", AddressField::channel}};
    std::vector<AddressField> out;
    std::set<std::string> seen;
    for (auto part : split(text, ',')) {
        part = trim(part);
        bool found = false;
        for (const auto& [n, f] : names)
            if (n == part) {
                if (!seen.insert(n).second)
                    throw InputError(
                        fmt::format("{}: dram.address_mapping: '{}' appears twice", where, n));
                out.push_back(f);
                found = true;
            }
        if (!found)
            throw InputError(
                fmt::format("{}: dram.address_mapping: unknown field '{}' (ro, ra, bg, ba, co, ch)",
                            where, part));
    }
    if (out.size() != names.size())
        throw InputError(fmt::format(
            "{}: dram.address_mapping: '{}' must name each of ro, ra, bg, ba, co, ch once", where,
            text));
    return out;
}

namespace {

bool power_of_two(std::int64_t v) {
    return v > 0 && (v & (v - 1)) == 0;
}

} // namespace

DramConfig dram_config_from(const Config& cfg) {
    DramConfig d;
    d.model = cfg.get_string("dram.model") == "ideal" ? DramModel::ideal : DramModel::timing;
    d.ideal_latency_ns = cfg.get_real("dram.ideal_latency_ns");
    d.clock_mhz = cfg.get_real("dram.clock_mhz");
    d.bus_width_bits = int(cfg.get_int("dram.bus_width_bits"));
    d.burst_length = int(cfg.get_int("dram.burst_length"));
    d.channels = int(cfg.get_int("dram.channels"));
    d.ranks = int(cfg.get_int("dram.ranks"));
    d.bank_groups = int(cfg.get_int("dram.bank_groups"));
    d.banks_per_group = int(cfg.get_int("dram.banks_per_group"));
    d.rows = cfg.get_int("dram.rows");
    d.columns = cfg.get_int("dram.columns");
    d.cl = int(cfg.get_int("dram.cl_ck"));
    d.cwl = int(cfg.get_int("dram.cwl_ck"));
    d.trcd = int(cfg.get_int("dram.trcd_ck"));
    d.trp = int(cfg.get_int("dram.trp_ck"));
    d.tras = int(cfg.get_int("dram.tras_ck"));
    d.tccd_s = int(cfg.get_int("dram.tccd_s_ck"));
    d.tccd_l = int(cfg.get_int("dram.tccd_l_ck"));
    d.trrd_s = int(cfg.get_int("dram.trrd_s_ck"));
    d.trrd_l = int(cfg.get_int("dram.trrd_l_ck"));
    d.tfaw = int(cfg.get_int("dram.tfaw_ck"));
    d.twr = int(cfg.get_int("dram.twr_ck"));
    d.twtr_s = int(cfg.get_int("dram.twtr_s_ck"));
    d.twtr_l = int(cfg.get_int("dram.twtr_l_ck"));
    d.trtp = int(cfg.get_int("dram.trtp_ck"));
    d.trfc = int(cfg.get_int("dram.trfc_ck"));
    d.trefi = int(cfg.get_int("dram.trefi_ck"));
    d.queue_depth = int(cfg.get_int("dram.queue_depth"));
    d.scheduler =
        cfg.get_string("dram.scheduler") == "fcfs" ? DramScheduler::fcfs : DramScheduler::fr_fcfs;
    d.mapping = parse_address_mapping(cfg.get_string("dram.address_mapping"),
                                      cfg.at("dram.address_mapping").origin);
    d.access_energy_pj_per_64bit = cfg.get_real("dram.access_energy_pj_per_64bit");

    auto need_pow2 = [&](const char* key, std::int64_t v) {
        if (!power_of_two(v))
            throw InputError(
                fmt::format("{}: {} = {}: must be a power of two", cfg.at(key).origin, key, v));
    };
    need_pow2("dram.bus_width_bits", d.bus_width_bits);
    need_pow2("dram.burst_length", d.burst_length);
    need_pow2("dram.channels", d.channels);
    need_pow2("dram.ranks", d.ranks);
    need_pow2("dram.bank_groups", d.bank_groups);
    need_pow2("dram.banks_per_group", d.banks_per_group);
    need_pow2("dram.rows", d.rows);
    need_pow2("dram.columns", d.columns);
    if (d.columns < d.burst_length)
        throw InputError(fmt::format("{}: dram.columns = {} is smaller than dram.burst_length = {}",
                                     cfg.at("dram.columns").origin, d.columns, d.burst_length));
    if (d.model == DramModel::timing && d.trefi != 0 && d.trfc >= d.trefi)
        throw InputError(fmt::format("{}: dram.trfc_ck = {} must be below dram.trefi_ck = {}",
                                     cfg.at("dram.trfc_ck").origin, d.trfc, d.trefi));
    // After an all-bank refresh every row is closed: a column command comes tRFC + tRCD after
    // the refresh at the soonest, and must come before the next one, due tREFI after it.
    if (d.model == DramModel::timing && d.trefi != 0 && d.trfc + d.trcd >= d.trefi)
        throw InputError(fmt::format(
            "{}: dram.trefi_ck = {} leaves no time to serve a request between two refreshes: "
            "a row opened after a refresh is read tRFC + tRCD = {} + {} clocks after it at the "
            "soonest (dram.trfc_ck, dram.trcd_ck)",
            cfg.at("dram.trefi_ck").origin, d.trefi, d.trfc, d.trcd));
    return d;
}

} // namespace accsim
