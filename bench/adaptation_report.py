"""Writes docs/adaptation.md (and the chart beside it, adaptation.svg) from bench/adaptation's results.

  adaptation_report.py RESULTS.json DOC.md REPO
"""
import datetime
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_results import machine, versions  # noqa: E402
from generalization_report import num, table  # noqa: E402

COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"]


def chart(source):
    """An SVG line chart of one source: ROC-AUC by labelled posts (log axis), one line per contender, the
    zero-shot point at 0 and the reference (all of the source's training posts) as a dashed line."""
    width, height, left, right, top, bottom = 560, 320, 56, 190, 28, 44
    sizes = sorted({int(n) for curve in source["curves"].values() for n in curve})
    if not sizes:
        return ""
    x_max = math.log10(max(sizes) * 1.5)

    def x(n):
        return left + (width - left - right) * (math.log10(n) if n > 0 else 0) / x_max

    values = [v for curve in source["curves"].values() for v in curve.values() if v is not None]
    values += [source["zero_shot"], source["reference"]]
    lo, hi = math.floor(min(values) * 10) / 10, math.ceil(max(values) * 10) / 10
    hi = max(hi, lo + 0.1)

    def y(v):
        return top + (height - top - bottom) * (hi - v) / (hi - lo)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
           f'font-size="11">',
           f'<text x="{left}" y="16" font-size="13">{source["source"]}: {source["head"]} ROC-AUC on its test posts'
           '</text>']
    for k in range(int(round((hi - lo) * 10)) + 1):
        v = lo + k / 10
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#ddd"/>'
                   f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v:.1f}</text>')
    for n in [0] + sizes:
        out.append(f'<text x="{x(n):.1f}" y="{height - bottom + 16}" text-anchor="middle">{n:,}</text>')
    out.append(f'<text x="{(left + width - right) / 2:.0f}" y="{height - 8}" text-anchor="middle">'
               'labelled posts of the source (log scale; 0 = the base model)</text>')
    ref = y(source["reference"])
    out.append(f'<line x1="{left}" x2="{width - right}" y1="{ref:.1f}" y2="{ref:.1f}" stroke="#444" '
               f'stroke-dasharray="5,4"/>')
    legend = [("all of its training posts", "#444", True)]
    for k, (name, curve) in enumerate(sorted(source["curves"].items())):
        colour = COLOURS[k % len(COLOURS)]
        points = [(0, source["zero_shot"])] if name.startswith("adapt") else []
        points += sorted((int(n), v) for n, v in curve.items() if v is not None)
        path = " ".join(f"{x(n):.1f},{y(v):.1f}" for n, v in points)
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        out += [f'<circle cx="{x(n):.1f}" cy="{y(v):.1f}" r="3" fill="{colour}"/>' for n, v in points]
        legend.append((name, colour, False))
    for k, (name, colour, dashed) in enumerate(legend):
        ly = top + 14 + 18 * k
        dash = ' stroke-dasharray="5,4"' if dashed else ""
        out.append(f'<line x1="{width - right + 10}" x2="{width - right + 30}" y1="{ly}" y2="{ly}" '
                   f'stroke="{colour}" stroke-width="2"{dash}/><text x="{width - right + 36}" y="{ly + 4}">{name}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def curve_table(source):
    sizes = sorted({int(n) for curve in source["curves"].values() for n in curve})
    rows = [["zero-shot (base model, no posts of the source)", num(source["zero_shot"])] + ["" for _ in sizes]]
    for name, curve in sorted(source["curves"].items()):
        rows.append([name, ""] + [num(curve.get(str(n), curve.get(n))) for n in sizes])
    rows.append(["all of the source's training posts (reference)", num(source["reference"])] + ["" for _ in sizes])
    return table(["model", "0"] + [f"{n:,}" for n in sizes], rows)


def targets(source):
    """The issue's two accuracy targets at 200 posts, as sentences."""
    adapt = source["curves"].get("adapt, random posts", {})
    at200 = adapt.get("200", adapt.get(200))
    lines = []
    if at200 is not None:
        gap = source["reference"] - at200
        gain = at200 - source["zero_shot"]
        lines.append(f"- With 200 random labelled posts: ROC-AUC {at200:.3f}, {gap:+.3f} below the model trained "
                     f"with all {source['pool']:,} of its training posts (target: within 0.03), {gain:+.3f} above "
                     f"zero-shot (target: at least +0.10 where zero-shot is below 0.80).")
    f = source.get("forgetting")
    if f and f["worst_cell"]:
        lines.append(f"- Forgetting with --replay (200 posts): over the {f['cells']} within-source cells of the other "
                     f"sources the mean drop is {f['mean_drop']:+.4f}, the largest {f['worst_drop']:+.4f} "
                     f"({f['worst_cell']}; target: at most 0.01).")
    seconds = source.get("adapt_seconds", {})
    if "random 200" in seconds:
        lines.append(f"- `sieve adapt` on 200 posts took {seconds['random 200']:.0f} s (target: under 60 s on 2 "
                     "cores), three training runs included.")
    return "\n".join(lines)


def main(results_path, doc, repo):
    r = json.load(open(results_path))
    doc_dir = os.path.dirname(os.path.abspath(doc))
    now = datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC")
    m, v = machine(), versions(repo)
    s = r["settings"]
    lines = [
        "# Adapting to a new campaign: learning curves",
        "",
        f"Generated by `bench/adaptation{' --quick' if r['mode'] == 'quick' else ''}` (bench/adaptation_report.py) "
        f"on {now}; do not edit by hand.",
        "",
        "A source of the corpus plays the new campaign: a base model is trained without it, then adapted with a "
        "few of its labelled training posts (`sieve adapt`, which holds a fifth of them back by group to choose "
        "its learning rate and stop early, and replays as many posts of the base shards), and every model is "
        "scored on the source's test posts, whose groups (accounts, documents) the adaptation never saw. Beside "
        "the adaptations: a model trained from scratch on the base data plus the same posts, fastText trained "
        "on the same data, and the model trained with all of the source's training posts, which an adaptation "
        "should come near.",
        "",
        "## Recipe",
        "",
        "```sh",
        "sieve adapt --suggest 200 model.sieve campaign.jsonl --head coordinated -o to-label.jsonl  # label these",
        "sieve adapt model.sieve labelled.jsonl --head coordinated --replay shards/train -o adapted.sieve",
        "```",
        "",
        "- Label 200 posts or more, from as many accounts as you can: the held-back fifth is whole accounts, and "
        "a head learned from few accounts learns their style.",
        "- A label the base model lacks (the campaign itself) becomes a new head: `--head <name>`.",
        "- Give `--replay` the base model's training shards: the other heads and languages keep what they knew.",
        "- Read the before/after table `sieve adapt` prints (and `<out>.json`): it is measured on the held-back "
        "accounts, a small sample; evaluate on more posts of the campaign before trusting a threshold.",
        "",
        "## Run",
        "",
        f"- machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB, {m['os']}",
        f"- sieve {v['sieve']}{' (with uncommitted changes)' if v['sieve_dirty'] else ''}, fastText {v['fasttext']}, "
        f"libtorch-dev {v['libtorch-dev']}",
        f"- data: {r['rows']['train']:,} training and {r['rows']['test']:,} test posts of the corpus beside the "
        "checkout (not part of the repository)",
        f"- base, scratch and reference models: the default bag model capped at {s['steps']:,} steps of 128 posts; "
        f"tokenizer of {s['vocab']:,} pieces; fastText {' '.join(['-wordNgrams 2 -minn 2 -maxn 4 -epoch 5'])}",
        f"- wall time: {r['seconds'] / 60:.1f} minutes"
        + ("" if r["setup_seconds"] is None else f" (setup of the tokenizer and shards: {r['setup_seconds'] / 60:.1f})")
        + ("" if r["setup_seconds"] is not None else
           " (tokenizer, shards" + (", reference and base models" if r.get("reused_models") else "")
           + " reused from an earlier run of the same settings)"),
        "",
    ]
    if r["mode"] != "full":
        lines += [f"**This is a `--{r['mode']}` run** ({', '.join(s['sources'])} only; sizes "
                  f"{', '.join(str(n) for n in s['sizes'])}): its numbers are one seed on one source.", ""]
    for source in r["sources"]:
        svg = chart(source)
        name = f"adaptation-{source['source']}.svg"
        open(os.path.join(doc_dir, name), "w").write(svg)
        lines += [f"## {source['source']} ({source['head']})", "",
                  f"{source['pool']:,} labelled training posts to draw from; {source['test']:,} test posts "
                  f"({source['test_positives']:,} positive).", "", f"![learning curves of {source['source']}]({name})", "",
                  curve_table(source), "", targets(source), ""]
    lines += ["## Commands", "", "From the repository root; `$WORK` is the work folder, `$CORPUS` the corpus.", "",
              "```sh"] + [c for _, c in r["commands"]] + ["```", ""]
    open(doc, "w").write("\n".join(lines))


if __name__ == "__main__":
    main(*sys.argv[1:4])
