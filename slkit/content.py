"""The content of each module, loaded from `data/frameworks/*.yaml` into typed models.

A broken file fails with a ContentError that names the file, the field and what was
expected, so whoever edits the YAML can fix it without reading Python.

>>> from slkit.content import load_frameworks
>>> fw = load_frameworks()["five_practices"]
>>> fw.item("mw_voice_purpose").kind
'rating'
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from . import InputError, KitError, i18n
from .i18n import _
from .paths import FRAMEWORKS_DIR
from .text import clean_text

Ident = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,62}$")]
Prose = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]

MODULE_ID_RE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


class ContentError(KitError):
    """A content file that cannot be used; the message names file and field."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Scale(_Model):
    min: int = 1
    max: int = 10
    low_label: Prose
    high_label: Prose


class Option(_Model):
    id: Ident
    label: Prose
    help: str | None = None


class Group(_Model):
    id: Ident
    title: Prose
    text: str | None = None


class Item(_Model):
    """One question. `kind` decides what an answer looks like (see `validate_value`)."""

    id: Ident
    kind: Literal["rating", "choice", "rank", "text", "date", "board"]
    text: Prose
    help: str | None = None
    group: Ident | None = None
    scale: Ident | None = None
    options: list[Option] = Field(default_factory=list)
    max_choices: int | None = Field(default=None, ge=1)
    max_length: int = Field(default=280, ge=1, le=5000)
    optional: bool = False
    tags: dict[Ident, str] = Field(default_factory=dict)

    def option_ids(self) -> list[str]:
        return [o.id for o in self.options]

    def option_label(self, option_id: str) -> str:
        for o in self.options:
            if o.id == option_id:
                return o.label
        raise KeyError(option_id)


class Step(_Model):
    id: Ident
    title: Prose
    intro: str | None = None
    groups: list[Group] = Field(default_factory=list)
    items: list[Item] = Field(default_factory=list)


class Debrief(_Model):
    """After a module worked through alone: questions to reflect on, and what to try this week."""

    questions: list[Prose] = Field(min_length=1)
    try_this_week: list[Prose] = Field(min_length=1)


class Reuse(_Model):
    """Steps a module takes from another one, with the same item ids (the follow-up asks the five
    practices' behaviours again, so before and after compare item by item)."""

    module: Ident
    kinds: list[Literal["rating", "choice", "rank", "text", "date"]] = Field(min_length=1)


class Framework(_Model):
    """A module: its metadata, scales and steps, in one language."""

    id: Ident
    order: int = Field(ge=1)
    language: Literal["en", "nb"] = "en"
    title: Prose
    short_title: Prose | None = None  # where the title is too long (a sheet name, a tab)
    summary: Prose
    notebook: Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+\.ipynb$")]
    sources: list[Prose] = Field(min_length=1)
    intro: Prose
    aims: list[Prose] = Field(default_factory=list)  # what a learner gets out of it (shown when working alone)
    debrief: Debrief | None = None  # after Finish, when working alone
    scales: dict[Ident, Scale] = Field(default_factory=dict)
    steps: list[Step] = Field(min_length=1)
    closing: str | None = None
    reuse: Reuse | None = None  # steps taken from another module (appended after its own)
    default_plan: bool = True  # in a session's plan unless the plan leaves it out (the follow-up: only when chosen)

    @property
    def own_steps(self) -> list[Step]:
        """The steps written in this module's file (not those it reuses)."""
        reused = {s.id for s in self.reused_steps}
        return [s for s in self.steps if s.id not in reused]

    @property
    def reused_steps(self) -> list[Step]:
        return list(self.__dict__.get("_reused", ()))  # set by with_reused

    @property
    def items(self) -> list[Item]:
        return [item for step in self.steps for item in step.items]

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise InputError(_("The module '{title}' has no question '{item}'.").format(title=self.title, item=item_id))

    def step_of(self, item_id: str) -> Step:
        for step in self.steps:
            if any(i.id == item_id for i in step.items):
                return step
        raise KeyError(item_id)

    def validate_value(self, item_id: str, value: Any) -> Any:
        """Return the answer to store for `item_id`, normalised, or raise InputError."""
        return validate_value(self, self.item(item_id), value)


def validate_value(fw: Framework, item: Item, value: Any) -> Any:
    """Check one answer against its question. The result is what the store keeps (JSON)."""
    if item.kind == "rating":
        scale = fw.scales[item.scale]  # presence checked on load
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                raise InputError(_("A rating is a whole number from {min} to {max}.").format(min=scale.min, max=scale.max))
        if not scale.min <= value <= scale.max:
            raise InputError(_("A rating is a whole number from {min} to {max}; got {value}.").format(min=scale.min, max=scale.max, value=value))
        return value
    if item.kind in ("choice", "rank"):
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise InputError(_("Choose from the options given."))
        unknown = [v for v in value if v not in item.option_ids()]
        if unknown:
            raise InputError(_("'{option}' is not one of the options.").format(option=unknown[0]))
        if len(set(value)) != len(value):
            raise InputError(_("Each option can be chosen once."))
        if not value and not item.optional:
            raise InputError(_("Choose at least one option."))
        limit = item.max_choices or len(item.options)
        if len(value) > limit:
            raise InputError(_("Choose at most {n}.").format(n=limit))
        return list(value)
    if item.kind == "text":
        return clean_text(value, max_length=item.max_length, allow_empty=item.optional)
    if item.kind == "date":
        if isinstance(value, _dt.date):
            return value.isoformat()
        try:
            return _dt.date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise InputError(_("A date looks like 2026-12-31.")) from None
    if item.kind == "board":
        if not isinstance(value, dict) or value.get("column") not in item.option_ids():
            raise InputError(_("Choose where the entry belongs."))
        return {"column": value["column"], "text": clean_text(value.get("text"), max_length=item.max_length, multiline=False)}
    raise AssertionError(item.kind)  # pragma: no cover - Literal above


def _loc(parts: tuple) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(top level)"


def _check_references(fw: Framework) -> list[tuple[str, str]]:
    """Checks that span fields; each problem as (field path, message)."""
    problems: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    for si, step in enumerate(fw.steps):
        group_ids = [g.id for g in step.groups]
        for ii, item in enumerate(step.items):
            where = f"steps[{si}].items[{ii}]"
            if item.id in seen:
                problems.append((f"{where}.id", f"'{item.id}' is used twice (also at {seen[item.id]}); item ids must be unique in a module"))
            seen[item.id] = where
            if item.kind == "rating":
                if item.scale is None:
                    problems.append((f"{where}.scale", "a rating needs a scale"))
                elif item.scale not in fw.scales:
                    problems.append((f"{where}.scale", f"unknown scale '{item.scale}'; expected one of: {', '.join(fw.scales) or '(no scales defined)'}"))
            if item.kind in ("choice", "rank", "board") and len(item.options) < 2:
                problems.append((f"{where}.options", f"a {item.kind} item needs at least two options"))
            if len(set(item.option_ids())) != len(item.options):
                problems.append((f"{where}.options", "option ids must be unique"))
            if item.group is not None and item.group not in group_ids:
                problems.append((f"{where}.group", f"unknown group '{item.group}'; expected one of: {', '.join(group_ids) or '(the step has no groups)'}"))
    for name, scale in fw.scales.items():
        if scale.min >= scale.max:
            problems.append((f"scales.{name}", "min must be below max"))
    step_ids = [s.id for s in fw.steps]
    if len(set(step_ids)) != len(step_ids):
        problems.append(("steps", "step ids must be unique"))
    return problems


# libyaml's loader when PyYAML has it (its wheels do): ~10x faster, so a page's kernel starts sooner
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_framework(path: Path | str) -> Framework:
    """Load and validate one content file."""
    path = Path(path)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except OSError as e:
        raise ContentError(f"{path}: cannot be read ({e.strerror}).") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ContentError(f"{path}: not valid YAML{where}: {getattr(e, 'problem', e)}.") from None
    if not isinstance(raw, dict):
        raise ContentError(f"{path}: expected a mapping of fields (id, title, steps, ...) at the top level.")
    try:
        fw = Framework.model_validate(raw)
    except ValidationError as e:
        lines = [f"{_loc(err['loc'])}: {err['msg']}" for err in e.errors()]
        raise ContentError(f"{path}: " + "; ".join(lines)) from None
    problems = _check_references(fw)
    if fw.id != path.stem.split(".")[0]:
        problems.append(("id", f"'{fw.id}' must match the file name '{path.stem}'"))
    if problems:
        raise ContentError(f"{path}: " + "; ".join(f"{w}: {m}" for w, m in problems))
    return fw


# Each module is written once per language: `<id>.yaml` in English, `<id>.nb.yaml` in Norwegian
# bokmål. The ids of steps, items, options and scales are the same in every language, so the
# answers of people using different languages add up to one team result.
SOURCE_LANGUAGE = "en"


def content_path(directory: Path | str, module: str, language: str) -> Path:
    suffix = "" if language == SOURCE_LANGUAGE else f".{language}"
    return Path(directory) / f"{module}{suffix}.yaml"


def _shape(fw: Framework) -> dict[str, Any]:
    """What must be the same in every language: everything but the words (a tag ending in
    `_title` is words, such as a facet's name)."""
    return {
        "order": fw.order, "notebook": fw.notebook,
        "scales": {k: (s.min, s.max) for k, s in fw.scales.items()},
        "steps": [s.id for s in fw.steps],
        "groups": {s.id: [g.id for g in s.groups] for s in fw.steps},
        "items": {i.id: (fw.step_of(i.id).id, i.kind, i.group, i.scale, tuple(i.option_ids()), i.max_choices, i.max_length,
                         i.optional, tuple(sorted((k, "" if k.endswith("_title") else v) for k, v in i.tags.items()))) for i in fw.items},
    }


def translation_problems(source: Framework, translated: Framework) -> list[str]:
    """How `translated` differs from `source` in anything but words: missing or extra items,
    steps, scales, options, kinds or limits (each problem names the id)."""
    a, b = _shape(source), _shape(translated)
    problems = [f"item '{i}' is missing (it is in the {source.language} file)" for i in a["items"] if i not in b["items"]]
    problems += [f"item '{i}' is extra (it is not in the {source.language} file)" for i in b["items"] if i not in a["items"]]
    names = ("step", "kind", "group", "scale", "options", "max_choices", "max_length", "optional", "tags")
    for i in a["items"].keys() & b["items"].keys():
        for name, x, y in zip(names, a["items"][i], b["items"][i]):
            if x != y:
                problems.append(f"item '{i}': {name} is {y!r}, in the {source.language} file {x!r}")
    for key in ("order", "notebook", "scales", "steps", "groups"):
        if a[key] != b[key]:
            problems.append(f"{key} differ: {b[key]!r}, in the {source.language} file {a[key]!r}")
    return sorted(problems)


@functools.lru_cache(maxsize=16)
def _load_translated(path: str, language: str) -> Framework:
    """One module's file in `language`, checked against its English file, with the steps it
    reuses from another module (in the same language) after its own."""
    fw = _load_one(path)
    if fw.language != language:
        raise ContentError(f"{path}: language: '{fw.language}', but the file name says '{language}'.")
    if language != SOURCE_LANGUAGE:
        source = _load_one(str(content_path(Path(path).parent, fw.id, SOURCE_LANGUAGE)))
        problems = translation_problems(source, fw)
        if problems:
            raise ContentError(f"{path}: " + "; ".join(problems))
    return with_reused(fw, Path(path).parent) if fw.reuse is not None else fw


def with_reused(fw: Framework, directory: Path) -> Framework:
    """`fw` with the steps of `fw.reuse.module` that hold items of the kinds it names (only those
    items), and their scales; an id used in both is refused."""
    other_path = content_path(directory, fw.reuse.module, fw.language)
    if not other_path.exists():
        other_path = content_path(directory, fw.reuse.module, SOURCE_LANGUAGE)
    if not other_path.exists():
        raise ContentError(f"{directory / (fw.id + '.yaml')}: reuse.module: there is no module '{fw.reuse.module}'.")
    other = _load_translated(str(other_path), fw.language if other_path.name.count(".") == 2 else SOURCE_LANGUAGE)
    steps = [s.model_copy(update={"items": [i for i in s.items if i.kind in fw.reuse.kinds]}) for s in other.steps]
    steps = [s for s in steps if s.items]
    clash = ({i.id for s in steps for i in s.items} & {i.id for i in fw.items}) | ({s.id for s in steps} & {s.id for s in fw.steps})
    if clash:
        raise ContentError(f"{directory / (fw.id + '.yaml')}: reuse: '{sorted(clash)[0]}' is in both modules.")
    scales = {k: v for k, v in other.scales.items() if any(i.scale == k for s in steps for i in s.items)}
    out = fw.model_copy(update={"steps": [*fw.steps, *steps], "scales": {**scales, **fw.scales}})
    out.__dict__["_reused"] = tuple(steps)
    return out


@functools.lru_cache(maxsize=8)
def _load_dir(directory: str, language: str) -> dict[str, Framework]:
    files = sorted(f for f in Path(directory).glob("*.yaml") if f.name.count(".") == 1)  # the English files name the modules
    out: dict[str, Framework] = {}
    for f in files:
        module = f.stem
        path = content_path(directory, module, language)
        fw = _load_translated(str(path if path.exists() else f), language if path.exists() else SOURCE_LANGUAGE)
        if fw.id in out:
            raise ContentError(f"{f}: module id '{fw.id}' is defined twice.")
        out[fw.id] = fw
    if not out:
        raise ContentError(f"{directory}: no module content found.")
    return dict(sorted(out.items(), key=lambda kv: kv[1].order))


def load_frameworks(directory: Path | str | None = None, language: str | None = None) -> dict[str, Framework]:
    """Every module in `directory` (default: the kit's data/frameworks), in workshop order, in
    `language` (default: the page's; a module not written in it comes in English)."""
    return _load_dir(str(directory or FRAMEWORKS_DIR), i18n.normalize(language) or i18n.current())


@functools.lru_cache(maxsize=16)
def _load_one(path: str) -> Framework:
    return load_framework(path)


def get_framework(module: str, directory: Path | str | None = None, language: str | None = None) -> Framework:
    """One module's content in `language` (default: the page's), reading only its own files (a
    page needs no other module)."""
    if not isinstance(module, str) or not MODULE_ID_RE.match(module):
        raise InputError(_("There is no module '{module}'.").format(module=module))
    directory = Path(directory or FRAMEWORKS_DIR)
    if not content_path(directory, module, SOURCE_LANGUAGE).exists():
        raise InputError(_("There is no module '{module}'.").format(module=module))
    language = i18n.normalize(language) or i18n.current()
    path = content_path(directory, module, language)
    if not path.exists():
        path, language = content_path(directory, module, SOURCE_LANGUAGE), SOURCE_LANGUAGE
    return _load_translated(str(path), language)
