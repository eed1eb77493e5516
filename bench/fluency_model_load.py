#!/usr/bin/env python3
"""Load time and private memory of a model.sieve whose featurizer has the fluency values, with each of
several fluency model files (e.g. the serving halves of a format 4 and a format 5 model, as
`sieve_fluency_load MODEL --half OUT` writes them). The model.sieve is built from a bag model without dense
values (the demo's): its heads get 27 more input columns, all zero, and dense_shift 0 / dense_scale 1, so
its self-test still holds; the fluency blob sits at a multiple of 8 bytes, as the exporter puts it.

    python3 bench/fluency_model_load.py --base out/demo/model/model.sieve --python build/python \\
        [--out build/fluency-model-load] HALF...

Times sieve.Model(path) (the Python module over the runtime, the same load as `sieve score`), median of 7."""
import argparse
import gc
import json
import os
import statistics
import struct
import sys
import time


def with_fluency(base, fluency, out):
    b = open(base, "rb").read()
    n = struct.unpack("<Q", b[:8])[0]
    header = json.loads(b[8:8 + n])
    data = b[8 + n:]
    meta = header.pop("__metadata__")
    settings = json.loads(meta["sieve"])
    settings["featurizer"]["fluency"] = True
    settings["model"]["dense_inputs"] = 27
    meta["sieve"] = json.dumps(settings)
    tensors = []
    for name, t in sorted(((k, v) for k, v in header.items() if not k.startswith("__pad")),
                          key=lambda kv: kv[1]["data_offsets"][0]):
        raw, shape = data[t["data_offsets"][0]:t["data_offsets"][1]], t["shape"]
        if name.startswith("heads.") and name.endswith(".weight"):
            rows, cols = shape
            raw = b"".join(raw[r * cols * 4:(r + 1) * cols * 4] + b"\0" * 27 * 4 for r in range(rows))
            shape = [rows, cols + 27]
        tensors.append((name, t["dtype"], shape, raw, 1 if t["dtype"] == "U8" else 64))
    tensors.append(("dense_shift", "F32", [27], struct.pack("<27f", *[0.0] * 27), 64))
    tensors.append(("dense_scale", "F32", [27], struct.pack("<27f", *[1.0] * 27), 64))
    blob = open(fluency, "rb").read()
    tensors.append(("fluency.model", "U8", [len(blob)], blob, 8))
    out_header, body, pads = {"__metadata__": meta}, bytearray(), 0
    for name, dtype, shape, raw, align in tensors:
        gap = (-len(body)) % align
        if gap:
            out_header["__pad.%d" % pads] = {"dtype": "U8", "shape": [gap],
                                              "data_offsets": [len(body), len(body) + gap]}
            pads += 1
            body += b"\0" * gap
        out_header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(body), len(body) + len(raw)]}
        body += raw
    js = json.dumps(out_header).encode()
    js += b" " * ((-(8 + len(js))) % 64)
    with open(out, "wb") as f:
        f.write(struct.pack("<Q", len(js)) + js + bytes(body))


def private_kb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("RssAnon:"):
                return int(line.split()[1])
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="out/demo/model/model.sieve")
    parser.add_argument("--python", default="build/python", help="the folder of the built module sieve")
    parser.add_argument("--out", default="build/fluency-model-load")
    parser.add_argument("halves", nargs="+")
    args = parser.parse_args()
    sys.path.insert(0, args.python)
    import sieve
    os.makedirs(args.out, exist_ok=True)
    print("| fluency.model | model.sieve | load (median of 7) | private memory added |")
    print("|---|---:|---:|---:|")
    for half in args.halves:
        path = os.path.join(args.out, os.path.basename(half) + ".sieve")
        with_fluency(args.base, half, path)
        seconds, memory = [], 0
        for _ in range(7):
            gc.collect()
            before, start = private_kb(), time.perf_counter()
            model = sieve.Model(path)
            seconds.append(time.perf_counter() - start)
            memory = private_kb() - before
            del model
        print(f"| {half} | {os.path.getsize(path) / 1e6:.1f} MB | {1e3 * statistics.median(seconds):.0f} ms | "
              f"{memory / 1e3:.0f} MB |")


if __name__ == "__main__":
    main()
