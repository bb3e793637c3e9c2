#!/usr/bin/python3
"""Draws a study's plot from the JSON that `accsim study` writes: plot_study.py STUDY.json OUT.png.

The study's [plot] section names x, y and series as report paths (summary.latency_us,
config.eie.pes); logx/logy take true/false; hlines is a comma list of VALUE[:label].
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(json_path, png_path):
    with open(json_path) as f:
        study = json.load(f)
    plot = study.get("plot") or {}
    x_key, y_key = plot.get("x"), plot.get("y")
    if not x_key or not y_key:
        sys.exit("the study's [plot] needs x and y")
    series_key = plot.get("series", "sweep")
    where = [w.strip() for w in plot.get("where", "").split(",") if w.strip()]

    def value(point, key):
        if key == "sweep":
            return point["sweep"]
        if key in point.get("metrics", {}):
            return point["metrics"][key]
        if key.startswith("config."):
            want = key[len("config."):] + "="
            for s in point["set"]:
                if s.startswith(want):
                    return s[len(want):]
        return None

    def as_number(v):
        try:
            return float(v)
        except (TypeError, ValueError):
            return str(v)  # a categorical axis (run.skip = keep, remove, ...)

    series = {}
    def selected(point, w):
        if w.startswith("sweep="):
            return point["sweep"] == w[len("sweep="):]
        return w in point["set"]

    for p in study["points"]:
        if p["exit_code"] != 0 or not all(selected(p, w) for w in where):
            continue
        x, y = value(p, x_key), value(p, y_key)
        if x is None or y is None:
            continue
        series.setdefault(str(value(p, series_key)), []).append((as_number(x), float(y)))

    # flat: points drawn as a line across the plot at their y (a design without the x key, such
    # as a block without the skip whose FIFO depth is x).
    flat_where = [w.strip() for w in plot.get("flat", "").split(",") if w.strip()]
    flat = []
    if flat_where:
        for p in study["points"]:
            if p["exit_code"] == 0 and all(selected(p, w) for w in flat_where):
                y = value(p, y_key)
                if y is not None:
                    flat.append((f"{p['sweep']} (accsim)", float(y)))

    # Published values of the y metric: a star at the point's x, or a dotted line when the
    # point has no x.
    published = []
    for f in study.get("published", []):
        if f.get("kind") != "value" or f.get("metric") != y_key:
            continue
        for p in study["points"]:
            if all(selected(p, w) for w in f.get("where", [])):
                x = None if value(p, x_key) is None else as_number(value(p, x_key))
                numeric = all(isinstance(q[0], float) for pts in series.values() for q in pts)
                if isinstance(x, str) and numeric:
                    x = None  # a word (a default such as "fifo_depth") on a numeric axis
                published.append((f["name"], x, f["published"], str(value(p, series_key))))
                break

    if not series:
        sys.exit(f"no point of the study has both x = {x_key} and y = {y_key} "
                 "(varied keys are written config.SECTION.KEY)")
    labels = study.get("labels", {})
    def words(key):
        return labels.get(key, key)
    categorical = any(isinstance(p[0], str) for pts in series.values() for p in pts)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    if categorical:
        # Categories (keep / remove / shorten) as grouped bars, one bar per series.
        cats = []
        for pts in series.values():
            for x, _ in pts:
                if str(x) not in cats:
                    cats.append(str(x))
        # One series per category (x = sweep): a bar each, centred; else grouped side by side.
        single = all(sum(1 for pts in series.values() if any(str(x) == c for x, _ in pts)) == 1
                     for c in cats)
        width = 0.6 if single else 0.8 / max(1, len(series))
        names = list(series)
        def bar_x(cat, name):
            k = names.index(name) if name in names else 0
            return cats.index(cat) + (0 if single else (k - (len(series) - 1) / 2) * width)
        for name, pts in series.items():
            label = ("accsim" if name == names[0] else None) if single else name
            ax.bar([bar_x(str(x), name) for x, _ in pts], [y for _, y in pts], width=width,
                   label=label, color="tab:blue" if single else None)
        ax.set_xticks(range(len(cats)))
        ax.set_xticklabels(cats, rotation=30 if len(cats) > 5 else 0,
                           ha="right" if len(cats) > 5 else "center")
    else:
        for name, pts in series.items():
            pts.sort()
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=name)
    for label, y in flat:
        ax.axhline(y, linestyle="-", color="tab:orange", linewidth=1.5)
        ax.annotate(label, (0.99, y), xycoords=("axes fraction", "data"), fontsize=8,
                    va="top", ha="right", color="tab:orange")
    for name, x, y, in_series in published:
        if categorical and x is not None and str(x) in cats:
            # A star on the bar of the point it is compared at.
            ax.plot([bar_x(str(x), in_series)], [y], marker="*", markersize=12, linestyle="none",
                    color="black", label="published" if name == published[0][0] else None)
        elif x is None or categorical:
            ax.axhline(y, linestyle=":", color="black", linewidth=1.2)
            ax.annotate(f"published: {name}", (0.01, y), xycoords=("axes fraction", "data"),
                        fontsize=8, va="bottom", color="black")
        else:
            ax.plot([x], [y], marker="*", markersize=12, linestyle="none", color="black")
            ax.annotate(f"published: {name}", (x, y), textcoords="offset points", xytext=(-6, 6),
                        fontsize=8, ha="right", color="black")
    for h in [h for h in plot.get("hlines", "").split(",") if h.strip()]:
        v, _, label = h.partition(":")
        ax.axhline(float(v), linestyle="--", color="grey", linewidth=1)
        if label:
            ax.annotate(label.strip(), (0.01, float(v)), xycoords=("axes fraction", "data"), fontsize=8,
                        va="bottom", color="grey")
    if plot.get("logx", "false") == "true" and not categorical:
        ax.set_xscale("log", base=2)
    if plot.get("logy", "false") == "true":
        ax.set_yscale("log")
    # A ratio, share, efficiency or utilization reads against 0; so do bars.
    ys = [y for pts in series.values() for _, y in pts]
    if plot.get("logy", "false") != "true" and (categorical or (ys and 0 <= min(ys) and max(ys) <= 1)):
        ax.set_ylim(bottom=0)
    ax.set_xlabel(words(x_key))
    ax.set_ylabel(words(y_key))
    ax.set_title(plot.get("title", study.get("title", study["study"])), fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, title=words(series_key) if series_key != "sweep" else None,
              title_fontsize=8)
    fig.tight_layout()
    fig.savefig(png_path, dpi=120)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: plot_study.py STUDY.json OUT.png")
    main(sys.argv[1], sys.argv[2])
