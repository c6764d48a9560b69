"""The package boundaries of docs/architecture.md hold: no import cycles, each part imports only what it may."""

from __future__ import annotations

import ast
import json
import subprocess
import sys

import pytest

from bot.settings import PROJECT_ROOT

PACKAGES = ("bot", "actions")
# What each part may import of the project (docs/architecture.md); the base modules (settings, constants,
# domain, language, knowledge, opening_hours, followups) may import one another, nothing else of the project.
BASE = {"bot.settings", "bot.constants", "bot.domain", "bot.language", "bot.knowledge", "bot.opening_hours",
        "bot.followups", "bot.fact_search", "bot.rate_limit", "bot.response_headers", "bot"}
MAY_IMPORT = {
    **{module: BASE for module in BASE},
    "bot.safety": BASE,
    "bot.components": BASE | {"bot.safety"},
    "bot.store": BASE,
    "bot.privacy": BASE,
    "bot.counsellor": BASE | {"bot.store", "bot.privacy"},
    "bot.web": BASE | {"bot.store", "bot.counsellor"},
    "bot.nlg": BASE,
    "bot.rasa_speedups": BASE,
    "bot.rasa_main": BASE | {"bot.rasa_speedups"},
    "bot.action_server": BASE,
    "actions": BASE | {"bot.store"},
    "bot.runner": BASE | {"bot.store"},
}


def part_of(module: str) -> str:
    """Return the part a module belongs to: its sub-package of bot (bot.web, ...), actions, or the module itself."""
    parts = module.split(".")
    if parts[0] == "actions":
        return "actions"
    if len(parts) >= 2 and (PROJECT_ROOT / "bot" / parts[1]).is_dir():
        return ".".join(parts[:2])
    return ".".join(parts[:2]) if len(parts) >= 2 else module


def project_imports() -> dict[str, set[str]]:
    """Return, for each module of bot/ and actions/, the project modules it imports (at any depth in the file)."""
    found: dict[str, set[str]] = {}
    for package in PACKAGES:
        for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
            module = ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts).removesuffix(".__init__")
            names: set[str] = set()
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names.add(node.module)
                elif isinstance(node, ast.Import):
                    names.update(alias.name for alias in node.names)
            found[module] = {name for name in names if name.split(".")[0] in PACKAGES}
    return found


def part_graph() -> dict[str, set[str]]:
    """Return which part imports which other part."""
    graph: dict[str, set[str]] = {}
    for module, imported in project_imports().items():
        source = part_of(module)
        graph.setdefault(source, set()).update(part_of(name) for name in imported if part_of(name) != source)
    return graph


def cycle_in(graph: dict[str, set[str]]) -> list[str]:
    """Return one cycle of the graph as a path (empty when there is none)."""
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = "open"
        path.append(node)
        for successor in sorted(graph.get(node, ())):
            if state.get(successor) == "open":
                return path[path.index(successor):] + [successor]
            if successor not in state and (found := visit(successor)):
                return found
        state[node] = "done"
        path.pop()
        return []

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return []


def test_the_cycle_finder_finds_a_cycle():
    assert cycle_in({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle_in({"a": {"b"}, "b": {"c"}, "c": set()}) == []


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    """Return the part graph of the code as it is, read once for this module."""
    return part_graph()


def test_no_import_cycles_between_parts(graph):
    assert cycle_in(graph) == []


@pytest.mark.parametrize("part", sorted(MAY_IMPORT))
def test_each_part_imports_only_what_it_may(graph, part):
    assert graph.get(part, set()) - MAY_IMPORT[part] - {part} == set()


def test_the_runtime_never_imports_the_tooling(graph):
    users = {part for part, imported in graph.items() if "bot.tools" in imported}
    assert users <= {"bot.cli"}, users  # the command line starts the tools


@pytest.mark.servers  # starts a Python process with the server code
def test_the_action_server_loads_neither_rasa_nor_tensorflow_nor_the_dashboard():
    script = (
        "import json, sys\n"
        "from bot.action_server import build_app\n"
        "build_app('actions')\n"
        "from bot.fact_search import fact_search\n"
        "fact_search()\n"
        "print(json.dumps(sorted(name for name, module in sys.modules.items() if module is not None)))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    loaded = set(json.loads(result.stdout.strip().splitlines()[-1]))
    assert {"actions.facts", "actions.helplines", "bot.fact_search"} <= loaded
    heavy = {name for name in loaded if name.split(".")[0] in ("rasa", "tensorflow", "keras", "torch")}
    assert heavy == set()
    assert not {name for name in loaded if name.startswith(("bot.counsellor", "bot.store.database", "bot.web"))}
