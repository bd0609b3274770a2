"""Which documented fields a set of answers never carried: the check that makes a *missing* field fail.

A schema's `required` list can only hold what TikTok always sends; fields that depend on status, market or
version are optional there. Across many answers, though, every documented field must show up somewhere,
unless the emulated world has no case where it applies (the caller names those, with the reason).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def documented_paths(
    schema: Mapping[str, Any], schemas: Mapping[str, Mapping[str, Any]], prefix: str = ""
) -> set[str]:
    """Every property path a schema documents: `data.orders[].payment.tax` style; `$ref`s followed by file name."""
    if "$ref" in schema:
        return documented_paths(schemas[schema["$ref"].removesuffix(".schema.json")], schemas, prefix)
    paths: set[str] = set()
    if schema.get("type") == "array" and isinstance(schema.get("items"), Mapping):
        return documented_paths(schema["items"], schemas, prefix + "[]")
    for name, sub in schema.get("properties", {}).items():
        path = f"{prefix}.{name}" if prefix else name
        paths.add(path)
        paths |= documented_paths(sub, schemas, path)
    return paths


def present_paths(document: Any, prefix: str = "") -> set[str]:
    """Every key path present in one JSON document, in the same notation."""
    paths: set[str] = set()
    if isinstance(document, list):
        for item in document:
            paths |= present_paths(item, prefix + "[]")
    elif isinstance(document, dict):
        for name, value in document.items():
            path = f"{prefix}.{name}" if prefix else name
            paths.add(path)
            paths |= present_paths(value, path)
    return paths


def never_sent(
    schema: Mapping[str, Any],
    schemas: Mapping[str, Mapping[str, Any]],
    documents: Iterable[Any],
    not_applicable: Mapping[str, str],
) -> set[str]:
    """Documented paths no document carried, leaving out those under a name in `not_applicable`."""
    seen: set[str] = set()
    for document in documents:
        seen |= present_paths(document)
    missing = documented_paths(schema, schemas) - seen
    return {
        path
        for path in missing
        if not any(part.removesuffix("[]") in not_applicable for part in path.split("."))
    }
