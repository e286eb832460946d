"""The layers of DESIGN.md, read from the code's imports (issue 21; STYLE.md 2).

Floors, lowest first: privacy → publiclog → accounts → wiki, media → notify → governance, stats, yourdata,
api → the site's wiring (settings, urls, cli, wsgi). An app imports only from floors below its own, so apps
never form a cycle; an app above reaches the floors below by registering hooks with them (wiki's
`add_after_save`, privacy.access's `add_gate`), never the other way round. Imports inside functions count
as much as those at the top of a module. Beside the floors:

- sealed private data is opened only inside privacy/: no module elsewhere imports privacy.sealing or
  privacy.capture.unseal; everything else asks privacy.access, which checks and logs;
- no view (views.py, *_views.py, privileged.py, specials.py, feeds.py, and the API's modules) imports a
  private model, a table whose fields are all private or secret: views read private data only through
  privacy.access or an app's reads;
- no import cycle among the modules of src/candor at import time (top-level imports), the shape the
  `# noqa: E402` re-imports at the bottom of models.py used to hide.

`make lint` runs this file; the suite runs it too.
"""

import ast
import importlib
from collections import defaultdict
from pathlib import Path

import pytest
from django.db import models

from candor.privacy.register import Visibility, tables

SOURCE = Path(__file__).resolve().parent.parent / "src"
FLOORS = {
    "privacy": 0,
    "publiclog": 1,
    "accounts": 2,
    "wiki": 3,
    "media": 3,
    "notify": 4,
    "governance": 5,
    "stats": 5,
    "yourdata": 5,
    "api": 5,
}
SITE_FLOOR = 6  # candor.settings, candor.urls, candor.cli, candor.wsgi
VIEW_MODULES = {"views", "privileged", "specials", "feeds"}
SEALED_DOORS = {"candor.privacy.sealing", "candor.privacy.capture.unseal"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SOURCE).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(tree: ast.AST, module: str, *, top_level_only: bool = False, ours: bool = True) -> set[str]:
    """Every name `module` imports (`ours`: Candor's only): `from a.b import c` gives "a.b.c" and "a.b"."""
    package = module.split(".")
    found = set()
    nodes = tree.body if top_level_only else ast.walk(tree)
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                # In __init__.py the module is its package; elsewhere the package is one part shorter.
                anchor = package[: len(package) - node.level + (1 if module_is_package(module) else 0)]
                base = ".".join([*anchor, *([base] if base else [])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in found if not ours or name == "candor" or name.startswith("candor.")}


def module_is_package(module: str) -> bool:
    return (SOURCE.joinpath(*module.split(".")) / "__init__.py").exists()


def sources() -> dict[str, ast.AST]:
    return {
        module_name(path): ast.parse(path.read_text(), str(path))
        for path in sorted((SOURCE / "candor").rglob("*.py"))
        if "migrations" not in path.parts
    }


def floor_of(module: str) -> tuple[str, int]:
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in FLOORS:
        return parts[1], FLOORS[parts[1]]
    return "site", SITE_FLOOR


def floor_breaks(modules: dict[str, ast.AST]) -> list[str]:
    """Each import of a module from its own floor or above, as "importer -> imported"."""
    breaks = []
    for module, tree in modules.items():
        app, floor = floor_of(module)
        for name in sorted(imports(tree, module)):
            target_app, target_floor = floor_of(name)
            if name == "candor" or target_app == app:
                continue
            if target_floor >= floor:
                breaks.append(
                    f"{module} -> {name} ({app} is on floor {floor}, {target_app} on {target_floor})"
                )
    return breaks


def sealed_door_breaks(modules: dict[str, ast.AST]) -> list[str]:
    breaks = []
    for module, tree in modules.items():
        if module.startswith("candor.privacy"):
            continue
        named = imports(tree, module)
        for node in ast.walk(tree):  # `from candor.privacy import capture` then `capture.unseal(...)`
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                if node.value.id == "capture" and node.attr == "unseal" and "candor.privacy.capture" in named:
                    named = named | {"candor.privacy.capture.unseal"}
        breaks += [f"{module} -> {name}" for name in sorted(named) if name in SEALED_DOORS]
    return breaks


def private_models() -> set[type[models.Model]]:
    """The tables that hold private data only: no field of theirs is public or the owner's to see."""
    from django.apps import apps

    open_to_someone = {Visibility.PUBLIC, Visibility.OWNER}
    return {
        apps.get_model(table.model)
        for table in tables()
        if not {field.visibility for field in table.fields.values()} & open_to_someone
    }


def is_view_module(module: str) -> bool:
    last = module.rsplit(".", 1)[-1]
    return last in VIEW_MODULES or last.endswith("_views") or module.startswith("candor.api")


def private_model_breaks(modules: dict[str, ast.AST], private: set) -> list[str]:
    breaks = []
    for module, tree in modules.items():
        if not is_view_module(module):
            continue
        for name in sorted(imports(tree, module, ours=False)):
            owner, _, attribute = name.rpartition(".")
            try:
                value = getattr(importlib.import_module(owner), attribute, None) if owner else None
            except ImportError:
                continue
            if isinstance(value, type) and value in private:
                breaks.append(f"{module} imports {value._meta.label}")
    return breaks


def import_cycles(modules: dict[str, ast.AST]) -> list[list[str]]:
    """The strongly connected components of more than one module in the top-level import graph."""
    graph = defaultdict(set)
    for module, tree in modules.items():
        for name in imports(tree, module, top_level_only=True):
            while name and name not in modules:  # `from candor.x import name`: the module is candor.x
                name = name.rpartition(".")[0]
            if name and name != module and not module.startswith(name + "."):
                graph[module].add(name)
    index, low, stack, on_stack, cycles, counter = {}, {}, [], set(), [], [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for successor in graph[node]:
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in sorted(modules):
        if module not in index:
            visit(module)
    return cycles


@pytest.fixture(scope="module")
def modules():
    return sources()


def test_every_app_imports_only_from_the_floors_below_it(modules):
    assert floor_breaks(modules) == []


def test_no_module_outside_privacy_opens_sealed_data(modules):
    assert sealed_door_breaks(modules) == []


def test_no_view_imports_a_private_model(modules):
    private = private_models()
    assert {model._meta.label for model in private} >= {"privacy.PrivateEvent", "privacy.AccessLogEntry"}
    assert private_model_breaks(modules, private) == []


def test_no_modules_import_each_other_at_import_time(modules):
    assert import_cycles(modules) == []


def _parsed(**files: str) -> dict[str, ast.AST]:
    return {name: ast.parse(text) for name, text in files.items()}


def test_the_checks_catch_what_they_forbid():
    """The rules above would notice a break: each is fed one."""
    assert floor_breaks(_parsed(**{"candor.accounts.actions": "from candor.wiki.models import Page"})) == [
        "candor.accounts.actions -> candor.wiki.models (accounts is on floor 2, wiki on 3)",
        "candor.accounts.actions -> candor.wiki.models.Page (accounts is on floor 2, wiki on 3)",
    ]
    inside_a_function = "def f():\n    from candor.notify import actions\n"
    assert floor_breaks(_parsed(**{"candor.wiki.actions": inside_a_function}))
    assert floor_breaks(_parsed(**{"candor.stats.tasks": "from candor.api import action"}))  # one floor
    assert not floor_breaks(
        _parsed(**{"candor.notify.apps": "from candor.wiki.actions import add_after_save"})
    )
    sneaky = "from candor.privacy import capture\n\ndef f(e):\n    return capture.unseal(e)\n"
    assert sealed_door_breaks(_parsed(**{"candor.accounts.blocks": sneaky}))
    assert sealed_door_breaks(
        _parsed(**{"candor.yourdata.export": "from candor.privacy.sealing import Unsealer"})
    )
    assert not sealed_door_breaks(_parsed(**{"candor.privacy.access": "from candor.privacy import sealing"}))
    view = "from candor.privacy.models import PrivateEvent"
    private = private_models()
    assert private_model_breaks(_parsed(**{"candor.wiki.views": view}), private) == [
        "candor.wiki.views imports privacy.PrivateEvent"
    ]
    assert not private_model_breaks(_parsed(**{"candor.wiki.actions": view}), private)  # not a view
    circle = {"candor.a.x": "from candor.a import y", "candor.a.y": "from candor.a.x import thing"}
    assert import_cycles(_parsed(**circle)) == [["candor.a.x", "candor.a.y"]]
