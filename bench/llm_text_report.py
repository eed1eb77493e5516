"""docs/llm-text.md from bench/llm_text's results."""
import datetime

from paired_cells import more_flagged_p

MODELS = ["previous", "left-out", "default", "one-machine-head", "no-hidden", "one-style-block", "no-style", "no-statistics",
          "llm-weights", "dropout", "seed-2"]
MODEL_WORDS = {"previous": "the recipe before the LLM data", "left-out": "the recipe without the LLM data (left out)",
               "default": "the recipe (with the LLM data)",
               "one-machine-head": "the recipe with the LLM data on the machine head, weighed up (no llm head)",
               "no-hidden": "the recipe without the hidden layer",
               "one-style-block": "the recipe with one block of style values for every script",
               "no-style": "the recipe without the style values",
               "no-statistics": "the recipe without the language-model statistics",
               "llm-weights": "the recipe with the LLM data weighed up (English 3, Chinese 1.5)",
               "dropout": "the recipe with the trainer's dropout (0.1)",
               "seed-2": "the recipe from another seed"}
# The model every other is measured against, and the one the targets are for; the same recipe trained without
# the LLM data, the second reference of the targets.
REFERENCE, RECIPE, LEFT_OUT = "previous", "default", "left-out"
TOLERANCE = 0.01


def fmt(x, digits=3):
    return "–" if x is None else f"{x:.{digits}f}"


def percent(x):
    return "–" if x is None else f"{x:.2%}"


def signed(x):
    return "–" if x is None else f"{round(x, 3) if round(x, 3) != 0 else 0.0:+.3f}"


def cells(result):
    """(head, source, lang) → (ROC-AUC, n) of every within-source cell of a model's eval."""
    out = {}
    for head, e in result["eval"].items():
        for c in e["within"].get("cells", []):
            out[(head, c["source"], c["lang"])] = (c["roc_auc"], c["n"])
    return out


# How the thresholds were set (bench/llm_text's CALIBRATIONS) and what each promises.
RULES = {"per-language": "calibrate's defaults: a threshold for each language with 1,000 organic posts, so each "
                         "language's rate is what is promised",
         "one-threshold": "`--no-per-language`: one threshold per head, every language weighing the same in it, so "
                          "their mean rate is what is promised"}


def llm_head(result):
    """The head that learned the LLM data: llm where the model has one, else machine."""
    return "llm" if "llm" in result["eval"] else "machine"


def rate(result, group, lang, rule, head="machine"):
    """A head's false-positive rate on a group of human posts in one language (None: no post, or no head)."""
    posts, flagged = result["promise"][rule].get(head, {}).get(group, {}).get(lang, [0, 0])
    return flagged / posts if posts else None


def paired(result, head, source):
    for s in result["eval"][head]["paired"].get("by_source", []):
        if s["source"] == source:
            return s["accuracy"], s["pairs"]
    return None, 0


def llm_section(r, source):
    res = r["results"]
    lines = ["## The LLM test split", "",
             f"Within-source ROC-AUC on LLM/test.jsonl ({source}: ChatGPT's paraphrases, summaries and "
             "translations beside the human texts they came from) of the head that learned it (llm where the model "
             "has one, else machine), and its paired accuracy (the share of pairs whose machine side scores "
             "higher).", "",
             "| model | en | zh | paired |", "|:---|---:|---:|---:|"]
    for m in MODELS:
        c, head = cells(res[m]), llm_head(res[m])
        acc, pairs = paired(res[m], head, source)
        lines.append(f"| {MODEL_WORDS[m]} | {fmt(c.get((head, source, 'en'), (None,))[0])} | "
                     f"{fmt(c.get((head, source, 'zh'), (None,))[0])} | {fmt(acc)} ({pairs:,} pairs) |")
    ft = r["fasttext"]
    lines += [f"| fastText trained on LLM/train.jsonl alone | {fmt(ft.get('en'))} | {fmt(ft.get('zh'))} | – |", ""]
    return lines


def fallen(base, other, source):
    """The cells outside the LLM source where other's ROC-AUC is more than TOLERANCE below base's."""
    return {k: other[k][0] - base[k][0] for k in base
            if k[1] != source and k in other and other[k][0] < base[k][0] - TOLERANCE}


def other_cells_section(r, source):
    res = r["results"]
    all_cells = {m: cells(res[m]) for m in MODELS}
    base, new = all_cells[REFERENCE], all_cells[RECIPE]
    rest = [m for m in MODELS if m not in (REFERENCE, RECIPE)]
    lines = ["## Every other within-source cell", "",
             f"The cells of the corpus's test posts (every head, language × source with 20 posts of each class) of "
             f"{MODEL_WORDS[REFERENCE]} and of {MODEL_WORDS[RECIPE]}; a cell where the recipe falls by more than "
             f"{TOLERANCE} is marked.", "",
             f"| head | source | lang | posts | {REFERENCE} | {RECIPE} | change | " + " | ".join(rest) + " |",
             "|:---|:---|:---|---:|---:|---:|---:|" + "---:|" * len(rest)]
    moved = fallen(base, new, source)
    for key in sorted(k for k in base if k[1] != source):
        before, n = base[key]
        after = new.get(key, (None,))[0]
        change = None if after is None else after - before
        mark = " **!**" if key in moved else ""
        lines.append(f"| {key[0]} | {key[1]} | {key[2]} | {n:,} | {fmt(before)} | {fmt(after)} | "
                     f"{signed(change)}{mark} | "
                     + " | ".join(fmt(all_cells[m].get(key, (None,))[0]) for m in rest) + " |")
    mean = lambda d: sum(v[0] for k, v in d.items() if k[1] != source) / max(1, sum(1 for k in d if k[1] != source))
    lines += ["", "Mean over these cells: " + ", ".join(f"{m} {mean(all_cells[m]):.3f}" for m in MODELS)
              + f". Cells where {RECIPE} falls by more than {TOLERANCE}: "
              + (", ".join(f"{k[0]} {k[1]} {k[2]} ({signed(c)})" for k, c in moved.items()) if moved else "none")
              + ".", ""]
    lines += ["Paired accuracy per source (every head):", "",
              "| head | source | pairs | " + " | ".join(MODELS) + " |", "|:---|:---|---:|" + "---:|" * len(MODELS)]
    for head in sorted(res[REFERENCE]["eval"]):
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
             "(the Wilson bound), under each rule below, then the false-positive rate on test.jsonl of each head "
             "that says a post is machine-written (machine; llm where the model has it; and a post flagged by "
             "either, as a user who acts on both sees it): its share of human posts flagged, per language.", ""]
    for rule, words in RULES.items():
        # The heads that say a post is machine-written, then the decision of either (bench/llm_text's promise).
        for head in r["machine_written"] + [" or ".join(r["machine_written"])]:
            lines += [f"### {rule}, {head}: {words}", "",
                      "| posts | lang | posts | " + " | ".join(MODEL_WORDS[m] for m in MODELS) + " |",
                      "|:---|:---|---:|" + "---:|" * len(MODELS)]
            for group, group_words in groups.items():
                counts = [res[m]["promise"][rule].get(head, {}).get(group, {}) for m in MODELS]
                for lang in sorted({lang for c in counts for lang in c}):
                    n = max(c.get(lang, [0, 0])[0] for c in counts)
                    row = [percent(rate(res[m], group, lang, rule, head)) for m in MODELS]
                    lines.append(f"| {group_words} | {lang} | {n:,} | " + " | ".join(row) + " |")
            lines.append("")
    return lines


def interval(r, against, key):
    """ " [low, high]": the recipe's paired interval against a model in one cell (bench/paired_cells.py)."""
    found = r.get("falls", {}).get(against, {}).get("|".join(key))
    if not found:
        return ""
    return f" [{signed(found[1])}, {signed(found[2])}]" if found[1] is not None else " [too few groups]"


def learners_worse(res, m, rule, head, lang):
    """How m's head flags one language's learner sentences more than REFERENCE's machine head does, with the
    one-sided Fisher p of the counts ("" when it flags no more)."""
    posts, flagged = res[m]["promise"][rule][head]["learners"][lang]
    before_posts, before = res[REFERENCE]["promise"][rule]["machine"].get("learners", {}).get(lang, [0, 0])
    if not posts or not before_posts or flagged / posts <= before / before_posts:
        return ""
    p = more_flagged_p(flagged, posts, before, before_posts)
    return f"{head} {lang} {flagged} of {posts:,} against {before} of {before_posts:,}, p = {p:.2f}"


def targets_section(r, source):
    """Each model against what the LLM data must bring and must not cost (docs/llm-text.md's first table)."""
    res = r["results"]
    base, left_out = cells(res[REFERENCE]), cells(res[LEFT_OUT])
    lines = ["## Against the targets", "",
             "What the LLM data must bring (within-source ROC-AUC of at least 0.90 in each language and paired "
             "accuracy of at least 0.90 on the LLM test split) and must not cost (no other within-source cell more "
             f"than {TOLERANCE} below {MODEL_WORDS[REFERENCE]}, nor below {MODEL_WORDS[LEFT_OUT]}; the false "
             "positives of the machine head, and of the llm head where the model has one, at most 1.5 % on organic "
             "posts and no more on learners' sentences than the machine head of "
             f"{MODEL_WORDS[REFERENCE]}, under the same rule). The rates are the largest of any language and head, "
             "under "
             "calibrate's defaults (a threshold per language) and with `--no-per-language` (the promise section "
             "below). Beside each of the recipe's falls, the 95 % interval of the change from resampling the "
             "cell's posts by group (1,000 resamples; none for a cell of fewer than 20 groups): a fall whose "
             "interval reaches above zero may be chance. "
             "Beside a learner rate above the reference's, the counts and the one-sided Fisher exact p of the "
             "difference.", "",
             f"| model | LLM cells ≥ 0.90 | paired ≥ 0.90 | no other cell down by more than 0.01 | same, against "
             f"{LEFT_OUT} | organic ≤ 1.5 %, per language | organic ≤ 1.5 %, one threshold | learners no worse, "
             "per language | learners no worse, one threshold |", "|:---|:---:|:---:|:---:|:---:|:---:|:---:|:---:|:---:|"]
    yes = lambda ok: "yes" if ok else "no"
    fpr = lambda m, group, lang, rule, head: rate(res[m], group, lang, rule, head) or 0.0
    falls = lambda moved, against: yes(not moved) + " (" + (", ".join(
        f"{k[0]} {k[1]} {k[2]} {signed(d)}{interval(r, against, k) if m == RECIPE else ''}"
        for k, d in moved.items()) or "none") + ")"
    for m in [m for m in MODELS if m != REFERENCE]:
        c = cells(res[m])
        llm = [c.get((llm_head(res[m]), source, lang), (0,))[0] for lang in ["en", "zh"]]
        acc, _ = paired(res[m], llm_head(res[m]), source)
        against_left_out = "–" if m == LEFT_OUT else falls(fallen(left_out, c, source), LEFT_OUT)
        promise = ""
        heads = [h for h in r["machine_written"] if h in res[m]["promise"]["per-language"]]
        for rule in RULES:
            organic = max((fpr(m, "organic", lang, rule, h) for h in heads
                           for lang in res[m]["promise"][rule][h].get("organic", {})), default=0.0)
            promise += f"{yes(organic <= 0.015)} ({organic:.2%} at most) | "
        for rule in RULES:
            worse = [learners_worse(res, m, rule, h, lang) for h in heads
                     for lang in res[m]["promise"][rule][h].get("learners", {})]
            worse = [w for w in worse if w]
            promise += f"{yes(not worse)} ({', '.join(worse) or 'none'}) | "
        lines.append(f"| {MODEL_WORDS[m]} | {yes(min(llm) >= 0.9)} ({' / '.join(fmt(x) for x in llm)}) | "
                     f"{yes((acc or 0) >= 0.9)} ({fmt(acc)}) | {falls(fallen(base, c, source), REFERENCE)} | {against_left_out} | "
                     + promise.rstrip())
    return lines + [""]


def document(r, commands, machine, versions, source, max_fpr):
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = ["# Text written by LLMs: what the model learns from it, and what that costs", "",
             f"Generated by `bench/llm_text` on {now}; do not edit by hand.", "",
             "The machine head learned machine translation and GPT-2-era bots from the corpus. The LLM data "
             "(ChatGPT's rewrites beside the human texts they came from, train and test split by pair) teaches "
             "today's machine-written text, and `scripts/train-default` trains on it by default (EXTRA_TRAIN), as a "
             "head of its own, llm (scripts/llm-head.toml). This page compares the recipe with the recipe before "
             "the LLM data, the recipe without the LLM data (the leave-it-out run: the LLM test split is a source "
             "it never saw), the recipe with the LLM data on the machine head, and the recipe without each of its "
             "parts.", "",
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
