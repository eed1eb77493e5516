"""Writes fastText's files for bench/train_compare and bench/compare: per label, a training file of
"__label__<v> text" lines and, for dev and test, the texts and a key (label, language) per line. Text is
lowercased and Chinese is split into characters, which fastText needs (it splits on white space only).

  fasttext_data.py CORPUS_DIR OUT_DIR                 the per-label files of train, dev and test
  fasttext_data.py --posts SOURCE.jsonl N PREFIX      SOURCE's posts repeated to N, as PREFIX.jsonl
                                                      ({"id", "text"} for sieve) and PREFIX.txt (fastText)
"""
import json
import os
import sys

LABELS = ["coordinated", "machine", "nonnative", "abusive"]


def fasttext_text(text, lang):
    text = " ".join(text.lower().split())
    if lang == "zh":
        text = " ".join(ch for ch in text if not ch.isspace())
    return text


def main(corpus, out):
    os.makedirs(out, exist_ok=True)
    for split in ["train", "dev", "test"]:
        files = {}
        for label in LABELS:
            name = f"{label}.train" if split == "train" else f"{label}.{split}.txt"
            files[label] = open(os.path.join(out, name), "w", encoding="utf-8")
            if split != "train":
                files[label + ".key"] = open(os.path.join(out, f"{label}.{split}.key"), "w")
        with open(os.path.join(corpus, f"{split}.jsonl"), encoding="utf-8") as lines:
            for line in lines:
                row = json.loads(line)
                text = fasttext_text(row["text"], row["lang"])
                for label in LABELS:
                    if label not in row:
                        continue
                    if split == "train":
                        files[label].write(f"__label__{row[label]} {text}\n")
                    else:
                        files[label].write(text + "\n")
                        files[label + ".key"].write(f"{row[label]} {row['lang']}\n")
        for f in files.values():
            f.close()


def repeated_posts(source, n, prefix):
    rows = [json.loads(line) for line in open(source, encoding="utf-8")]
    with open(prefix + ".jsonl", "w", encoding="utf-8") as jsonl, \
            open(prefix + ".txt", "w", encoding="utf-8") as text:
        for i in range(n):
            row = rows[i % len(rows)]
            jsonl.write(json.dumps({"id": f"p{i}", "text": row["text"]}, ensure_ascii=False) + "\n")
            text.write(fasttext_text(row["text"], row["lang"]) + "\n")


if __name__ == "__main__":
    if sys.argv[1] == "--posts":
        repeated_posts(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        main(sys.argv[1], sys.argv[2])
