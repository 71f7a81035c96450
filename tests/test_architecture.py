"""The house rules that import-linter cannot see: no import cycles (function-level imports count too), and no
hidden edge from a lower app to a higher one — by a model label in a string, a reverse relation declared by a
higher app, a template tag library or a URL name of a higher app."""

import ast
import re
from pathlib import Path

import grimp
import pytest
from django.apps import apps
from django.urls import get_resolver

ROOT = Path(__file__).resolve().parent.parent
# Highest first, as in pyproject.toml (privacy and reports, certificates and feedback: independent siblings).
LAYERS = ["oskus", "privacy", "reports", "certificates", "feedback", "enrollment", "courses", "accounts"]


def _python_files(app: str):
    return [p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts]


def _strongly_connected(graph: grimp.ImportGraph, modules: set[str]) -> list[set[str]]:
    """Tarjan's algorithm over the project's modules."""
    index, low, stack, on_stack, result, counter = {}, {}, [], set(), [], [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph.find_modules_directly_imported_by(node) & modules:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            result.append(component)

    for module in sorted(modules):
        if module not in index:
            visit(module)
    return result


def test_no_import_cycles_between_project_modules():
    graph = grimp.build_graph(*LAYERS, cache_dir=None)
    modules = {m for m in graph.modules if ".migrations" not in m}
    cycles = [sorted(c) for c in _strongly_connected(graph, modules) if len(c) > 1]
    assert cycles == []


def _higher_apps(app: str) -> list[str]:
    return LAYERS[: LAYERS.index(app)]


def _reverse_names_from_higher_apps(app: str) -> set[str]:
    """Accessor and query names of relations that higher apps declare on this app's models."""
    names = set()
    for model in apps.get_app_config(app).get_models():
        for rel in model._meta.related_objects:
            if rel.related_model._meta.app_label in _higher_apps(app):
                names.add(rel.get_accessor_name())
                names.add(rel.related_query_name() if callable(rel.related_query_name) else rel.name)
    return {n for n in names if n and not n.endswith("+")}


@pytest.mark.parametrize("app", ["courses", "accounts"])
def test_lower_apps_name_nothing_of_higher_apps_in_python(app):
    higher = [a for a in _higher_apps(app) if a != "oskus"]
    reverse_names = _reverse_names_from_higher_apps(app)
    found = []
    for path in _python_files(app):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
                if any(re.search(rf"\b{h}\.[A-Z]", text) for h in higher) or text.split("__")[0] in reverse_names:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {text!r}")
            elif isinstance(node, ast.Attribute) and node.attr in reverse_names:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: .{node.attr}")
            elif isinstance(node, ast.keyword) and (node.arg or "").partition("__")[::2][0] in reverse_names \
                    and "__" in node.arg:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.arg}=")
    assert found == []


def _url_names(urlpatterns, app_modules: tuple[str, ...]) -> set[str]:
    names = set()
    for pattern in urlpatterns:
        if hasattr(pattern, "url_patterns"):
            names |= _url_names(pattern.url_patterns, app_modules)
        elif pattern.name and getattr(pattern.callback, "__module__", "").startswith(app_modules):
            names.add(pattern.name)
    return names


@pytest.mark.parametrize("app", ["courses", "accounts"])
def test_lower_apps_templates_use_no_tags_or_urls_of_higher_apps(app):
    higher = tuple(f"{a}." for a in _higher_apps(app))
    higher_urls = _url_names(get_resolver().url_patterns, higher)
    higher_tag_libraries = {p.stem for a in _higher_apps(app) for p in (ROOT / a).glob("templatetags/*.py")
                            if p.stem != "__init__"}
    found = []
    for path in (ROOT / app / "templates").rglob("*.html"):
        text = path.read_text()
        for library in re.findall(r"{%\s*load\s+([^%]+)%}", text):
            found += [f"{path.name}: load {lib}" for lib in library.split() if lib in higher_tag_libraries]
        found += [f"{path.name}: url {name}" for name in re.findall(r"{%\s*url\s+['\"]([^'\"]+)['\"]", text)
                  if name in higher_urls]
    assert higher_urls, "the check must know the higher apps' URL names"
    assert found == []


def _project_url_names(urlpatterns, namespace=None):
    for pattern in urlpatterns:
        if hasattr(pattern, "url_patterns"):
            yield from _project_url_names(pattern.url_patterns, pattern.namespace or namespace)
        elif pattern.name and getattr(pattern.callback, "__module__", "").split(".")[0] in LAYERS + ["outbox"]:
            yield f"{namespace}:*" if namespace else pattern.name


def test_the_architecture_doc_has_a_row_for_every_url_of_the_project():
    """docs/architecture.md's URL -> view -> service table is how a newcomer finds the code: it stays complete."""
    doc = (ROOT / "docs" / "architecture.md").read_text()
    missing = sorted({name for name in _project_url_names(get_resolver().url_patterns) if f"`{name}`" not in doc})
    assert missing == []
