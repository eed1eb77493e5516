"""Gathers one bench/generalization run from its work folder into WORK/results.json and, given OUT.md, writes
the document (docs/generalization.md) and a copy of the results beside it (OUT.json).

Usage: generalization_report.py WORK REPO CORPUS [OUT.md]
"""
import datetime
import json
import os
import shutil
import sys
import tomllib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_results import command_output, machine  # noqa: E402

# The paired sources the document shows per variant, by head (the pairs of the corpus, ../shared/corpus/SOURCES.md,
# and of the LLM data, hc3plus, when the run had it: on the llm head where the variant has one).
PAIRED_SOURCES = {"nonnative": ["wi-locness", "jfleg", "mucgec"], "machine": ["mlqe", "diabla", "wmt-ted", "hc3plus"],
                  "llm": ["hc3plus"]}
CELL_HEADS = ["nonnative", "machine", "llm"]  # heads whose every within-source cell gets a column
# source → head whose labels it gives → the head the default variant learns them as (scripts/llm-head.toml).
LLM_HEADS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scripts", "llm-head.toml")
RELABEL = tomllib.load(open(LLM_HEADS, "rb"))["data"]["relabel"]


def mean(values):
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def read_tsv(path):
    if not os.path.exists(path):
        return []
    return [line.rstrip("\n").split("\t") for line in open(path, encoding="utf-8") if line.strip()]


def number(text):
    return float(text) if text not in ("", "reused") else None


def settings(work):
    out = {"setup_commands": []}
    for key, value in read_tsv(os.path.join(work, "settings.tsv")):
        if key == "setup_command":
            out["setup_commands"].append(value)
        elif key in ("vocab_size", "max_sentences", "max_steps"):
            out[key] = int(value)
        elif key in ("variants", "loso_sources", "missing_sources"):
            out[key] = value.split()
        elif key in ("setup_seconds", "wall_seconds_before_report"):
            out[key] = number(value) if value != "reused" else "reused"
        else:
            out[key] = value
    return out


def runs(work):
    out = []
    for row in read_tsv(os.path.join(work, "runs.tsv")):
        row += [""] * (8 - len(row))
        kind, name, status, prepare_s, train_s, eval_s, folder, error = row[:8]
        commands_path = os.path.join(folder, "commands.txt")
        commands = [c for c in open(commands_path).read().splitlines() if c] if folder and os.path.exists(
            commands_path) else []
        report_path = os.path.join(folder, "report", "report.json")
        out.append({"kind": kind, "name": name, "status": status, "prepare_seconds": number(prepare_s),
                    "train_seconds": number(train_s), "eval_seconds": number(eval_s), "folder": folder,
                    "error": error.replace(work, "$WORK") or None, "commands": commands,
                    "report": report_path if status == "ok" and os.path.exists(report_path) else None,
                    "training": training_summary(os.path.join(folder, "model", "metrics.jsonl")) if folder else None})
    return out


def training_summary(path):
    """Steps and evaluations of a run, from its metrics.jsonl (what the trainer did within its caps)."""
    if not os.path.exists(path):
        return None
    steps, evaluations = 0, 0
    for line in open(path):
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if isinstance(row.get("step"), int):
            steps = max(steps, row["step"])
        if any(key in row for key in ("heads", "eval", "dev")):
            evaluations += 1
    return {"steps": steps, "evaluations": evaluations}


def binary_heads(report):
    return [h for h in report["heads"] if h.get("kind") == "binary"]


def slice_named(head, name):
    return next((s for s in head["slices"] if s["slice"] == name), None)


def at_threshold(s):
    """ROC-AUC, the false-positive rate and the recall at the model's threshold of one slice."""
    if s is None:
        return None
    c = s.get("at_threshold", {})
    tp, fp, tn, fn = (c.get(k) for k in ("tp", "fp", "tn", "fn"))
    negatives = (fp or 0) + (tn or 0)
    positives = (tp or 0) + (fn or 0)
    return {"n": s["n"], "positives": s.get("positives"), "roc_auc": s.get("roc_auc"),
            "fpr": fp / negatives if negatives and fp is not None else None,
            "recall": tp / positives if positives and tp is not None else None,
            "confusion": {k: c.get(k) for k in ("tp", "fp", "tn", "fn")}}


def variant_metrics(report):
    heads = binary_heads(report)
    lang_cells, within, paired = {}, {}, {}
    for head in heads:
        name = head["name"]
        lang_cells[name] = {s["lang"]: {"n": s["n"], "positives": s.get("positives"), "roc_auc": s.get("roc_auc")}
                            for s in head["slices"] if s["slice"] == f"lang:{s.get('lang')}"}
        # within_source and paired are newer than the rest of report.json: None (n/a) when the report lacks them.
        w = head.get("within_source")
        within[name] = None if w is None else {
            "macro_roc_auc": w.get("macro_roc_auc"), "min_per_class": w.get("min_per_class"),
            "cells": w.get("cells", [])}
        p = head.get("paired")
        paired[name] = None if p is None else {
            "groups": p.get("groups"), "pairs": p.get("pairs"), "accuracy": p.get("accuracy"),
            "by_source": {b["source"]: b for b in p.get("by_source", [])}}
    all_cells = [c["roc_auc"] for w in within.values() if w for c in w["cells"]]
    return {
        "thresholds": {h["name"]: h.get("threshold") for h in heads},
        "lang_cells": lang_cells,
        "mean_lang_roc_auc": mean(c["roc_auc"] for cells in lang_cells.values() for c in cells.values()),
        "lang_cells_defined": sum(1 for cells in lang_cells.values() for c in cells.values() if c["roc_auc"] is not None),
        "within_source": within,
        "within_mean_all_cells": mean(all_cells) if any(w is not None for w in within.values()) else None,
        "within_cells": len(all_cells),
        "paired": paired,
    }


def loso(run, default_report):
    """Per head labelled in the source's test posts: the left-out model on them, and the model trained on
    every source (the default variant) on the same posts (its source:<name> slice of test.jsonl)."""
    out = {"source": run["name"], "status": run["status"], "error": run["error"], "heads": []}
    if not run["report"]:
        return out
    report = json.load(open(run["report"]))
    for head in binary_heads(report):
        left_out = at_threshold(slice_named(head, "all"))
        if not left_out or not left_out["n"]:
            continue
        with_all = None
        if default_report:
            names = [RELABEL.get(run["name"], {}).get(head["name"]), head["name"]]
            trained = next((h for name in names for h in binary_heads(default_report) if h["name"] == name), None)
            with_all = at_threshold(slice_named(trained, f"source:{run['name']}")) if trained else None
            if with_all:
                with_all["threshold"] = trained.get("threshold")
        left_out["threshold"] = head.get("threshold")
        out["heads"].append({"head": head["name"], "n": left_out["n"], "positives": left_out["positives"],
                             "trained_with": with_all, "left_out": left_out})
    return out


def gather(work, repo, corpus):
    s = settings(work)
    all_runs = runs(work)
    variants = {}
    for r in all_runs:
        if r["kind"] == "variant":
            variants[r["name"]] = {"status": r["status"], "error": r["error"],
                                   "metrics": variant_metrics(json.load(open(r["report"]))) if r["report"] else None}
    definitions = {row[0]: {"train": row[1] if len(row) > 1 else "", "prepare": row[2] if len(row) > 2 else ""}
                   for row in read_tsv(os.path.join(work, "variants.tsv"))}
    default_run = next((r for r in all_runs if r["kind"] == "variant" and r["name"] == "default" and r["report"]), None)
    default_report = json.load(open(default_run["report"])) if default_run else None
    git = ["git", "-C", repo]
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "versions": {"sieve": command_output(git + ["rev-parse", "--short", "HEAD"]),
                     "sieve_dirty": bool(command_output(git + ["status", "--porcelain", "--untracked-files=no"])),
                     "libtorch-dev": command_output(["dpkg-query", "-W", "-f=${Version}", "libtorch-dev"]) or None},
        "load_average_at_end": open("/proc/loadavg").read().split()[:3],
        "settings": s,
        "corpus": {split: sum(1 for _ in open(os.path.join(corpus, f"{split}.jsonl"))) for split in ["train", "dev", "test"]},
        "sources": json.load(open(os.path.join(work, "data", "sources.json"))),
        "definitions": definitions,
        "variants": variants,
        "loso": [loso(r, default_report) for r in all_runs if r["kind"] == "loso"],
        "loso_trained_with": "default" if default_report else None,
        "runs": [{k: v for k, v in r.items() if k not in ("report", "folder")} |
                 {"folder": r["folder"].replace(work, "$WORK") if r["folder"] else None} for r in all_runs],
    }


# --- the document

def num(value, digits=3):
    return "–" if value is None else f"{value:.{digits}f}"


def table(header, rows, left=1):
    """A Markdown table, its first LEFT columns aligned left, the others right."""
    lines = ["| " + " | ".join(header) + " |", "|" + ":---|" * left + "---:|" * (len(header) - left)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def variant_table(r, columns):
    """COLUMNS: (header, value of a variant's metrics or None). Rows per variant, the best of each column in
    bold (when at least two variants have a value), failed variants marked."""
    names = r["settings"].get("variants") or list(r["variants"])
    values = {name: [get(r["variants"][name]["metrics"]) if r["variants"].get(name, {}).get("metrics") else None
                     for _, get in columns] for name in names}
    best = []
    for k in range(len(columns)):
        column = [round(values[n][k], 3) for n in names if values[n][k] is not None]
        best.append(max(column) if len(column) >= 2 and len(set(column)) > 1 else None)
    rows = []
    for name in names:
        v = r["variants"].get(name)
        if not v or v["status"] != "ok":
            rows.append([f"`{name}`"] + ["failed"] * len(columns))
            continue
        cells = []
        for k, value in enumerate(values[name]):
            text = num(value)
            cells.append(f"**{text}**" if best[k] is not None and value is not None and round(value, 3) == round(best[k], 3)
                         else text)
        rows.append([f"`{name}`"] + cells)
    return table(["variant"] + [h for h, _ in columns], rows)


def signed(value):
    if value is None:
        return "–"
    return "0.000" if abs(value) < 0.0005 else f"{value:+.3f}"


def identical_variants(r):
    """Groups of at least two variants whose metrics are equal."""
    groups = {}
    for name, v in r["variants"].items():
        if v["metrics"]:
            groups.setdefault(json.dumps(v["metrics"], sort_keys=True), []).append(name)
    return [g for g in groups.values() if len(g) > 1]


def first_metrics(r):
    return next((v["metrics"] for v in r["variants"].values() if v["metrics"]), None)


def get_path(*keys):
    def get(m):
        for key in keys:
            if m is None:
                return None
            m = m.get(key) if isinstance(m, dict) else None
        return m
    return get


def header(r):
    s, m, v = r["settings"], r["machine"], r["versions"]
    mode = s.get("mode")
    lines = [
        "# Generalization: what the models learn beyond the datasets",
        "",
        f"Generated by `{s.get('command')}` (bench/generalization_report.py) on {r['date']}; do not edit by hand. "
        "The raw values of every run are in [generalization.json](generalization.json).",
        "",
    ]
    steps = s.get("max_steps", 0)
    epochs = f"{steps * 128 / r['corpus']['train']:.1f} epochs" if steps else ""
    if mode == "quick":
        lines += [f"**This is a `--quick` run**: variants {', '.join(s.get('variants', []))}, {steps:,} steps each "
                  f"(about {epochs} of the training posts), sources left out: "
                  f"{', '.join(s.get('loso_sources', [])) or 'none'}. Its numbers are not what longer training "
                  "reaches; compare variants within one run only.", ""]
    if mode == "smoke":
        lines += ["**This is a smoke test of the script** (30 training steps, a small tokenizer): its numbers "
                  "mean nothing.", ""]
    lines += [
        "## Why these numbers",
        "",
        "Most sources of the corpus carry one side of a head only (every `ira` post is coordinated, every "
        "`tweeteval` post is organic), so a model can reach a good mean ROC-AUC per head × language by "
        "recognising which dataset a post comes from. The numbers below are the ones that shortcut cannot "
        "earn. **Within-source ROC-AUC** ranks posts inside one language × source cell holding both classes "
        "(at least the report's `min_per_class` of each, 20 by default): the dataset is the same on both "
        "sides, only the signal separates them. **Paired accuracy** is, inside the groups of one source (a "
        "learner sentence and its correction, an MT output and its human translation of the same text), the "
        "share of (positive, negative) pairs where the positive scores higher; 0.5 is chance. "
        "**Leave-one-source-out** trains without a source and evaluates on that source's test posts: its "
        "ROC-AUC where it holds both classes, its false-positive rate at the model's own threshold where it "
        "holds negatives (organic tweets flagged as machine-written), its recall where it holds positives. "
        "A change that raises the mean ROC-AUC but not these has taught the model more about the datasets, "
        "not about the signal.",
        "",
        "## Run",
        "",
        f"- machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB, {m['os']}, Linux {m['kernel']}",
        f"- sieve {v['sieve']}" + (" (with uncommitted changes in the tree)" if v["sieve_dirty"] else "")
        + f", libtorch-dev {v['libtorch-dev']}",
        "- data: the corpus beside the checkout (`$CORPUS`, ../shared/corpus, not part of the repository)"
        + (", with the LLM data (../shared/llm, source hc3plus: ChatGPT's rewrites beside the human texts they "
           "came from) appended to its train.jsonl and test.jsonl as `$WORK/corpus`, as scripts/train-default "
           "trains on it" if s.get("llm") == "yes" else "") + ": "
        f"{r['corpus']['train']:,} training posts from {len(r['sources']['train'])} sources, "
        f"{r['corpus']['dev']:,} dev posts (early stopping, thresholds of best F1), {r['corpus']['test']:,} "
        "test posts for every number below",
        f"- tokenizer: {s.get('vocab_size', 0):,} pieces, trained on at most {s.get('max_sentences', 0):,} "
        "sentences of train.jsonl; every training run adds `" + s.get("train_common", "") + "` to its own "
        "settings (the trainer's defaults otherwise: docs/training.md)",
        (f"- **training is capped at {steps:,} steps** of 128 posts, about {epochs} of the training "
         "posts (the trainer's default is 10 epochs with early stopping, which at about 25 ms a step on these 2 "
         "cores would not fit every run in the time budget); every variant and every left-out run has the same "
         "cap, so they compare with each other" if steps else
         "- training: the trainer's epochs and early stopping (no step cap)"),
        f"- wall time of the whole run: {wall(s)}; load average at its end: {' '.join(r['load_average_at_end'])}",
        "",
    ]
    return lines


def wall(s):
    w = s.get("wall_seconds_before_report")
    return f"{w / 60:.1f} minutes" if isinstance(w, float) else "–"


def variants_section(r):
    m = first_metrics(r)
    lines = ["## Variants", "", "In `sieve data prepare` options, `FLUENCY` is the fluency model of the setup "
             "(the labelled native posts of train.jsonl, with the learner and machine contrasts) and "
             "`NATIVE_FLUENCY` the one that also read the native text (the setup commands below); `default` "
             "is scripts/train-default's recipe (its network and, when the LLM data is trained on, the llm head "
             "it learns that data as: `LLM_HEADS` is `-c scripts/llm-head.toml`, given to its `sieve eval` too) "
             "at this run's budget; docs/llm-text.md measures each of its parts.", "",
             table(["variant", "`sieve train` settings", "`sieve data prepare` options"], [
        [f"`{name}`", f"`{d['train']}`" if d["train"] else "(the defaults)", f"`{d['prepare']}`" if d["prepare"] else "–"]
        for name, d in r["definitions"].items() if name in (r["settings"].get("variants") or [])], left=3), ""]
    failed = [(n, v["error"]) for n, v in r["variants"].items() if v["status"] != "ok"]
    for name, error in failed:
        lines += [f"Variant `{name}` **failed**: {error or 'no message'}.", ""]
    if m is None:
        return lines + ["No variant produced a report.", ""]
    heads = list(m["lang_cells"])
    within_heads = [h for h in heads if any(
        (v["metrics"] or {}).get("within_source", {}).get(h) and v["metrics"]["within_source"][h]["cells"]
        for v in r["variants"].values())]
    paired_heads = [h for h in heads if any(
        get_path("paired", h, "pairs")(v["metrics"]) for v in r["variants"].values())]
    columns = [("mean ROC-AUC, head × lang", get_path("mean_lang_roc_auc"))]
    columns += [(f"within {h}", get_path("within_source", h, "macro_roc_auc")) for h in within_heads]
    columns += [("within, all cells", get_path("within_mean_all_cells"))]
    columns += [(f"paired {h}", get_path("paired", h, "accuracy")) for h in paired_heads]
    missing_signal = all(get_path("within_source", h)(m) is None for h in heads)
    lines += ["### Overall", "", variant_table(r, columns), ""]
    same = identical_variants(r)
    if same:
        lines += ["Variants with the same numbers everywhere (their settings resolve to the same training): "
                  + "; ".join(" = ".join(f"`{n}`" for n in group) for group in same) + ".", ""]
    no_within = [h for h in heads if h not in within_heads]
    no_pairs = [h for h in heads if h not in paired_heads]
    lines += [
        f"Mean ROC-AUC: over the {m['lang_cells_defined']} head × language cells (the `lang:xx` slices of the "
        "binary heads) holding both classes. Within: the mean ROC-AUC of a head's language × source cells "
        f"(`within_source.macro_roc_auc` of report.json); all cells: the mean over the {m['within_cells']} cells "
        "of every head together. Paired: the share of a head's pairs ordered correctly, over every group of "
        "the test posts holding both of its labels. Bold: the best variant of a column."
        + (f" No within-source cell for {', '.join(no_within)}: no source holds both of its classes."
           if no_within and not missing_signal else "")
        + (f" No pairs for {', '.join(no_pairs)}: no group holds both of its labels." if no_pairs and not missing_signal else "")
        + (" This sieve's report.json has no `within_source` and `paired` yet: those columns are n/a (–)."
           if missing_signal else ""),
        "",
    ]
    columns = []
    for head, sources in PAIRED_SOURCES.items():
        for source in sources:
            pairs = get_path("paired", head, "by_source", source, "pairs")(m)
            columns.append((f"{head} {source}" + (f" ({pairs:,})" if pairs else ""),
                            get_path("paired", head, "by_source", source, "accuracy")))
    lines += ["### Paired accuracy by source", "", variant_table(r, columns), "",
              "Per source, the share of its pairs (count in the header) ordered correctly: inside a group, "
              "every (positive, negative) pair of the head. – where the source has no pair in test.jsonl.", ""]
    for head in CELL_HEADS:
        # Every variant's cells of the head, once each: a head may be in some variants only (llm).
        cells = {(c["source"], c["lang"]): c for v in r["variants"].values() if v["metrics"]
                 for c in (get_path("within_source", head)(v["metrics"]) or {}).get("cells", [])}
        cells = [cells[key] for key in sorted(cells)]
        if not cells:
            continue
        columns = []
        for c in cells:
            def get(metrics, c=c):
                w = get_path("within_source", head)(metrics) or {}
                hit = next((x for x in w.get("cells", []) if (x["source"], x["lang"]) == (c["source"], c["lang"])), None)
                return hit["roc_auc"] if hit else None
            columns.append((f"{c['source']} {c['lang']} ({c['positives']:,}/{c['n']:,})", get))
        lines += [f"### Within-source ROC-AUC, {head}", "", variant_table(r, columns), "",
                  "Each language × source cell of the head holding both classes; in the header its positives "
                  "/ posts.", ""]
    return lines


def loso_section(r):
    entries = r["loso"]
    if not entries:
        return []
    with_name = r["loso_trained_with"]
    rows, failures = [], []
    for e in entries:
        if e["status"] != "ok":
            rows.append([f"`{e['source']}`", f"**{e['status']}**"] + [""] * 9)
            failures.append(f"- `{e['source']}`: {e['status']}" + (f": {e['error']}" if e["error"] else ""))
            continue
        for h in e["heads"]:
            a, b = h["trained_with"] or {}, h["left_out"]
            drop = (b["roc_auc"] - a["roc_auc"]) if a.get("roc_auc") is not None and b["roc_auc"] is not None else None
            rows.append([f"`{e['source']}`", h["head"], f"{h['n']:,}", f"{h['positives']:,}",
                         num(a.get("roc_auc")), num(b["roc_auc"]), signed(drop),
                         num(a.get("fpr")), num(b["fpr"]), num(a.get("recall")), num(b["recall"])])
    s = r["settings"]
    lines = ["## Leave one source out", "",
             table(["source", "head", "posts", "positives", "AUC with", "AUC left out", "Δ AUC", "FPR with",
                    "FPR left out", "recall with", "recall left out"], rows, left=2), ""]
    if failures:
        lines += ["Runs without numbers:", ""] + failures + [""]
    lines += [
        "Each source in turn: the `default` variant trained with `--set 'train.exclude_sources=[\"<source>\"]'` "
        "(its posts are left out of training and of the dev evaluation that picks the best weights and the "
        "thresholds), evaluated with `sieve eval` on the test posts of that source only; per head that "
        "labels them. Its fluency models (`FLUENCY`, `NATIVE_FLUENCY`) are learned without that source too, "
        "so that no part of the model has read its posts. *With*: the `default` variant trained on every "
        "source, on the same posts (the `source:<name>` slice of its report); for a source whose labels "
        "the default variant learns as another head (scripts/llm-head.toml: the LLM data's machine labels as "
        "llm), that head, while the left-out model, prepared without it, is measured on the head the labels "
        "name. AUC needs both classes; FPR (false-positive rate) and "
        "recall are at each model's own threshold (best F1 on its dev posts), FPR where the source holds "
        "negatives, recall where it holds positives."
        + ("" if with_name else " The `default` variant was not run or failed: no *with* numbers.")
        + (f" Sources asked for but absent from train.jsonl: {', '.join(s['missing_sources'])}."
           if s.get("missing_sources") else ""), ""]
    return lines


def runs_section(r):
    rows = []
    for run in r["runs"]:
        parts = [run["prepare_seconds"], run["train_seconds"], run["eval_seconds"]]
        total = sum(p for p in parts if p is not None) if any(p is not None for p in parts) else None
        t = run.get("training") or {}
        rows.append([run["kind"], f"`{run['name']}`", run["status"], num(run["prepare_seconds"], 1),
                     num(run["train_seconds"], 1), f"{t['steps']:,}" if t.get("steps") else "–",
                     num(run["eval_seconds"], 1), num(total, 1)])
    s = r["settings"]
    setup = s.get("setup_seconds")
    setup_text = ("reused from an earlier run with the same corpus, settings and sieve binary" if setup == "reused"
                  else f"{setup:.1f} s" if isinstance(setup, float) else "–")
    return ["## Runs", "",
            table(["kind", "run", "status", "prepare s", "train s", "steps", "eval s", "total s"], rows, left=3), "",
            f"Wall times on the machine above, each run after the other. Setup (tokenizer and shards, once): "
            f"{setup_text}. The whole run: {wall(s)}. Steps: the last training step of metrics.jsonl "
            "(the trainer stops early when the mean dev PR-AUC has not improved for `train.patience` evaluations).",
            ""]


def commands_section(r):
    with_llm = r["settings"].get("llm") == "yes"
    lines = ["## Commands", "", "From the repository root, `$WORK` the work folder, `$CORPUS` the corpus, "
             + ("`$LLM` the LLM data " if with_llm else "") + "and `$NATIVE` the native text; `sieve` is "
             "`build/cli/sieve`.", "", "```sh"]
    lines += r["settings"].get("setup_commands", [])
    lines.append(f"/usr/bin/python3 bench/generalization_data.py {'$WORK/corpus' if with_llm else '$CORPUS'} "
                 "$WORK/data   # test-<source>.jsonl")
    for run in r["runs"]:
        lines += run["commands"]
    return lines + ["```", ""]


def reproduce_section():
    return ["## Reproduce", "", "```sh",
            "bench/generalization --quick   # 3 variants, 6 sources left out, 2,000 steps each: about 40 minutes on 2 cores",
            "bench/generalization           # every variant and source, 3,000 steps each: about 2.5 hours",
            "```", "",
            "It needs a build with training (`build/cli/sieve-train`) and the corpus at ../shared/corpus "
            "(or `CORPUS`). `WORK` (default /tmp/sieve-generalization) keeps every model and report; "
            "`VARIANTS=\"plain default\"` and `LOSO_SOURCES=\"jfleg mucgec\"` choose runs; `STEPS` changes the "
            "step cap (0: none, the trainer's 10 epochs and early stopping, several times longer); `EXTRA_SETS` adds "
            "`--set` words to every training; `DOC=\"\"` writes only `$WORK/results.json`. A new variant is one "
            "line of the list at the top of bench/generalization (its name, its `sieve train` words and, "
            "if it needs them, `sieve data prepare` options for shards of its own).", ""]


def write_doc(r, out):
    lines = header(r) + variants_section(r) + loso_section(r) + runs_section(r) + commands_section(r) + \
        reproduce_section()
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines).rstrip() + "\n")


def main(work, repo, corpus, out=None):
    results = gather(work, repo, corpus)
    with open(os.path.join(work, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
        f.write("\n")
    if out:
        write_doc(results, out)
        shutil.copyfile(os.path.join(work, "results.json"), os.path.splitext(out)[0] + ".json")


if __name__ == "__main__":
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    main(*sys.argv[1:])
