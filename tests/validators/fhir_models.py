#!/usr/bin/env python3
"""Validate FHIR Bundles with the fhir.resources R4B models (an outside FHIR R4 model validator).

Usage: python fhir_models.py BUNDLE.json...   (exit 0 when every file is valid)
Install: python3 -m venv /tmp/fhirvenv && /tmp/fhirvenv/bin/pip install fhir.resources
"""
import sys

from fhir.resources.R4B.bundle import Bundle


def main(paths):
    bad = 0
    for path in paths:
        with open(path, "rb") as f:
            text = f.read()
        try:
            bundle = Bundle.model_validate_json(text)
            # Every entry's resource is validated as its own type (R4B models).
            for entry in bundle.entry or []:
                entry.resource.__class__.model_validate(entry.resource.model_dump())
        except Exception as e:  # noqa: BLE001 - report any rejection
            bad += 1
            print(f"{path}: INVALID: {e}", file=sys.stderr)
    print(f"fhir.resources R4B: {len(paths) - bad} valid, {bad} invalid")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
