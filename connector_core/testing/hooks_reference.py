"""docs/hooks.md, written from the hook specs themselves: one section per hook with its signature, who
implements it, the capability that needs it and its docstring. The hooks are declared once (in
`connector_core/hookspecs/`); tests/core/test_hook_declarations.py fails when this page is stale.

    python -m connector_core.testing.hooks_reference > docs/hooks.md
"""

from __future__ import annotations

import inspect
import re

from .. import hookspecs

INTRO = """# Hooks reference

Every hook a connector (or a host plugin) may implement, in the order `connector_core/hookspecs/`
declares them. This page is generated from those declarations
(`python -m connector_core.testing.hooks_reference > docs/hooks.md`) and a test fails when it is stale,
so it is always the contract the core calls. How to write a connector: docs/writing-a-connector.md.

An implementation may take fewer arguments than the signature lists (pluggy passes only those it names).
The core's own rules (`connector_core.rules`) implement some hooks too, for every connector: see
"Host rules" in docs/writing-a-connector.md.
"""


def hook_names() -> list[str]:
    """The hooks, in declaration order: the spec modules in `SPEC_MODULES` order, each read top down."""
    modules = [module.__name__ for module in hookspecs.SPEC_MODULES]
    found = [
        (modules.index(obj.__module__), obj.__code__.co_firstlineno, name)
        for name, obj in vars(hookspecs).items()
        if inspect.isfunction(obj) and hasattr(obj, f"{hookspecs.PROJECT_NAME}_spec")
    ]
    return [name for *_, name in sorted(found)]


def _role(name: str) -> str:
    if name in hookspecs.HOST_HOOKS:
        return "the host (a plugin registered into every connector's manager)"
    if name in hookspecs.ALWAYS_REQUIRED:
        return "every connector (required)"
    for capability, hooks in hookspecs.CAPABILITY_HOOKS.items():
        if name in hooks:
            return f"a connector declaring `{capability.value}` (required)"
    for capability, hooks in hookspecs.OPTIONAL_HOOKS.items():
        if name in hooks:
            return f"a connector declaring `{capability.value}` (optional)"
    return "anyone (optional)"


def _signature(name: str) -> str:
    signature = inspect.signature(getattr(hookspecs, name))  # annotations are strings (PEP 563)
    params = ", ".join(f"{p.name}: {p.annotation}" for p in signature.parameters.values())
    return re.sub(r"\s+", " ", f"{name}({params}) -> {signature.return_annotation}")


def section(name: str) -> str:
    spec = getattr(hookspecs, name)
    options = getattr(spec, f"{hookspecs.PROJECT_NAME}_spec")
    doc = inspect.cleandoc(spec.__doc__ or "")
    kind = "firstresult" if options.get("firstresult") else "every implementation runs"
    return (
        f"## `{name}`\n\n```python\n{_signature(name)}\n```\n\n"
        f"Implemented by: {_role(name)}. Calling: {kind}.\n\n{doc}\n"
    )


def render() -> str:
    return INTRO + "".join(f"\n{section(name)}" for name in hook_names())


if __name__ == "__main__":  # pragma: no cover - the generator's command line
    print(render(), end="")
