"""Models built from values their builder already checked, without pydantic validating them again.

A connector's mapping checks every channel value it reads and raises naming the field when one is wrong
(connectors/tiktok_shop/order_mapping.py); what it then hands to a model is already of the model's types
(text, UTC datetimes, validated `Money`, enums, lists it built). Validating that again cost a third of the
mapping of an order (issue 19), and pydantic's own `model_construct` is no cheaper than validation for
these models. `trusted` builds the instance as `model_construct` would (the fields given, the declared
defaults for the others, the fields given marked as set), only directly.

Use it only for values the caller built and checked itself; a connector's tests should validate what it
builds this way again and compare (tests/tiktok_shop/test_order_mapping_valid.py does for orders).
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)


_SPECS: dict[type[BaseModel], tuple[frozenset[str], dict[str, Any], tuple[tuple[str, Any], ...]]] = {}
_set = object.__setattr__


def _spec(cls: type[BaseModel]) -> tuple[frozenset[str], dict[str, Any], tuple[tuple[str, Any], ...]]:
    """(field names, plain defaults, (name, factory) pairs) of a model, worked out once per class."""
    if cls.__private_attributes__ or cls.model_config.get("extra") == "allow":
        raise TypeError(f"{cls.__name__} has private attributes or extra fields: build it with validation")
    plain: dict[str, Any] = {}
    factories = []
    for name, info in cls.model_fields.items():
        if info.default_factory is not None:
            factories.append((name, info.default_factory))
        elif not info.is_required():
            plain[name] = info.default
    spec = (frozenset(cls.model_fields), plain, tuple(factories))
    _SPECS[cls] = spec
    return spec


def trusted(cls: type[M], **values: Any) -> M:
    """An instance of `cls` holding `values` as they are (see the module docstring); missing fields get
    their defaults. A name the model does not have, or a required field left out, is a programming error."""
    names, plain, factories = _SPECS.get(cls) or _spec(cls)
    if not values.keys() <= names:
        raise TypeError(f"{cls.__name__} has no field {sorted(values.keys() - names)[0]!r}")
    data = plain.copy()
    data.update(values)
    for name, factory in factories:
        if name not in values:
            data[name] = factory()
    if len(data) != len(names):
        raise TypeError(f"{cls.__name__} needs {', '.join(sorted(names - data.keys()))}")
    model = object.__new__(cls)
    _set(model, "__dict__", data)
    _set(model, "__pydantic_fields_set__", set(values))
    _set(model, "__pydantic_extra__", None)
    _set(model, "__pydantic_private__", None)
    return model
