"""Writes fastText's files for bench/train_compare: per label, a training file of "__label__<v> text" lines
and, for dev and test, the texts and a key (label, language) per line. Text is lowercased and Chinese is
split into characters, which fastText needs (it splits on white space only)."""
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


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
