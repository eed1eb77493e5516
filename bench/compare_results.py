"""Gathers the raw measurements of one bench/compare run from its work folder into one JSON document on
standard output (results.json): the machine and versions, every raw value, and the medians and ratios
that docs/benchmarks.md shows. Under "signal", per model and head, the two numbers that recognising the
dataset cannot earn (docs/evaluation.md): sieve's from its `sieve eval` report, fastText's computed here
from its per-post test scores joined with test.jsonl, by the same definitions.

Usage: compare_results.py WORK REPO CORPUS
"""
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_report import (LABELS, LANGS, WITHIN_MIN_PER_CLASS, best_f1_threshold, f1_at,  # noqa: E402
                            fasttext_scores, paired, pr_auc, roc_auc, within_source)

ARCHS = ["bag", "cnn", "transformer"]
CELLS = LANGS + ["all"]
METRICS = ["roc_auc", "pr_auc", "f1"]


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def command_output(args):
    try:
        return subprocess.run(args, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return ""


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in command_output(["lscpu"]).splitlines()
                if line.startswith("Model name")), platform.processor())
    memory_kb = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal"))
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(memory_kb / 1024 / 1024, 1),
            "kernel": platform.release(), "os": command_output(["sh", "-c", ". /etc/os-release; echo $PRETTY_NAME"])}


def versions(repo):
    def dpkg(package):
        return command_output(["dpkg-query", "-W", "-f=${Version}", package]) or None
    git = ["git", "-C", repo]
    return {"sieve": command_output(git + ["rev-parse", "--short", "HEAD"]),
            "sieve_dirty": bool(command_output(git + ["status", "--porcelain", "--untracked-files=no"])),
            "fasttext": dpkg("fasttext"), "libtorch-dev": dpkg("libtorch-dev"),
            "libsentencepiece-dev": dpkg("libsentencepiece-dev"), "libbenchmark-dev": dpkg("libbenchmark-dev"),
            "compiler": command_output(["c++", "--version"]).splitlines()[0]}


def read_jsonl(path):
    if not os.path.exists(path):
        return []
    return [json.loads(line) for line in open(path) if line.strip()]


def fasttext_accuracy(ft, seed):
    """Per label, the test metrics per language at the threshold of best F1 on dev (all languages)."""
    out = {}
    for label in LABELS:
        setting = f"s{seed}"
        dev = fasttext_scores(ft, label, setting, "dev")
        threshold = best_f1_threshold([(s, y) for s, y, _ in dev])
        test = fasttext_scores(ft, label, setting, "test")
        cells = {}
        for cell in CELLS:
            pairs = [(s, y) for s, y, lang in test if cell == "all" or lang == cell]
            if not pairs:
                continue
            cells[cell] = {"n": len(pairs), "roc_auc": roc_auc(pairs), "pr_auc": pr_auc(pairs),
                           "f1": f1_at(pairs, threshold)}
        out[label] = {"threshold": threshold, "cells": cells}
    return out


def sieve_accuracy(report_path):
    report = json.load(open(report_path))
    out = {}
    for head in report["heads"]:
        if head["name"] not in LABELS:
            continue
        cells = {}
        for s in head["slices"]:
            name = s["slice"]
            cell = "all" if name == "all" else name[5:] if name.startswith("lang:") and " " not in name else None
            if cell is None:
                continue
            cells[cell] = {"n": s["n"], "roc_auc": s.get("roc_auc"), "pr_auc": s.get("pr_auc"),
                           "f1": s.get("at_threshold", {}).get("f1")}
        out[head["name"]] = {"threshold": head.get("threshold"), "cells": cells}
    return out


def accuracy(work, runs):
    raw = {"fasttext": {}, **{arch: {} for arch in ARCHS}}
    for seed in range(1, runs + 1):
        raw["fasttext"][seed] = fasttext_accuracy(os.path.join(work, "ft"), seed)
        for arch in ARCHS:
            raw[arch][seed] = sieve_accuracy(os.path.join(work, f"sieve-{arch}-s{seed}", "report", "report.json"))
    medians = {}
    for model, seeds in raw.items():
        medians[model] = {}
        for label in LABELS:
            medians[model][label] = {}
            for cell in CELLS:
                values = [seeds[s][label]["cells"].get(cell) for s in seeds]
                values = [v for v in values if v]
                if not values:
                    continue
                medians[model][label][cell] = {m: median(v[m] for v in values) for m in METRICS}
                medians[model][label][cell]["n"] = values[0]["n"]
        # The means over the head × language cells where every model has a value (both classes present).
    means = {}
    for model in medians:
        means[model] = {}
        for m in METRICS:
            cells = [medians[model][label][lang][m] for label in LABELS for lang in LANGS
                     if all(medians[o][label].get(lang, {}).get(m) is not None for o in medians)]
            means[model][m] = sum(cells) / len(cells) if cells else None
    return {"raw": raw, "median": medians, "mean": means}


def test_posts(path):
    """Per label, the test records carrying it, in file order (the order of fastText's key and
    prediction files): (label, lang, source, group) each."""
    out = {label: [] for label in LABELS}
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            for label in LABELS:
                if label in row:
                    out[label].append((int(row[label]), row["lang"], row.get("source", ""), row.get("group")))
    return out


def fasttext_posts(ft, label, seed, records):
    """fastText's test scores of a label joined with its records: (score, label, source, lang, group)."""
    scored = fasttext_scores(ft, label, f"s{seed}", "test")
    if len(scored) != len(records):
        raise ValueError(f"{ft}/{label}.s{seed}.test.pred: {len(scored)} scores for {len(records)} test posts "
                         f"labelled {label}")
    posts = []
    for k, ((score, y, lang), (y_record, lang_record, source, group)) in enumerate(zip(scored, records)):
        if (y, lang) != (y_record, lang_record):
            raise ValueError(f"{ft}/{label}.test.key:{k + 1}: ({y}, {lang}) but test.jsonl has "
                             f"({y_record}, {lang_record})")
        posts.append((score, y, source, lang, group))
    return posts


def fasttext_signal(ft, seed, records):
    out = {}
    for label in LABELS:
        try:
            posts = fasttext_posts(ft, label, seed, records[label])
        except ValueError as e:  # a misaligned join gives wrong numbers: none for it, the rest of the run kept
            print(f"compare_results: no within-source or paired figures for fastText {label}: {e}",
                  file=sys.stderr)
            continue
        out[label] = {"within_source": within_source(posts), "paired": paired(posts)}
    return out


def sieve_signal(report_path):
    """The within_source and paired of each binary head of a `sieve eval` report.json (null when absent)."""
    report = json.load(open(report_path))
    return {head["name"]: {"within_source": head.get("within_source"), "paired": head.get("paired")}
            for head in report["heads"] if head["name"] in LABELS}


def signal_medians(seeds):
    """One model's medians over seeds: the mean over all cells of all heads ("within_source_all"), and
    per head the within-source mean, its cells, and the paired accuracy pooled and per source."""
    def overall(heads):
        cells = [c["roc_auc"] for h in heads.values()
                 for c in ((h.get("within_source") or {}).get("cells") or []) if c.get("roc_auc") is not None]
        return sum(cells) / len(cells) if cells else None

    out = {"within_source_all": median(overall(heads) for heads in seeds.values()), "heads": {}}
    for label in LABELS:
        within = [(seeds[s].get(label) or {}).get("within_source") or {} for s in seeds]
        pairs = [(seeds[s].get(label) or {}).get("paired") or {} for s in seeds]
        cells = {}
        for w in within:
            for c in w.get("cells") or []:
                cells.setdefault((c["source"], c["lang"]), []).append(c)
        sources = {}
        for p in pairs:
            for b in p.get("by_source") or []:
                sources.setdefault(b["source"], []).append(b)
        out["heads"][label] = {
            "within_source": {
                "macro_roc_auc": median(w.get("macro_roc_auc") for w in within),
                "cells": [{"source": source, "lang": lang, "n": rows[0]["n"], "positives": rows[0]["positives"],
                           "roc_auc": median(c.get("roc_auc") for c in rows)}
                          for (source, lang), rows in sorted(cells.items())]},
            "paired": {
                "groups": max((p.get("groups", 0) for p in pairs), default=0),
                "pairs": max((p.get("pairs", 0) for p in pairs), default=0),
                "accuracy": median(p.get("accuracy") for p in pairs),
                "by_source": {source: {"groups": rows[0]["groups"], "pairs": rows[0]["pairs"],
                                       "accuracy": median(b.get("accuracy") for b in rows)}
                              for source, rows in sorted(sources.items())}},
        }
    return out


def signal(work, runs):
    records = test_posts(os.path.join(work, "data", "test.jsonl"))
    raw = {"fasttext": {}, **{arch: {} for arch in ARCHS}}
    for seed in range(1, runs + 1):
        raw["fasttext"][seed] = fasttext_signal(os.path.join(work, "ft"), seed, records)
        for arch in ARCHS:
            raw[arch][seed] = sieve_signal(os.path.join(work, f"sieve-{arch}-s{seed}", "report", "report.json"))
    return {"min_per_class": WITHIN_MIN_PER_CLASS, "raw": raw,
            "median": {model: signal_medians(seeds) for model, seeds in raw.items()}}


def training(measurements, runs):
    out = {}
    for model in ["fasttext"] + ARCHS:
        per_seed = []
        for seed in range(1, runs + 1):
            rows = [m for m in measurements if m.get("kind") == "train" and m["model"] == model and m["seed"] == seed]
            if rows:
                per_seed.append({"seed": seed, "seconds": sum(r["seconds"] for r in rows),
                                 "rss_kb": max(r["rss_kb"] for r in rows)})
        one_label = [m["seconds"] for m in measurements
                     if m.get("kind") == "train" and m["model"] == model and m.get("label") == "coordinated"]
        out[model] = {"runs": per_seed, "seconds": median(r["seconds"] for r in per_seed),
                      "rss_kb": median(r["rss_kb"] for r in per_seed)}
        if one_label:
            out[model]["one_label_seconds"] = median(one_label)
    base = out["fasttext"]["seconds"]
    for model in out:
        out[model]["vs_fasttext"] = out[model]["seconds"] / base if base and out[model]["seconds"] else None
    return out


def sizes(work):
    def size(path):
        return os.path.getsize(path) if os.path.exists(path) else None
    fasttext = {label: size(os.path.join(work, "ft", f"{label}.s1.bin")) for label in LABELS}
    out = {"fasttext": {"bytes": sum(v for v in fasttext.values() if v), "per_label": fasttext}}
    for arch in ARCHS:
        out[arch] = {"bytes": size(os.path.join(work, f"sieve-{arch}-s1", "model.sieve")),
                     "int8_bytes": size(os.path.join(work, f"{arch}.int8.sieve"))}
    return out


def throughput(measurements):
    groups = {}
    for m in measurements:
        if m.get("kind") != "score":
            continue
        if m["model"] == "fasttext":
            key = ("fasttext" if m["labels"] == "all" else "fasttext-1-label", "-", m["threads"])
        else:
            key = (m["model"], m["precision"], m["threads"])
        groups.setdefault(key, []).append(m)
    out = []
    for (model, precision, threads), rows in groups.items():
        rates = [r["posts"] / r["seconds"] for r in rows]
        out.append({"model": model, "precision": precision, "threads": threads, "posts": rows[0]["posts"],
                    "runs_posts_per_s": rates, "posts_per_s": median(rates),
                    "seconds": median(r["seconds"] for r in rows), "rss_kb": median(r["rss_kb"] for r in rows)})
    for row in out:
        base = next((r["posts_per_s"] for r in out if r["model"] == "fasttext" and r["threads"] == row["threads"]), None)
        row["vs_fasttext"] = row["posts_per_s"] / base if base else None
    return out


def latency(work):
    """sieve's p50/p99 per model and weights, and fastText's with all four label models (the base of the
    ratios, speed-ups: fastText's latency / sieve's) and with one."""
    rows = read_jsonl(os.path.join(work, "latency.jsonl"))
    fasttext = {}
    for r in rows:
        if "fasttext" in r:
            fasttext.setdefault(r.get("fasttext_models", 1), []).append(r["fasttext"])
    peers = {}
    for count, runs in fasttext.items():
        peers[str(count)] = {"labels": count, "runs": runs, "p50_us": median(f["p50_us"] for f in runs),
                             "p99_us": median(f["p99_us"] for f in runs)}
    base = peers.get(str(len(LABELS)))
    out = []
    keys = sorted({(r["model"], r["precision"]) for r in rows}, key=lambda k: (ARCHS.index(k[0]), k[1]))
    for model, precision in keys:
        runs = [r["sieve"] for r in rows if r["model"] == model and r["precision"] == precision]
        row = {"model": model, "precision": precision, "posts": rows[0]["posts"], "runs": runs,
               "p50_us": median(r["p50_us"] for r in runs), "p99_us": median(r["p99_us"] for r in runs)}
        if base:
            row["p50_speedup_vs_fasttext"] = base["p50_us"] / row["p50_us"]
            row["p99_speedup_vs_fasttext"] = base["p99_us"] / row["p99_us"]
        out.append(row)
    return {"fasttext": peers, "sieve": out}


def server(work):
    path = os.path.join(work, "serve", "results")
    if not os.path.exists(path):
        return None
    serve, score = {}, []
    for line in open(path):
        kind, rest = line.split(" ", 1)
        if kind == "serve":
            row = json.loads(rest)
            serve.setdefault(row["batch"], []).append(row)
        else:
            score.append(float(rest))
    out = {"score_2_threads_runs": score, "score_2_threads_posts_per_s": median(score), "requests": []}
    for batch, rows in sorted(serve.items()):
        rate = median(r["posts_per_s"] for r in rows)
        out["requests"].append({"batch": batch, "runs": rows, "posts_per_s": rate,
                                "requests_per_s": median(r["requests_per_s"] for r in rows),
                                "p50_ms": median(r["p50_ms"] for r in rows),
                                "p99_ms": median(r["p99_ms"] for r in rows),
                                "errors": sum(r.get("errors", 0) for r in rows),
                                "vs_score": rate / out["score_2_threads_posts_per_s"] if score else None})
    return out


def micro(work):
    path = os.path.join(work, "sieve_bench.json")
    if not os.path.exists(path):
        return None
    doc = json.load(open(path))
    rows = []
    # Medians of the repetitions; with a single repetition there are no aggregates, only the runs.
    aggregated = any(b.get("aggregate_name") == "median" for b in doc["benchmarks"])
    for b in doc["benchmarks"]:
        if (b.get("aggregate_name") != "median") if aggregated else b.get("run_type") != "iteration":
            continue
        rows.append({"name": b.get("run_name", b["name"]), "real_time": b["real_time"], "time_unit": b["time_unit"],
                     "items_per_second": b.get("items_per_second"),
                     "mb_per_second": b["bytes_per_second"] / 1e6 if "bytes_per_second" in b else None,
                     "repetitions": b.get("repetitions")})
    return {"context": doc.get("context", {}), "benchmarks": rows}


def main(work, repo, corpus):
    settings = json.load(open(os.path.join(work, "settings.json")))
    measurements = read_jsonl(os.path.join(work, "measurements.jsonl"))
    runs = settings["runs"]
    doc = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(), "versions": versions(repo), "settings": settings,
        "load_average_at_end": open("/proc/loadavg").read().split()[:3],
        "corpus": {split: sum(1 for _ in open(os.path.join(corpus, f"{split}.jsonl")))
                   for split in ["train", "dev", "test"]},
        "train_posts": sum(1 for _ in open(os.path.join(work, "data", "train.jsonl"))),
        "dev_posts": sum(1 for _ in open(os.path.join(work, "data", "dev.jsonl"))),
        "commands": [line.rstrip("\n") for line in open(os.path.join(work, "commands.txt"))],
        "preparation": [m for m in measurements if m.get("kind") in ("tokenizer", "fluency", "prepare")],
        "accuracy": accuracy(work, runs), "signal": signal(work, runs), "training": training(measurements, runs),
        "sizes": sizes(work), "throughput": throughput(measurements), "latency": latency(work), "server": server(work),
        "micro": micro(work), "measurements": measurements,
    }
    json.dump(doc, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
