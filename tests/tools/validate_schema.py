#!/usr/bin/env python3
"""Validates JSON documents against handbook's content schema with an
independent validator (PyPI `jsonschema`).

usage: validate_schema.py SCHEMA.json DOC.json...
Prints `FILE: ok` or `FILE: invalid: MESSAGE` per document; exits 0.
"""
import json
import sys

import jsonschema

with open(sys.argv[1], encoding='utf-8') as f:
    schema = json.load(f)
validator = jsonschema.Draft202012Validator(schema)
for path in sys.argv[2:]:
    with open(path, encoding='utf-8') as f:
        doc = json.load(f)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    if errors:
        print('%s: invalid: %s' % (path, ' | '.join(e.message for e in errors)))
    else:
        print('%s: ok' % path)
