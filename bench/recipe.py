"""scripts/train-default's recipe, read from the script's own `name=value` lines, so that a bench trains its
`default` as the script does and follows the script when it changes.

Usage: recipe.py [--with-llm]
  prints the recipe's `sieve train` settings as words, one per line (--set, name=value, ...): the network,
  and with --with-llm the weights the script gives the default LLM data.
"""
import os
import sys

SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scripts", "train-default")


def recipe_lines():
    """scripts/train-default's `name=value` lines (hidden, dropout, max_steps; llm_weights, a bash array)."""
    values = {}
    with open(SCRIPT) as script:
        for line in script:
            name, equals, value = line.strip().partition("=")
            if equals and name.isidentifier() and name.islower():
                values[name] = value.split("#")[0].strip()
    for name in ["hidden", "dropout", "max_steps", "llm_weights"]:
        if name not in values:
            sys.exit(f"recipe.py: scripts/train-default has no {name}= line")
    return values


def recipe_settings(with_llm):
    """The `sieve train` settings scripts/train-default gives a run, with or without the LLM data."""
    lines = recipe_lines()
    settings = {"model.hidden": lines["hidden"], "model.dropout": lines["dropout"]}
    if with_llm:
        for weight in lines["llm_weights"].strip("()").split():
            key, _, value = weight.partition("=")
            settings[key] = value
    return settings


if __name__ == "__main__":
    if sys.argv[1:] not in ([], ["--with-llm"]):
        sys.exit(__doc__)
    for key, value in recipe_settings(sys.argv[1:] == ["--with-llm"]).items():
        print("--set")
        print(f"{key}={value}")
