"""Load a rules file: safe YAML -> pydantic model, with errors that name the file, the line and the
key, say what was expected, and suggest the nearest valid key for typos.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import yaml
from pydantic import BaseModel, ValidationError

from crmclean.errors import RulesError
from crmclean.rules.model import CHECK_MODELS, Condition, FillRule, NormalizeRule, Rules, Settings

MAX_NODES = 100_000  # a rules file is small; more nodes after alias expansion is a YAML bomb
MAX_BYTES = 1 << 20


def bundled_dir() -> Path:
    """The folder of the bundled rule sets: the top-level ``rules/`` of the project, which the wheel
    carries as ``crmclean/bundled_rules`` (a source checkout or editable install reads ``rules/``)."""
    package = Path(__file__).resolve().parents[1]
    installed = package / "bundled_rules"
    return installed if installed.is_dir() else package.parent / "rules"


def bundled_names() -> list[str]:
    """Names of the bundled rule sets (``default``, ``b2b``...), for ``--rules NAME`` and ``extends:``."""
    return sorted(p.stem for p in bundled_dir().glob("*.yaml"))


@dataclass
class LoadedRules:
    rules: Rules
    path: Path | None  # None for rules given as a mapping or a Rules object
    base: Path  # folder that relative paths (map_file) resolve against


def bundled(name: str = "default") -> Path:
    """The path of the bundled rule set ``name``; a RulesError lists the names when there is none."""
    path = bundled_dir() / f"{name}.yaml"
    if not path.is_file():
        raise RulesError(f"no bundled rule set {name!r}", hint="bundled sets: " + ", ".join(bundled_names()))
    return path


RulesSource = str | Path | Mapping[str, Any] | Rules | LoadedRules | None


def load_rules(source: RulesSource = None) -> LoadedRules:
    """Rules from ``source``: None for the bundled default; a bundled set's name (``"b2b"``); a path to
    a YAML file; a mapping with the YAML's structure; or a Rules object. ``extends:`` is resolved."""
    if isinstance(source, LoadedRules):
        return source
    if source is None:
        source = "default"
    if isinstance(source, Rules):
        return LoadedRules(_extended(source), None, Path.cwd())
    if isinstance(source, Mapping):
        try:
            rules = Rules.model_validate(dict(source))
        except ValidationError as err:
            raise RulesError(f"invalid rules: {_first_error(err)}") from None
        return LoadedRules(_extended(rules), None, Path.cwd())
    target = Path(source)
    if isinstance(source, str) and not target.exists() and not target.suffix and target.name == source:
        target = bundled(source)  # a bare name: a bundled set, or an error that lists them
    return LoadedRules(_extended(_parse(target)), target, target.resolve().parent)


def _extended(rules: Rules, seen: tuple[str, ...] = ()) -> Rules:
    """``rules`` on top of the bundled set it extends (which may extend another)."""
    if rules.extends == "none":
        return rules
    if rules.extends in seen:
        raise RulesError(f"`extends: {rules.extends}` loops back to itself")
    base = _extended(_parse(bundled(rules.extends)), (*seen, rules.extends))
    return _merge(base, rules)


def _first_error(err: ValidationError) -> str:
    first = err.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}" if where else first["msg"]


def _read(path: Path) -> str:
    name = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise RulesError("no such rules file", file=name) from None
    except IsADirectoryError:
        raise RulesError("is a directory, expected a rules file", file=name) from None
    except OSError as err:
        raise RulesError(f"cannot read the rules file: {err.strerror}", file=name) from None
    if len(raw) > MAX_BYTES:
        raise RulesError(f"a rules file of {len(raw):,} bytes is too large", file=name)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise RulesError(
            "the rules file is not UTF-8", file=name, line=raw.count(b"\n", 0, err.start) + 1
        ) from None


def _count_nodes(node: yaml.Node, name: str) -> None:
    """Count nodes with aliases expanded; refuse exponential documents (billion laughs)."""
    count = 0
    stack = [node]
    while stack:
        current = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise RulesError(
                f"the YAML expands to more than {MAX_NODES:,} values (an alias bomb?)",
                file=name,
                line=current.start_mark.line + 1,
            )
        if isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
        elif isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                stack.extend((key, value))


def _parse(path: Path) -> Rules:
    name = str(path)
    text = _read(path)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        if node is not None:
            _count_nodes(node, name)  # before constructing: aliases expand only in the checker
        data = yaml.safe_load(text)  # no tags beyond plain YAML: nothing is ever constructed or run
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        raise RulesError(
            f"invalid YAML: {err.problem or err.context}",
            file=name,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from None
    except yaml.YAMLError as err:
        raise RulesError(f"invalid YAML: {err}", file=name) from None
    if node is None:
        return Rules()
    if not isinstance(data, dict):
        raise RulesError(
            "a rules file is a mapping (keys like `validate:`), not a list or a value", file=name, line=1
        )
    try:
        rules = Rules.model_validate(data)
    except ValidationError as err:
        raise _located(err, node, name) from None
    _check_regexes(rules, node, name)
    _check_map_files(rules, path, node, name)
    return rules


def _merge(base: Rules, extra: Rules) -> Rules:
    return Rules(
        settings=Settings(**{**base.settings.model_dump(), **extra.settings.model_dump(exclude_unset=True)}),
        columns={**base.columns, **extra.columns},
        fill=[*base.fill, *extra.fill],
        normalize=[*base.normalize, *extra.normalize],
        validate_=[*base.validate_, *extra.validate_],
        dedupe=extra.dedupe if "dedupe" in extra.model_fields_set else base.dedupe,
        gate=extra.gate or base.gate,
    )


# --- locating errors -----------------------------------------------------------------------------


def _node_at(node: yaml.Node, loc: tuple[Any, ...]) -> yaml.Node:
    """Follow a pydantic error location into the YAML node tree; return the deepest node reached
    (for the last step of a mapping, the *key*, so an unknown key is pointed at itself)."""
    current = node
    for step in loc:
        if isinstance(current, yaml.MappingNode):
            match = next(((k, v) for k, v in current.value if k.value == step), None)
            if match is None and isinstance(step, str) and step in CHECK_MODELS:
                continue  # pydantic's union tag, not a key in the file
            if match is None:
                return current
            key, value = match
            if step == loc[-1]:
                return key
            current = value
        elif isinstance(current, yaml.SequenceNode) and isinstance(step, int):
            if step >= len(current.value):
                return current
            current = current.value[step]
        else:  # a union tag such as 'email' in ('validate', 0, 'email', 'role')
            continue
    return current


def _model_for(data_path: list[Any]) -> type[BaseModel] | None:
    """The model whose keys are valid at ``data_path`` (for did-you-mean)."""
    section: dict[str, type[BaseModel]] = {"fill": FillRule, "normalize": NormalizeRule, "settings": Settings}
    if not data_path:
        return Rules
    head = data_path[0]
    if head == "validate" and len(data_path) >= 2:
        tag = data_path[2] if len(data_path) > 2 and isinstance(data_path[2], str) else None
        model = CHECK_MODELS.get(tag) if tag else None
        if len(data_path) > 3 and data_path[3] == "when":
            return Condition
        return model
    if len(data_path) > 2 and data_path[2] == "when":
        return Condition
    return section.get(head)


def _keys(model: type[BaseModel]) -> list[str]:
    return [f.alias or n for n, f in model.model_fields.items()]


def _located(err: ValidationError, root: yaml.Node, name: str) -> RulesError:
    # A typo causes several errors (`wehn` is unknown, so `when` is missing): report the typo.
    priority = {"extra_forbidden": 0, "union_tag_invalid": 1, "literal_error": 2}
    first = min(err.errors(), key=lambda e: priority.get(e["type"], 9))
    loc = tuple(first["loc"])
    node = _node_at(root, loc)
    line = node.start_mark.line + 1
    where = ".".join(str(p) for p in loc if not (isinstance(p, str) and p in CHECK_MODELS))
    kind = first["type"]
    hint = None
    if kind == "extra_forbidden":
        key = str(loc[-1])
        model = _model_for(list(loc[:-1]))
        options = _keys(model) if model else []
        close = difflib.get_close_matches(key, options, n=1, cutoff=0.6)
        message = f"unknown key `{key}`"
        if close:
            hint = f"did you mean `{close[0]}`?"
        elif options:
            hint = "valid keys here: " + ", ".join(f"`{o}`" for o in options)
    elif kind == "union_tag_invalid":
        tag = str(first.get("ctx", {}).get("tag", ""))
        close = difflib.get_close_matches(tag, list(CHECK_MODELS), n=1, cutoff=0.5)
        message = f"unknown check `{tag}`"
        hint = f"did you mean `{close[0]}`?" if close else "checks: " + ", ".join(sorted(CHECK_MODELS))
        node = _node_at(root, (*loc, "check"))
        line = node.start_mark.line + 1
    elif kind == "union_tag_not_found":
        message = "a check needs `check:` (its type)"
        hint = "checks: " + ", ".join(sorted(CHECK_MODELS))
    elif kind == "literal_error":
        expected = first.get("ctx", {}).get("expected", "")
        value = first.get("input")
        message = f"`{where}`: {value!r} is not allowed"
        options = [o.strip().strip("'") for o in str(expected).replace(" or ", ", ").split(",")]
        close = difflib.get_close_matches(str(value), options, n=3, cutoff=0.5)
        hint = f"did you mean {' or '.join(map(repr, close))}?" if close else f"expected {expected}"
    else:
        message = f"`{where}`: {first['msg']}" if where else first["msg"]
    return RulesError(message, file=name, line=line, hint=hint)


# --- semantic checks the model cannot do alone ---------------------------------------------------


def _check_regexes(rules: Rules, root: yaml.Node, name: str) -> None:
    for i, check in enumerate(rules.validate_):
        pattern = getattr(check, "pattern", None)
        if pattern is None:
            continue
        try:  # Polars' regex engine (Rust) is linear-time: no catastrophic backtracking possible
            pl.Series([""]).str.contains(pattern)
        except pl.exceptions.PolarsError as err:
            node = _node_at(root, ("validate", i, "pattern"))
            detail = str(err).strip().splitlines()
            reason = next((d.strip() for d in detail if "error:" in d), detail[-1] if detail else "")
            raise RulesError(
                f"regular expression not supported: {reason}",
                file=name,
                line=node.start_mark.line + 1,
                hint="backreferences and look-around are not available; they can backtrack forever",
            ) from None


def resolve_inside(base: Path, relative: str) -> Path | None:
    """``base/relative`` if it stays inside ``base`` (no absolute paths, no `..` escapes)."""
    candidate = (base / relative).resolve()
    if Path(relative).is_absolute() or not candidate.is_relative_to(base.resolve()):
        return None
    return candidate


def _check_map_files(rules: Rules, path: Path, root: yaml.Node, name: str) -> None:
    base = path.resolve().parent
    for i, rule in enumerate(rules.fill):
        if rule.map_file is None:
            continue
        node = _node_at(root, ("fill", i, "map_file"))
        target = resolve_inside(base, rule.map_file)
        if target is None:
            raise RulesError(
                f"map_file {rule.map_file!r} points outside the rules file's folder",
                file=name,
                line=node.start_mark.line + 1,
                hint="keep mapping tables beside the rules file",
            )
        if not target.is_file():
            raise RulesError(
                f"map_file {rule.map_file!r} not found", file=name, line=node.start_mark.line + 1
            )
