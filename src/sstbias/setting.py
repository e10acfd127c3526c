"""A model setting's documentation, carried by its dataclass field: :func:`setting` writes the default, the
description and the JSON-schema bounds in one place, and :func:`settings_schema` turns a settings dataclass into
the schema of its config section (``models.<name>``). Ground level: imports nothing from sstbias.

The JSON type follows the field's annotation (int: integer, float: number, str: string, bool: boolean,
``list[X]``: an array of X, ``X | None``: X or null); bounds (``minimum``, ``enum``, ``items``, ...) are JSON
schema keywords given as keyword arguments, tuples written as lists. ``oneOf`` replaces the type.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from typing import Any

_JSON_TYPES = {int: "integer", float: "number", str: "string", bool: "boolean"}
NOT_DOCUMENTED = ("seed",)  # fields that are no config key: the run's seed (``<model>/seed_<n>``)


def setting(
    default: object = dataclasses.MISSING,
    description: str = "",
    *,
    default_factory: Callable[[], object] | None = None,
    **bounds: object,
) -> Any:
    """A dataclass field with ``default`` (or ``default_factory`` for a list), documented by ``description``
    and bounded by the JSON-schema keywords ``bounds`` (``minimum=1``, ``enum=("a", "b")``, ...)."""
    metadata = {"description": description, "bounds": bounds}
    if default_factory is not None:
        return dataclasses.field(default_factory=default_factory, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def _plain(value: object) -> object:
    """``value`` with tuples as lists and mappings as dicts (what YAML and JSON write)."""
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def _json_type(annotation: object) -> tuple[object, dict]:
    """The JSON ``type`` of a field annotation, and its ``items`` type for a list."""
    args = typing.get_args(annotation)
    if isinstance(annotation, types.UnionType) and type(None) in args:
        (inner,) = [arg for arg in args if arg is not type(None)]
        return [_JSON_TYPES[inner], "null"], {}
    if typing.get_origin(annotation) is list:
        return "array", {"type": _JSON_TYPES[args[0]]}
    return _JSON_TYPES[annotation], {}


def field_schema(cls: type, field: dataclasses.Field) -> dict:
    """The JSON schema of one field of settings dataclass ``cls``: type, bounds, default and description."""
    bounds = dict(field.metadata.get("bounds", {}))
    default = field.default_factory() if field.default is dataclasses.MISSING else field.default
    entry: dict = {}
    if "oneOf" not in bounds:
        json_type, items = _json_type(typing.get_type_hints(cls)[field.name])
        entry["type"] = json_type
        if items:
            entry["items"] = items | _plain(bounds.pop("items", {}))
    entry |= _plain(bounds)
    if isinstance(default, float) and default.is_integer():
        default = int(default)  # 0, not 0.0: the config the schema fills (and its fingerprints) as written before
    return entry | {"default": _plain(default), "description": field.metadata.get("description", "")}


def settings_schema(cls: type) -> dict:
    """The JSON schema of the properties of settings dataclass ``cls`` (every field but :data:`NOT_DOCUMENTED`),
    in field order; a field without :func:`setting` metadata is a ValueError (it would be undocumented)."""
    properties = {}
    for field in dataclasses.fields(cls):
        if field.name in NOT_DOCUMENTED:
            continue
        if "description" not in field.metadata:
            raise ValueError(f"{cls.__name__}.{field.name}: no setting() metadata (description, bounds)")
        properties[field.name] = field_schema(cls, field)
    return properties


def choices(cls: type) -> dict[str, tuple]:
    """The ``enum`` of each field of settings dataclass ``cls`` that has one: what a value must be one of."""
    return {
        field.name: tuple(field.metadata["bounds"]["enum"])
        for field in dataclasses.fields(cls)
        if "enum" in field.metadata.get("bounds", {})
    }
