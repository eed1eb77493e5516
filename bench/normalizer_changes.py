"""What the disguise steps of the normalizer change in ordinary posts: every post of the corpus normalized
with the given settings and again with the disguise steps off; the posts that differ are listed (a TSV in the
work folder) and counted per step, with the commonest words changed.

Used by bench/evasion; `python3 bench/normalizer_changes.py SIEVE CORPUS WORK MODEL` runs it alone with the
normalizer settings of MODEL and prints the summary as JSON."""
import difflib
import json
import os
import subprocess
import sys
from collections import Counter

DISGUISE_STEPS = ["fold_leetspeak", "join_spelled_letters", "fold_lookalike_words"]
SPLITS = ["train", "dev", "test"]


def corpus_posts(corpus):
    posts = []
    for split in SPLITS:
        with open(os.path.join(corpus, f"{split}.jsonl"), encoding="utf-8") as lines:
            for line in lines:
                row = json.loads(line)
                posts.append({"id": row["id"], "text": row["text"], "lang": row.get("lang", "")})
    return posts


def normalize(sieve, posts_path, settings, work, name):
    """Each post's normalized text, in order, through `sieve normalize` with these settings."""
    settings_path = os.path.join(work, f"normalizer-{name}.json")
    with open(settings_path, "w") as out:
        json.dump(settings, out)
    result = subprocess.run([sieve, "normalize", "--jsonl", "--format", "jsonl", "--normalizer", settings_path,
                             posts_path], capture_output=True)
    if result.returncode != 0:
        sys.exit(f"normalizer_changes: sieve normalize failed (exit {result.returncode}): "
                 f"{result.stderr.decode(errors='replace')[-500:]}")
    return [json.loads(line)["text"] for line in result.stdout.decode().splitlines()]


def changed_words(before, after, longest=60):
    """Each span of words that differs, as 'before → after' (long words cut to `longest` characters)."""
    a, b = before.split(), after.split()
    cut = lambda words: " ".join(w if len(w) <= longest else w[:longest] + "…" for w in words)
    return [f"{cut(a[i:j])} → {cut(b[k:m])}"
            for op, i, j, k, m in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes() if op != "equal"]


def measure(sieve, corpus, settings, work, top=25):
    os.makedirs(work, exist_ok=True)
    posts = corpus_posts(corpus)
    posts_path = os.path.join(work, "corpus-posts.jsonl")
    with open(posts_path, "w", encoding="utf-8") as out:
        for p in posts:
            out.write(json.dumps({"id": p["id"], "text": p["text"]}, ensure_ascii=False) + "\n")
    base = dict(settings, **{step: False for step in DISGUISE_STEPS})
    without = normalize(sieve, posts_path, base, work, "without")
    full = normalize(sieve, posts_path, settings, work, "with")
    per_step = {}
    for step in DISGUISE_STEPS:
        if settings.get(step):
            alone = normalize(sieve, posts_path, dict(base, **{step: True}), work, step)
            per_step[step] = [i for i in range(len(posts)) if alone[i] != without[i]]
    changed = [i for i in range(len(posts)) if full[i] != without[i]]
    listing = os.path.join(work, "clean-changes.tsv")
    words = {step: Counter() for step in per_step}
    with open(listing, "w", encoding="utf-8") as out:
        out.write("id\tlang\tsteps\tbefore\tafter\n")
        for i in changed:
            steps = [s for s in per_step if i in set_of(per_step, s)]
            for s in steps:
                words[s].update(changed_words(without[i], full[i]))
            out.write(f"{posts[i]['id']}\t{posts[i]['lang']}\t{','.join(steps)}\t{without[i]}\t{full[i]}\n")
    return {"posts": len(posts), "changed": len(changed), "listing": listing,
            "per_step": {s: {"posts": len(ix), "words": words[s].most_common(top)} for s, ix in per_step.items()}}


_sets = {}


def set_of(per_step, step):
    if step not in _sets:
        _sets[step] = set(per_step[step])
    return _sets[step]


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit("usage: python3 bench/normalizer_changes.py SIEVE CORPUS WORK MODEL")
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from bench_tools import model_metadata
    model_settings = json.loads(model_metadata(sys.argv[4])["sieve"])["normalizer"]
    print(json.dumps(measure(sys.argv[1], sys.argv[2], model_settings, sys.argv[3]), ensure_ascii=False, indent=1))
