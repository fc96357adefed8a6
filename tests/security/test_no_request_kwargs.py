"""No request data is ever expanded into keyword arguments (``filter(**request.GET)``,
``Model(**request.data)``, ``Q(**params)`` built from the query string...).

Such an expansion lets a client choose the lookups (``password__startswith=``, a join across
relations) or the fields written. Filtering goes through declared FilterSets, writes through
serializers and forms with declared fields. This test reads the source of the apps (AST) and
fails on any ``**`` whose value comes from request data, directly or through a local variable.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["mandates", "reports", "ssrtracker"]
# Attributes that hold what the client sent, whatever object they hang on.
RAW = {"GET", "POST", "FILES", "COOKIES", "META", "query_params", "body"}
# Attributes that hold what the client sent when they hang on a request.
ON_REQUEST = {"data", "headers", "content_params", "session"}


def _is_source(node: ast.AST) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Attribute):
            if sub.attr in RAW:
                return True
            if sub.attr in ON_REQUEST and "request" in ast.unparse(sub.value).lower():
                return True
    return False


def _names(node: ast.AST) -> set[str]:
    return {sub.id for sub in ast.walk(node) if isinstance(sub, ast.Name)}


def _bound(target: ast.AST) -> set[str]:
    # Names only: ``options["kind"] = value`` adds a value under a key we chose, not theirs.
    if isinstance(target, ast.Name):
        return {target.id}
    if isinstance(target, ast.Tuple | ast.List):
        return set().union(*(_bound(element) for element in target.elts))
    if isinstance(target, ast.Starred):
        return _bound(target.value)
    return set()


def _targets(node: ast.AST) -> set[str]:
    if isinstance(node, ast.Assign):
        return set().union(*(_bound(target) for target in node.targets))
    if isinstance(
        node, ast.AnnAssign | ast.AugAssign | ast.NamedExpr | ast.For | ast.comprehension
    ):
        return _bound(node.target)
    return set()


def _carries_client_keys(value: ast.AST, tainted: set[str]) -> bool:
    """Whether ``value`` may be a mapping whose keys the client chose.

    A dict display whose keys are all written in the code (``{"kind": form_value}``) is not:
    its values may come from the client, but they land on arguments the code named.
    """
    if isinstance(value, ast.Dict) and all(
        key is not None and isinstance(key, ast.Constant) for key in value.keys
    ):
        return False
    return _is_source(value) or bool(_names(value) & tainted)


def _value(node: ast.AST) -> ast.AST | None:
    if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign | ast.NamedExpr):
        return node.value
    if isinstance(node, ast.For | ast.comprehension):
        return node.iter
    return None


def _tainted(scope: ast.AST) -> set[str]:
    """Local names that hold request data, to a fixed point (``a = request.GET; b = a``)."""
    tainted: set[str] = set()
    changed = True
    while changed:
        changed = False
        for node in ast.walk(scope):
            value = _value(node)
            if value is None:
                continue
            if _carries_client_keys(value, tainted):
                new = _targets(node) - tainted
                if new:
                    tainted |= new
                    changed = True
    return tainted


def find_expansions(source: str, filename: str = "<source>") -> list[str]:
    """``file:line: code`` for each ``**`` fed from request data in ``source``."""
    tree = ast.parse(source, filename)
    # Request data only exists inside functions (views, methods); each is its own scope.
    scopes = [
        node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ]
    found: dict[tuple[int, str], str] = {}
    for scope in scopes:
        tainted = _tainted(scope)
        for node in ast.walk(scope):
            expanded: list[ast.expr] = []
            if isinstance(node, ast.Call):
                expanded = [kw.value for kw in node.keywords if kw.arg is None]
            elif isinstance(node, ast.Dict):
                expanded = [v for k, v in zip(node.keys, node.values, strict=True) if k is None]
            for value in expanded:
                if _carries_client_keys(value, tainted):
                    assert isinstance(node, ast.Call | ast.Dict)
                    code = ast.unparse(node)[:120]
                    found[(node.lineno, code)] = f"{filename}:{node.lineno}: {code}"
    return [found[key] for key in sorted(found)]


def test_the_scanner_catches_the_usual_shapes():
    bad = """
def view(request):
    Request.objects.filter(**request.GET)
    Request.objects.filter(**request.GET.dict())
    Request(**request.data)

def view2(self, request):
    params = self.request.query_params
    lookups = {key: value for key, value in params.items()}
    Request.objects.exclude(Q(**lookups))

def view3(request):
    options = {**request.POST}
    Request.objects.create(owner=request.user, **options)
"""
    found = find_expansions(bad)

    assert [line.split(":")[1] for line in found] == ["3", "4", "5", "10", "13", "14"]


def test_the_scanner_leaves_declared_fields_alone():
    good = """
def view(request):
    filterset = RequestFilter(request.GET, queryset=Request.objects.all())
    form = RequestForm(request.POST)
    fields = {"status": form.cleaned_data["status"]}
    fields["priority"] = request.POST["priority"]
    Request.objects.filter(**fields)
    Q(**{f"{name}__icontains": value})
"""
    assert find_expansions(good) == []


def test_no_request_data_is_expanded_into_keyword_arguments():
    found: list[str] = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            found += find_expansions(path.read_text("utf-8"), str(path.relative_to(ROOT)))

    assert found == [], "request data expanded into keyword arguments:\n" + "\n".join(found)
