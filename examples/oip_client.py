#!/usr/bin/env python3
"""Scores posts with a running `sieve serve` through the Open Inference Protocol (KServe v2), using only
the standard library: reads the model's metadata, sends the posts as one BYTES tensor "text" to
/v2/models/{name}/infer and prints each post's scores and decisions.

Usage: examples/oip_client.py [--url http://127.0.0.1:8080] [--model sieve] [text ...]
"""
import argparse
import json
import sys
import urllib.error
import urllib.request


def call(url, body=None):
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.load(answer)
    except urllib.error.HTTPError as error:
        # Every refusal is the protocol's {"error": "<message>"}.
        message = json.load(error).get("error", "")
        sys.exit(f"{url}: {error.code} {message}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8080")
    parser.add_argument("--model", default="sieve")
    parser.add_argument("texts", nargs="*", default=[
        "Trudeau hid the scandal, share before they delete it!",
        "Le premier ministre a présenté le budget ce matin.",
    ])
    args = parser.parse_args()
    model_url = f"{args.url}/v2/models/{args.model}"

    metadata = call(model_url)
    print(f"model {metadata['name']} version {metadata['versions'][0]}: outputs",
          ", ".join(f"{o['name']} {o['datatype']}{o['shape']}" for o in metadata["outputs"]))

    request = {
        "id": "example-1",
        "inputs": [{"name": "text", "shape": [len(args.texts)], "datatype": "BYTES", "data": args.texts}],
    }
    answer = call(f"{model_url}/infer", request)
    for i, text in enumerate(args.texts):
        print(f"\n{text}")
        for output in answer["outputs"]:
            shape, data = output["shape"], output["data"]
            width = shape[1] if len(shape) == 2 else 1  # data is flattened row-major
            row = data[i * width:(i + 1) * width]
            print(f"  {output['name']:<24} {row if width > 1 else row[0]}")


if __name__ == "__main__":
    main()
