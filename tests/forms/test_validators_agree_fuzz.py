"""Python and ajv agree on thousands of generated strings, not only on the cases someone thought of.

Strings are made (deterministically) from pieces where the two regex dialects and URI readers are known to
part ways: line terminators, Unicode digits and spaces, astral characters, percent escapes, brackets. Every
pattern of both TikTok forms, a set of tricky patterns and the `uri` and `date` formats judge each string
in Python and in ajv; any disagreement is listed with the string that shows it."""

from __future__ import annotations

import json
import random
import subprocess
from typing import Any

import pytest
from forms_support import FRONTEND, require_node

from connector_core import forms
from connector_core.host import ConnectorHost

PIECES = [
    "a", "A", "Z", "0", "9", "_", "-", ".", "/", ":", "?", "#", "@", "%", "%2", "%20", "%zz", "[", "]", "::1",
    "\n", "\r", "\u2028", "\u2029", " ", "\t", "\u00a0", "\u0085", "\u001c", "\ufeff", "é", "e\u0301",
    "\u0663", "\uff11", "😀", "$", "^", "http", "https://", "//", "[::1]", "[v1.x]", "[fe80::1%25eth0]",
    "x y", "mailto:", "urn:", "2024-02-29", "2023-02-29", "-01", "+", "!", "'", "(", "~", "=", ";", ",",
]  # fmt: skip
TRICKY_PATTERNS = [
    "^[a-z0-9]+$", "^\\d+$", "^\\w+$", "^a.b$", "\\s", "^\\S+$", "^[^/]+$", "^.*$", "^.{2,4}$", "[0-9]{3}",
    "^(?:ab|cd)+$", "\\bZ", "^[\\s\\d]+$", "^[^\\s]+$", "^(?<x>a)\\k<x>", "$", "^$", "^[.]$", "^\\$",
    "^[\\w-]+$", "^\\u00e9", "\\u{1F600}", "^[^]+$", "[]", "^\\cJ", "^(?=a).", "(?<!a)Z", "^\\x41", "^\\W+$",
    "^\\D+$", "^[a-c\\d]$", "[&~|]", "^[[]", "a{2}", "^\\/", "\\n$", "^(a)\\1$",
]  # fmt: skip
HOSTS = [
    "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::", "::1", "1::", "::1.2.3.04", "::1.2.3.256", "1::2::3",
    "::ffff:1.2.3.4", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", "12345::", "::1.2.3", "1:2:3:4:5:6:7",
    "1:2:3:4:5:6::8", "1:2:3:4:5:6:7:8:9", "FE80::A", "fe80::1%25eth0", "v1.x", "vF.a:b", "v.x", "1.2.3.4",
    "::1.2.3.4:5", "1.2.3.4::", ":1::", "1:::2", "0:0:0:0:0:0:0:0", "0000:0:0:0:0:0:0:0", "::0:1.2.3.4",
]  # fmt: skip
COUNT = 3000


def _form_patterns() -> list[str]:
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "pattern" and isinstance(value, str):
                    found.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    connector = ConnectorHost().get("tiktok_shop")
    walk(connector.credentials_schema())
    walk(connector.settings_schema())
    return sorted(set(found))


def _strings() -> list[str]:
    rng = random.Random(13)  # fixed: a failure names a string that reproduces
    made = {"", "https://example.com", "abcd1234\n", "https://exa mple.com"}
    while len(made) < COUNT:
        pieces = rng.choices(PIECES, k=rng.randint(1, 7))
        prefix = rng.choice(["", "", "https://", "http://h", "a:", "2024-"])
        made.add(prefix + "".join(pieces))
    made.update(f"http://[{host}]{tail}" for host in HOSTS for tail in ("", "/", ":80/x"))
    return sorted(made)


@pytest.mark.slow  # about 200,000 verdicts on each side
def test_python_and_ajv_agree_on_generated_strings() -> None:
    node = require_node()
    schemas = [{"type": "string", "pattern": p} for p in sorted(set(TRICKY_PATTERNS) | set(_form_patterns()))]
    schemas += [{"type": "string", "format": "uri"}, {"type": "string", "format": "date"}]
    values = _strings()
    done = subprocess.run(
        [node, str(FRONTEND / "scripts" / "matrix-verdicts.mjs")],
        input=json.dumps({"schemas": schemas, "values": values}),
        cwd=FRONTEND,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    ajv = json.loads(done.stdout)["valid"]

    disagreements = []
    for schema, ajv_row in zip(schemas, ajv, strict=True):
        form = {"type": "object", "properties": {"value": schema}}
        for value, ajv_valid in zip(values, ajv_row, strict=True):
            python_valid = forms.validate({"value": value}, form) == []
            if python_valid is not ajv_valid:
                disagreements.append(f"{schema} on {value!r}: Python {python_valid}, ajv {ajv_valid}")
    assert disagreements == [], "\n".join(disagreements[:40])
