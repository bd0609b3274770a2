"""Each hook is declared once, in connector_core/hookspecs/; everything else that names hooks is checked
against that declaration here: the typed facade (`Connector`), the capability tables, the hooks reference
in docs/, and the public names of the package (imported lazily, and cheaply)."""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
from pathlib import Path

import connector_core
from connector_core import hookspecs
from connector_core.host import Connector
from connector_core.testing import hooks_reference

ROOT = Path(__file__).resolve().parents[2]


def spec_args(name: str) -> list[str]:
    return list(inspect.signature(getattr(hookspecs, name)).parameters)


def test_the_typed_facade_has_one_method_per_hook_taking_the_specs_arguments() -> None:
    for name in hooks_reference.hook_names():
        if name == "connector_manifest":
            continue  # read once at load time: `Connector.manifest`
        method = getattr(Connector, name, None)
        assert method is not None, f"Connector has no method for hook {name!r}"
        facade = [p for p in inspect.signature(method).parameters if p != "self"]
        assert facade == spec_args(name), f"Connector.{name}{facade} differs from the spec {spec_args(name)}"


def test_the_capability_tables_name_only_declared_hooks() -> None:
    declared = set(hooks_reference.hook_names())
    tables = [*hookspecs.CAPABILITY_HOOKS.values(), *hookspecs.OPTIONAL_HOOKS.values()]
    named = {hook for hooks in tables for hook in hooks} | set(hookspecs.HOST_HOOKS)
    assert named <= declared, named - declared


def test_the_hooks_reference_in_docs_is_the_specs() -> None:
    written = (ROOT / "docs" / "hooks.md").read_text(encoding="utf-8")
    assert written == hooks_reference.render(), (
        "docs/hooks.md is stale: python -m connector_core.testing.hooks_reference > docs/hooks.md"
    )


def test_every_public_name_resolves_and_is_declared_once() -> None:
    source = (ROOT / "connector_core" / "__init__.py").read_text(encoding="utf-8")
    imports = [
        (node.module, alias.name)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom) and node.level == 1
        for alias in node.names
    ]
    typed = {name for module, name in imports if name != "*"}
    exported = {name for names in connector_core._EXPORTS.values() for name in names}
    assert typed == exported, "the TYPE_CHECKING imports and _EXPORTS disagree"
    # The canonical models are the rest of __all__: type checkers see them through one star import of
    # connector_core.models, and each is one of that package's public names.
    assert [module for module, name in imports if name == "*"] == ["models"]
    models = set(connector_core.__all__) - exported - {"__version__"}
    assert models and models <= set(connector_core.models.__all__), models - set(
        connector_core.models.__all__
    )
    assert not models & {"CANONICAL_MODELS", "UtcDatetime"}, (
        "the package re-exports models, not their plumbing"
    )
    for name in connector_core.__all__:
        assert getattr(connector_core, name) is not None, name
    for name in models:
        assert getattr(connector_core, name) is getattr(connector_core.models, name), name


def fresh_import(statement: str) -> tuple[int, bool]:
    """(modules loaded, whether pydantic was) by `statement` in a fresh interpreter."""
    code = f"import sys; {statement}; print(len(sys.modules), 'pydantic' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.split()
    return int(out[0]), out[1] == "True"


def test_importing_the_package_or_the_hook_markers_loads_almost_nothing() -> None:
    # Before the lazy package: 485 modules (pydantic, the store, the HTTP client ...) for either line.
    modules, pydantic = fresh_import("import connector_core")
    assert modules < 100 and not pydantic, modules
    modules, pydantic = fresh_import("from connector_core import hookimpl")
    assert modules < 150 and not pydantic, modules
