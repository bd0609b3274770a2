"""Models built from values their builder already checked, without pydantic validating them again.

A connector's mapping checks every channel value it reads and raises naming the field when one is wrong
(connectors/tiktok_shop/order_mapping.py); what it then hands to a model is already of the model's types
(text, UTC datetimes, validated `Money`, enums, lists it built). Validating that again cost a third of the
mapping of an order (issue 19), and pydantic's own `model_construct` is no cheaper than validation for
these models. `trusted` builds the instance as `model_construct` would (the fields given, the declared
defaults for the others, the fields given marked as set), only directly, its fields in declared order as
validation keeps them (serialization follows that order: the JSON text is the same too).

Use it only for values the caller built and checked itself; a connector's tests should validate what it
builds this way again and compare (tests/tiktok_shop/test_order_mapping_valid.py does for orders).
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)


_Spec = tuple[frozenset[str], frozenset[str], dict[str, Any], tuple[tuple[str, Any], ...]]
_SPECS: dict[type[BaseModel], _Spec] = {}
_FROM_FACTORY: Any = object()
"""Placeholder in the template for a field whose default comes from a factory (or that is required)."""
_new = object.__new__
_set_dict = object.__setattr__
# BaseModel's own slots, set through their descriptors: a plain call each, no attribute lookup by name.
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def _spec(cls: type[BaseModel]) -> _Spec:
    """(field names, required names, a template of every field in declared order holding its plain default,
    (name, factory) pairs) of a model, worked out once per class. Filling a copy of the template keeps the
    declared order, which is the order validation builds and serialization follows."""
    if cls.__private_attributes__ or cls.model_config.get("extra") == "allow":
        raise TypeError(f"{cls.__name__} has private attributes or extra fields: build it with validation")
    template: dict[str, Any] = {}
    required = []
    factories = []
    for name, info in cls.model_fields.items():
        template[name] = _FROM_FACTORY
        if info.default_factory is not None:
            factories.append((name, info.default_factory))
        elif info.is_required():
            required.append(name)
        else:
            template[name] = info.default
    spec = (frozenset(cls.model_fields), frozenset(required), template, tuple(factories))
    _SPECS[cls] = spec
    return spec


_FIELDS_SETS: dict[tuple[type[BaseModel], tuple[str, ...]], tuple[set[str], bool]] = {}
"""Per frozen model and the names given, in their order: the fields-set every such instance shares, and
whether the names are every field in declared order (below)."""
_MAX_FIELDS_SETS = 256


def _fields_set(cls: type[BaseModel], keys: tuple[str, ...], spec: _Spec) -> tuple[set[str], bool]:
    """The checked fields-set for these names, and whether they are all the fields in declared order: a
    name the model does not have, or a required field left out, is a programming error."""
    names, required, template, _ = spec
    given = set(keys)
    if not (names >= given >= required):
        unknown = sorted(given - names)
        if unknown:
            raise TypeError(f"{cls.__name__} has no field {unknown[0]!r}")
        raise TypeError(f"{cls.__name__} needs {', '.join(sorted(required - given))}")
    found = (given, keys == tuple(template))
    if cls.model_config.get("frozen") and len(_FIELDS_SETS) < _MAX_FIELDS_SETS:
        _FIELDS_SETS[cls, keys] = found
    return found


def trusted(cls: type[M], **values: Any) -> M:
    """An instance of `cls` holding `values` as they are (see the module docstring); missing fields get
    their defaults. A name the model does not have, or a required field left out, is a programming error."""
    spec = _SPECS.get(cls) or _spec(cls)
    # A frozen model's fields-set never changes after construction (pydantic copies it for `model_copy`),
    # so instances built from the same names share one, checked once: a set per instance was a third of
    # the mapping's objects the garbage collector traverses while a page is held (issue 19).
    keys = tuple(values)
    fields_set, complete = _FIELDS_SETS.get((cls, keys)) or _fields_set(cls, keys, spec)
    if complete:  # every field, in declared order: the call's own fresh keyword dict is the instance's dict
        data = values
    else:
        _, _, template, factories = spec
        data = template.copy()
        data.update(values)
        for name, factory in factories:
            if name not in values:
                data[name] = factory()
    model = _new(cls)
    _set_dict(model, "__dict__", data)
    _set_fields_set(model, fields_set)
    _set_extra(model, None)
    _set_private(model, None)
    return model
