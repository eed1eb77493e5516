"""What the Python benches share: progress lines, running sieve with its output in a log, JSON lines, and
the corpus' tokenizer and shards, made once in a work folder and reused."""
import json
import os
import subprocess
import sys
import time


class Runner:
    """Progress lines and commands of one bench, named in both."""

    def __init__(self, name):
        self.name = name
        self.start = time.time()

    def progress(self, message):
        print(f"{self.name} ({time.time() - self.start:.0f} s): {message}", file=sys.stderr, flush=True)

    def run(self, words, log):
        """Runs words with their output in log; exits naming the log when they fail."""
        with open(log, "w") as out:
            code = subprocess.call(words, stdout=out, stderr=subprocess.STDOUT)
        if code != 0:
            sys.exit(f"{self.name}: {' '.join(words)} failed (exit {code}); see {log}")


def test_with_llm(corpus, llm, work):
    """The corpus's test.jsonl with the LLM data's test.jsonl after it, written once per run to work: what
    bench/llm_text evaluates on (its path)."""
    path = os.path.join(work, "test-with-llm.jsonl")
    with open(path, "w", encoding="utf-8") as out:
        for source in [f"{corpus}/test.jsonl", f"{llm}/test.jsonl"]:
            with open(source, encoding="utf-8") as lines:
                out.writelines(lines)
    return path


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def model_metadata(path):
    """The metadata of a model.sieve (its header: 8 bytes of length, then JSON), key → document text."""
    with open(path, "rb") as f:
        size = int.from_bytes(f.read(8), "little")
        return json.loads(f.read(size))["__metadata__"]


def corpus_shards(runner, sieve, corpus, work):
    """The corpus' 16k tokenizer and its train and dev shards in work, made when missing: (spm, shards)."""
    os.makedirs(work, exist_ok=True)
    spm = os.path.join(work, "spm.model")
    shards = {split: os.path.join(work, "shards", split) for split in ["train", "dev"]}
    if not os.path.exists(spm):
        runner.progress("training the tokenizer")
        runner.run([sieve, "tokenizer", "train", "--jsonl", f"{corpus}/train.jsonl", "-o", spm, "--vocab-size",
                    "16000", "--max-sentences", "200000"], spm + ".log")
    for split, folder in shards.items():
        if not os.path.exists(os.path.join(folder, "manifest.json")):
            runner.progress(f"preparing {split}")
            runner.run([sieve, "data", "prepare", "-t", spm, f"{corpus}/{split}.jsonl", "-o", folder],
                       folder + ".log")
    return spm, shards
