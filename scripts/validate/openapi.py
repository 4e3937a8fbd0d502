#!/usr/bin/env python3
"""Checks the JSON API against its OpenAPI 3.1 document, with independent libraries:

1. the document itself, with `openapi-spec-validator` (the OpenAPI 3.1 meta-schema and
   its rules: every $ref resolves, path parameters are declared, operation ids unique);
2. every answer the tests recorded, with `jsonschema` (Draft 2020-12, which OpenAPI 3.1
   schemas are): its path must match one of the document's paths, its method one of
   that path's operations, its status one of that operation's responses, and its body
   the response's schema;
3. every operation of the document has at least one recorded answer with a 2xx status
   (so no part of the document goes unchecked).

Usage: openapi.py document.json answers.jsonl, where each line of answers.jsonl is
{"method": "GET", "path": "/api/v1/…?query", "status": 200, "body": …}.
Exit status 2 with the reasons when a check fails, 3 when a package is missing.
Used by server/tests/objects/api_v1.rs.
"""
import json
import re
import sys

try:
    import jsonschema
    from openapi_spec_validator import validate as validate_spec
except ImportError as e:
    sys.stderr.write(
        f"a Python validator is missing ({e}): run scripts/setup.sh "
        "(or pip install -r scripts/requirements-test.txt)\n"
    )
    sys.exit(3)


def main():
    doc = json.load(open(sys.argv[1]))
    answers = [json.loads(line) for line in open(sys.argv[2]) if line.strip()]
    problems = []
    try:
        validate_spec(doc)
    except Exception as e:  # the validator's own error types vary by version
        problems.append(f"the document is not valid OpenAPI: {e}")

    # Literal paths first, so /hackfests/{slug} never takes /hackfests/x/goals.
    templates = []
    for path in doc["paths"]:
        pattern = "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path)) + "$"
        templates.append((path.count("{"), path, re.compile(pattern)))
    templates.sort()

    covered = set()
    for a in answers:
        path = a["path"].split("?", 1)[0]
        method = a["method"].lower()
        where = f'{a["method"]} {a["path"]} → {a["status"]}'
        match = next((p for _, p, rx in templates if rx.match(path)), None)
        if match is None:
            problems.append(f"{where}: no path of the document matches")
            continue
        op = doc["paths"][match].get(method)
        if op is None:
            problems.append(f"{where}: {match} has no {method} operation")
            continue
        response = op["responses"].get(str(a["status"]))
        if response is None:
            problems.append(f"{where}: {match} {method} documents no {a['status']} answer")
            continue
        schema = response.get("content", {}).get("application/json", {}).get("schema")
        if schema is None:
            problems.append(f"{where}: the {a['status']} answer has no JSON schema")
            continue
        root = dict(schema)
        root["components"] = doc["components"]
        validator = jsonschema.Draft202012Validator(root)
        errors = sorted(validator.iter_errors(a["body"]), key=lambda e: list(e.path))
        for e in errors[:5]:
            at = "/".join(str(p) for p in e.absolute_path) or "(the body)"
            problems.append(f"{where}: at {at}: {e.message[:300]}")
        if 200 <= a["status"] < 300 and not errors:
            covered.add((match, method))

    for path, item in doc["paths"].items():
        for method in item:
            if method in ("get", "put", "post", "delete", "patch") and (path, method) not in covered:
                problems.append(f"{method.upper()} {path}: no answer of the tests checks it")

    if problems:
        sys.stderr.write("\n".join(problems) + "\n")
        sys.exit(2)
    print(json.dumps({"answers": len(answers), "operations": len(covered), "paths": len(doc["paths"])}))


main()
