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

COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]


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
        points = [(0, source["zero_shot"])] if not name.startswith("fastText") else []
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


def fasttext_best(source, n):
    """The better of fastText's runs on the same posts alone (its epochs), at n posts."""
    values = [curve.get(str(n), curve.get(n)) for name, curve in source["curves"].items()
              if name.startswith("fastText, the posts alone")]
    values = [v for v in values if v is not None]
    return max(values) if values else None


def at(source, curve, n):
    values = source["curves"].get(curve, {})
    return values.get(str(n), values.get(n))


def targets(source):
    """The targets at 200 posts, as sentences."""
    lines = []
    campaign, fasttext = at(source, "campaign model, random posts", 200), fasttext_best(source, 200)
    opened = at(source, "campaign model, open gate", 200)
    if campaign is not None and fasttext is not None:
        lines.append(f"- With 200 random labelled posts: the campaign model {campaign:.3f}, with --open-gate "
                     f"{num(opened)}; fastText on the same posts alone (the better of its runs) {fasttext:.3f}: "
                     f"{campaign - fasttext:+.3f} (target: at least +0.02 on average over the sources, never below "
                     f"-0.02); zero-shot {source['zero_shot']:.3f}, all {source['pool']:,} training posts "
                     f"{source['reference']:.3f}.")
    for key, label in [("campaign", "the campaign model"), ("open", "with --open-gate")]:
        f = (source.get("forgetting") or {}).get(key)
        if f and f["worst_cell"]:
            lines.append(f"- Forgetting, {label} (200 posts): over the {f['cells']} within-source cells of the other "
                         f"sources (every head) the mean drop is {f['mean_drop']:+.4f}, the largest "
                         f"{f['worst_drop']:+.4f} ({f['worst_cell']}; target: at most 0.005).")
    fpr = source.get("organic_fpr")
    if fpr:
        base = fpr["base"]
        lines.append(f"- The adapted head's false-positive rate on the corpus's {base['posts']:,} organic test posts "
                     f"at the model's threshold: base {100 * base['fpr']:.2f} %, campaign model "
                     f"{100 * fpr['campaign']['fpr']:.2f} %, with --open-gate {100 * fpr['open']['fpr']:.2f} % "
                     "(target: at most 0.5 points above the base). `sieve score`, one thread, on the test "
                     f"posts three times over: base {base['posts_per_second']:,} posts/s, adapted "
                     f"{fpr['campaign']['posts_per_second']:,} "
                     f"({fpr['campaign']['posts_per_second'] / base['posts_per_second']:.0%} of the base's "
                     "throughput; target: at least 90 %).")
    seconds = source.get("adapt_seconds", {})
    if "random 200" in seconds:
        tuned = seconds.get("fine-tune 200")
        lines.append(f"- `sieve adapt` on 200 posts took {seconds['random 200']:.0f} s (target: under 30 s on 2 "
                     "cores)" + (f"; --fine-tune {tuned:.0f} s." if tuned else "."))
    report = source.get("adapt_reports", {}).get("random 200")
    if report:
        h = report["held_back"]
        lines.append(f"- What `sieve adapt` itself said (200 posts): held-back ROC-AUC {num(h['roc_auc_before'])} → "
                     f"{num(h['roc_auc_after'])} on {report['posts']['held_back']} posts of {h['groups']} groups, "
                     f"95 % interval of the difference [{num(h['difference_low'])}, {num(h['difference_high'])}]: "
                     f"{h['verdict']}; gate open from the labelled posts' {report['gate_quantile']:.2f} quantile.")
    return "\n".join(lines)


def summary(sources):
    """The average over sources of the campaign model against fastText at 200 posts."""
    pairs = [(at(s, "campaign model, random posts", 200), fasttext_best(s, 200),
              at(s, "campaign model, open gate", 200)) for s in sources]
    pairs = [p for p in pairs if p[0] is not None and p[1] is not None]
    if not pairs:
        return []
    mean = sum(c - f for c, f, _ in pairs) / len(pairs)
    worst = min(c - f for c, f, _ in pairs)
    lines = [f"Over the {len(pairs)} sources at 200 random posts, the campaign model minus fastText on the same "
             f"posts alone (the better of its runs): mean {mean:+.3f}, worst {worst:+.3f} (targets: mean at least "
             "+0.02, worst at least -0.02)."]
    opened = [(o, f) for _, f, o in pairs if o is not None]
    if opened:
        lines[0] += (f" With --open-gate: mean {sum(o - f for o, f in opened) / len(opened):+.3f}, worst "
                     f"{min(o - f for o, f in opened):+.3f}.")
    return lines + [""]


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
        "few of its labelled training posts, and every model is scored on the source's test posts, whose groups "
        "(accounts, documents) the adaptation never saw. `sieve adapt` learns a campaign model beside the base "
        "head (docs/training.md, 'The campaign model'): a logistic regression on the base featurizer's ids and dense values, "
        "stacked with the base head's logit, behind a gate that opens for posts of the campaign's kind as far as "
        "the head's other sources allow, its level lowered until no source of the base training posts gets "
        "more false positives. Beside it: the same with `--open-gate` (the campaign model scores every post of "
        "the head), the old fine-tuning of the whole network (`--fine-tune`), fastText trained on the same "
        "labelled posts alone (the peer an engineer tries first), and the model trained with all of the "
        "source's training posts.",
        "",
        "## Recipe",
        "",
        "```sh",
        "sieve adapt --suggest 200 model.sieve campaign.jsonl --head coordinated -o to-label.jsonl  # label these",
        "sieve adapt model.sieve labelled.jsonl --head coordinated --replay shards/train -o adapted.sieve",
        "sieve campaigns adapted.sieve                              # what the model holds",
        "sieve campaigns adapted.sieve --remove labelled -o base-again.sieve",
        "```",
        "",
        "- Label 200 posts or more, of both classes, from as many accounts as you can: the held-back fifth is whole "
        "accounts, and a model learned from few accounts learns their style.",
        "- Give `--replay` the base model's training shards: the gate learns from them what is not the campaign, "
        "and the check posts say what the head would forget. Without it the campaign model scores every post of "
        "the head.",
        "- Read the line `sieve adapt` prints (and `<out>.json`): held-back ROC-AUC before and after with a "
        "bootstrap interval over the held-back accounts. It says \"better\" only when the whole interval is "
        "above zero.",
        "- A second campaign is a second `sieve adapt` on the adapted model; the base heads' weights never change.",
        "",
        "## Run",
        "",
        f"- machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB, {m['os']}",
        f"- sieve {v['sieve']}{' (with uncommitted changes)' if v['sieve_dirty'] else ''}, fastText {v['fasttext']}, "
        f"libtorch-dev {v['libtorch-dev']}",
        f"- data: {r['rows']['train']:,} training and {r['rows']['test']:,} test posts of the corpus beside the "
        "checkout (not part of the repository)",
        f"- base and reference models: the default bag model capped at {s['steps']:,} steps of 128 posts; "
        f"tokenizer of {s['vocab']:,} pieces; fastText -wordNgrams 2 -minn 2 -maxn 4, 50 and 100 epochs",
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
    lines += summary(r["sources"])
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
