"""Writes the canonical models' JSON Schemas into schemas/core/ (run: python -m connector_core.schemagen).

Hosts in other languages validate what connectors emit against these files; a test fails when a model
changes without the files being regenerated.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from pydantic import BaseModel

from .models import CANONICAL_MODELS
from .resources import schemas_root


def file_name(model: type[BaseModel]) -> str:
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", model.__name__).lower()
    return f"{snake}.schema.json"


def render(model: type[BaseModel]) -> str:
    schema = model.model_json_schema(mode="serialization")
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": file_name(model), **schema}
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def generate(target: Path | None = None) -> list[Path]:
    directory = target or schemas_root() / "core"
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for model in CANONICAL_MODELS:
        path = directory / file_name(model)
        path.write_text(render(model), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in generate(Path(sys.argv[1]) if len(sys.argv) > 1 else None):
        print(written_path)
