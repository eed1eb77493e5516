"""docs/llm-text.md from bench/llm_text's results."""
import datetime

MODELS = ["without", "with", "no-statistics", "style"]
MODEL_WORDS = {"without": "without the LLM data (hc3plus left out; the default)", "with": "with the LLM data",
               "no-statistics": "with the LLM data, without the language-model statistics",
               "style": "with the LLM data and the style values"}
TOLERANCE = 0.01


def fmt(x, digits=3):
    return "–" if x is None else f"{x:.{digits}f}"


def signed(x):
    return "–" if x is None else f"{round(x, 3) if round(x, 3) != 0 else 0.0:+.3f}"


def cells(result):
    """(head, source, lang) → (ROC-AUC, n) of every within-source cell of a model's eval."""
    out = {}
    for head, e in result["eval"].items():
        for c in e["within"].get("cells", []):
            out[(head, c["source"], c["lang"])] = (c["roc_auc"], c["n"])
    return out


def paired(result, head, source):
    for s in result["eval"][head]["paired"].get("by_source", []):
        if s["source"] == source:
            return s["accuracy"], s["pairs"]
    return None, 0


def llm_section(r, source):
    res = r["results"]
    lines = ["## The LLM test split", "",
             f"Within-source ROC-AUC of the machine head on LLM/test.jsonl ({source}: ChatGPT's paraphrases, "
             "summaries and translations beside the human texts they came from) and its paired accuracy (the share "
             "of pairs whose machine side scores higher).", "",
             "| model | en | zh | paired |", "|:---|---:|---:|---:|"]
    for m in MODELS:
        c = cells(res[m])
        acc, pairs = paired(res[m], "machine", source)
        lines.append(f"| {MODEL_WORDS[m]} | {fmt(c.get(('machine', source, 'en'), (None,))[0])} | "
                     f"{fmt(c.get(('machine', source, 'zh'), (None,))[0])} | {fmt(acc)} ({pairs:,} pairs) |")
    ft = r["fasttext"]
    lines += [f"| fastText trained on LLM/train.jsonl alone | {fmt(ft.get('en'))} | {fmt(ft.get('zh'))} | – |", ""]
    return lines


def other_cells_section(r, source):
    res = r["results"]
    base, new = cells(res["without"]), cells(res["with"])
    others = {m: cells(res[m]) for m in MODELS[2:]}
    lines = ["## Every other within-source cell", "",
             f"The cells of the corpus's test posts (every head, language × source with 20 posts of each class), "
             f"without the LLM data and with it; a change of more than {TOLERANCE} either way is marked.", "",
             "| head | source | lang | posts | without | with | change | " + " | ".join(MODELS[2:]) + " |",
             "|:---|:---|:---|---:|---:|---:|---:|" + "---:|" * len(MODELS[2:])]
    moved = []
    for key in sorted(k for k in base if k[1] != source):
        before, n = base[key]
        after = new.get(key, (None,))[0]
        change = None if after is None else after - before
        mark = " **!**" if change is not None and abs(change) > TOLERANCE else ""
        if mark:
            moved.append((key, change))
        lines.append(f"| {key[0]} | {key[1]} | {key[2]} | {n:,} | {fmt(before)} | {fmt(after)} | "
                     f"{signed(change)}{mark} | "
                     + " | ".join(fmt(others[m].get(key, (None,))[0]) for m in MODELS[2:]) + " |")
    mean = lambda d: sum(v[0] for k, v in d.items() if k[1] != source) / max(1, sum(1 for k in d if k[1] != source))
    lines += ["", f"Mean over these cells: without {mean(base):.3f}, with {mean(new):.3f}, "
              + ", ".join(f"{m} {mean(others[m]):.3f}" for m in MODELS[2:]) + f". Cells of `with` that moved by more "
              f"than {TOLERANCE}: "
              + (", ".join(f"{k[0]} {k[1]} {k[2]} ({signed(c)})" for k, c in moved) if moved else "none") + ".", ""]
    lines += ["Paired accuracy per source (every head):", "",
              "| head | source | pairs | " + " | ".join(MODELS) + " |", "|:---|:---|---:|" + "---:|" * len(MODELS)]
    for head in sorted(res["without"]["eval"]):
        sources = sorted({s["source"] for m in MODELS for s in res[m]["eval"][head]["paired"].get("by_source", [])})
        for s in sources:
            values = [paired(res[m], head, s) for m in MODELS]
            lines.append(f"| {head} | {s} | {max(p for _, p in values):,} | "
                         + " | ".join(fmt(a) for a, _ in values) + " |")
    return lines + [""]


def promise_section(r, max_fpr):
    res = r["results"]
    groups = {"organic": "organic posts (coordinated = 0, not machine-labelled)",
              "learners": "learners' sentences (nonnative = 1)", "corrections": "their native corrections (nonnative = 0)"}
    lines = ["## The promise on human text", "",
             f"Each model calibrated by `sieve calibrate --organic` at {max_fpr:.0%} on dev.jsonl's organic posts "
             "(its defaults: languages weigh the same, the Wilson bound), then the machine head's false-positive "
             "rate on test.jsonl: its share of human posts flagged, per language.", "",
             "| posts | lang | posts | " + " | ".join(MODEL_WORDS[m] for m in MODELS) + " |",
             "|:---|:---|---:|" + "---:|" * len(MODELS)]
    for group, words in groups.items():
        langs = sorted({lang for m in MODELS for lang in res[m]["promise"].get(group, {})})
        for lang in langs:
            row = []
            n = 0
            for m in MODELS:
                posts, flagged = res[m]["promise"].get(group, {}).get(lang, [0, 0])
                n = max(n, posts)
                row.append(f"{flagged / posts:.2%}" if posts else "–")
            lines.append(f"| {words} | {lang} | {n:,} | " + " | ".join(row) + " |")
    return lines + [""]


def targets_section(r, source):
    """Each model against what the LLM data must bring and must not cost (docs/llm-text.md's first table)."""
    res = r["results"]
    base = cells(res["without"])
    lines = ["## Against the targets", "",
             "What the LLM data must bring (within-source ROC-AUC of at least 0.90 in each language and paired "
             "accuracy of at least 0.90 on the LLM test split) and must not cost (every other within-source cell "
             f"within {TOLERANCE} of the model without it; the machine head's false positives at most 1.5 % on "
             "organic posts and no more on learners' sentences than without it).", "",
             "| model | LLM cells ≥ 0.90 | paired ≥ 0.90 | other cells within 0.01 | organic ≤ 1.5 % | learners no worse |",
             "|:---|:---:|:---:|:---:|:---:|:---:|"]
    yes = lambda ok: "yes" if ok else "no"
    rate = lambda m, group, lang: (lambda n_k: n_k[1] / n_k[0] if n_k[0] else 0.0)(
        res[m]["promise"].get(group, {}).get(lang, [0, 0]))
    for m in MODELS[1:]:
        c = cells(res[m])
        llm = [c.get(("machine", source, lang), (0,))[0] for lang in ["en", "zh"]]
        acc, _ = paired(res[m], "machine", source)
        moved = [k for k in base if k[1] != source and k in c and abs(c[k][0] - base[k][0]) > TOLERANCE]
        organic = all(rate(m, "organic", lang) <= 0.015 for lang in res[m]["promise"].get("organic", {}))
        learners = all(rate(m, "learners", lang) <= rate("without", "learners", lang)
                       for lang in res[m]["promise"].get("learners", {}))
        lines.append(f"| {MODEL_WORDS[m]} | {yes(min(llm) >= 0.9)} ({' / '.join(fmt(x) for x in llm)}) | "
                     f"{yes((acc or 0) >= 0.9)} ({fmt(acc)}) | {yes(not moved)} ({len(moved)} moved) | {yes(organic)} | "
                     f"{yes(learners)} |")
    return lines + [""]


def document(r, commands, machine, versions, source, max_fpr):
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = ["# Text written by LLMs: what the machine head learns from it, and what that costs", "",
             f"Generated by `bench/llm_text` on {now}; do not edit by hand.", "",
             "The machine head learned machine translation and GPT-2-era bots from the corpus. The LLM data "
             "(ChatGPT's rewrites beside the human texts they came from, train and test split by pair) teaches it "
             "today's machine-written text; `scripts/train-default` trains on it with EXTRA_TRAIN. This page compares "
             "the recipe with and without it, with it but without the language-model statistics, and with it and "
             "the style values.", "",
             "## Run", "",
             f"- machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gb']} GB, {machine['os']}",
             f"- sieve {versions['sieve']}{' (with uncommitted changes)' if versions['sieve_dirty'] else ''}, "
             f"fastText {versions['fasttext']}",
             f"- every model: scripts/train-default's recipe with train.max_steps = {r['steps']:,}",
             f"- wall time: {r['wall_seconds'] / 60:.1f} minutes ("
             + ", ".join(f"{k} {s / 60:.1f} min" for k, s in r["seconds"].items())
             + "; models found in $WORK are reused and not timed)", "", "```sh"] + commands + ["```", ""]
    lines += targets_section(r, source) + llm_section(r, source) + promise_section(r, max_fpr)
    lines += other_cells_section(r, source)
    return "\n".join(lines) + "\n"
