"""Fuzz of every write of the API: random JSON bodies (deeply nested, huge numbers and texts,
wrong types, any Unicode, nulls, broken JSON), content types and If-Match headers, sent with a
read-write token. Whatever comes in, the answer is below 500 and, for an error, a JSON body with
a message.

The routes are read from the router, so a new writable route is fuzzed without being listed
here. The search is bounded and derived from a fixed seed (repeatable in CI); the counts go to
the robustness summary at the end of the run.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mandates.api import serializers as s
from mandates.choices import CalendarScope, Priority, Rating, RequestStatus, TokenScope
from mandates.models import CalendarFeed
from ssrtracker import limits
from ssrtracker.api.urls import router
from tests.api.conftest import token_client
from tests.factories import (
    ActivityFactory,
    BenchmarkAssessmentFactory,
    BenchmarkFactory,
    MissionFactory,
    RequestFactory,
)
from tests.robustness import examples

pytestmark = pytest.mark.django_db

# A fixed, bounded search: the same examples on every run (CI is repeatable); about 20 seconds
# for all the routes on two cores.
FUZZ = settings(
    max_examples=examples(150),
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)

METHODS = {"create": "POST", "update": "PUT", "partial_update": "PATCH", "destroy": "DELETE"}


def writable_routes() -> list[tuple[str, str, bool]]:
    """(method, collection, detail) of every write the router exposes, actions included."""
    routes = []
    for prefix, viewset, _basename in router.registry:
        for name, method in METHODS.items():
            if hasattr(viewset, name):
                routes.append((method, prefix, name != "create"))
        for extra in viewset.get_extra_actions():
            for method in extra.mapping:
                if method not in ("get", "head", "options"):
                    routes.append((method.upper(), f"{prefix}/{extra.url_path}", extra.detail))
    return routes


ROUTES = writable_routes()


def test_the_fuzz_covers_the_writes_of_the_api():
    writes = {f"{method} {prefix}" for method, prefix, _detail in ROUTES}
    assert {
        "PATCH requests",
        "PUT requests",
        "POST status-updates",
        "POST assessments",
        "PATCH assessments",
        "PUT assessments",
        "POST calendar-feeds",
        "DELETE calendar-feeds",
        "POST activities",
        "PATCH activities",
        "PUT activities",
        "DELETE activities",
    } <= writes


# --- What is sent ------------------------------------------------------------------------------

FIELDS = sorted(
    {
        name
        for serializer in (
            s.RequestSerializer,
            s.StatusUpdateSerializer,
            s.AssessmentSerializer,
            s.CalendarFeedSerializer,
        )
        for name in serializer().fields
    }
)
STRINGS = [
    "",
    "1",
    "١٢",
    "99999999999999999999999999999",
    "-1",
    "2021-06-30",
    "1945-10-23",
    "2100-01-01",
    "9999-12-31",
    "0001-01-01",
    "2021-02-30",
    *RequestStatus.values,
    *Rating.values,
    *Priority.values,
    *CalendarScope.values,
    "https://undocs.org/en/S/2021/123",
    "javascript:alert(1)",
    "\x00",
    "\ud800",
    "A" * 600,
]
LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.integers(min_value=-3, max_value=5),  # near the ids of real objects
    st.floats(),
    st.text(max_size=20),
    st.sampled_from(STRINGS),
)
VALUES = st.recursive(
    LEAVES,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=8,
)
OBJECTS = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), VALUES, max_size=6)


def _nested(depth: int) -> str:
    return '{"note": ' + "[" * depth + "]" * depth + "}"


def _huge_text(parts: tuple[str, str, int]) -> str:
    field, piece, times = parts
    return json.dumps({field: piece * times}, ensure_ascii=False)


def bodies(template: dict[str, Any]) -> st.SearchStrategy[str | bytes]:
    """Bodies for a route whose valid body looks like ``template``: the template with some of
    its fields dropped and others set to random values (so that the fields' own checks are
    reached), or anything at all."""
    changed = st.tuples(st.sets(st.sampled_from(sorted(template))), OBJECTS).map(
        lambda change: {
            **{k: v for k, v in template.items() if k not in change[0]},
            **change[1],
        }
    )
    return st.one_of(
        changed.map(lambda body: json.dumps(body, ensure_ascii=False)),
        changed.map(json.dumps),  # the same, with \\u escapes
        OBJECTS.map(lambda body: json.dumps(body, ensure_ascii=False)),
        st.integers(min_value=1, max_value=200_000).map(_nested),
        st.integers(min_value=1, max_value=6000).map(lambda n: '{"request": ' + "9" * n + "}"),
        st.tuples(
            st.sampled_from(FIELDS),
            st.text(min_size=1, max_size=4),
            st.integers(min_value=1, max_value=limits.MAX_BODY_BYTES // 3),
        ).map(_huge_text),
        VALUES.map(json.dumps),  # not an object
        st.sampled_from(["", "null", "{", '{"note": NaN}', "\ufeff{}", '{"note": "\\ud800"}']),
        st.text(max_size=60),
        st.binary(max_size=60),
    )


CONTENT_TYPES = st.one_of(
    st.just("application/json"),
    st.sampled_from(
        [
            "application/json; charset=utf-8",
            "application/json; charset=utf-16",
            "application/json; charset=nonsense",
            "application/x-www-form-urlencoded",
            "application/x-www-form-urlencoded; charset=nonsense",
            "multipart/form-data; boundary=xyz",
            "multipart/form-data",
            "text/plain",
            "",
        ]
    ),
)
TAG_NUMBERS = st.one_of(
    st.integers(min_value=-5, max_value=10**40).map(str),
    st.sampled_from(["", "١", "1e5", "9" * 5000]),
)
IF_MATCH = st.sampled_from(
    [
        # Half the time a valid one, so that the body is read: any version, or the real ETag
        # (read just before).
        *[st.sampled_from(["*", "<current>"])] * 5,
        st.none(),
        st.text(max_size=40),
        st.builds(
            lambda kind, pk, version, weak: f'{weak}"{kind}-{pk}-{version}"',
            st.sampled_from(["request", "assessment", "activity"]),
            st.just("<pk>") | TAG_NUMBERS,  # <pk>: the object's id
            st.one_of(TAG_NUMBERS, TAG_NUMBERS.map(lambda n: f"v{n}")),
            st.sampled_from(["", "W/"]),
        ),
        st.lists(st.text(max_size=12), max_size=4).map(", ".join),
    ]
).flatmap(lambda strategy: strategy)


# --- The run -----------------------------------------------------------------------------------


@pytest.fixture
def targets(administrator) -> dict[str, int]:
    """One object per collection that takes writes, for the detail routes."""
    request = RequestFactory.create()
    assessment = BenchmarkAssessmentFactory.create(benchmark=BenchmarkFactory.create())
    feed = CalendarFeed(owner=administrator)
    feed.set_secret()
    feed.save()
    activity = ActivityFactory.create(missions=[MissionFactory.create()])
    return {
        "activities": activity.pk,
        "mission": activity.missions.get().pk,
        "requests": request.pk,
        "assessments": assessment.pk,
        "benchmark": assessment.benchmark_id,
        "calendar-feeds": feed.pk,
    }


def template(method: str, collection: str, targets: dict[str, int]) -> dict[str, Any]:
    """A valid body of the route, the fuzz's starting point."""
    if collection == "requests":
        return {"status": "in_progress", "priority": "high", "note": "Started."}
    if collection == "status-updates":
        return {"request": targets["requests"], "status_to": "in_progress", "note": "Started."}
    if collection == "assessments":
        body = {"period_start": "2021-01-01", "period_end": "2021-06-30", "rating": "on_track"}
        return {**body, "benchmark": targets["benchmark"], "value": "12"}
    if collection == "calendar-feeds":
        return {"scope": "user"}
    if collection == "activities":
        return {
            "kind": "training",
            "title": "Training of trainers",
            "start_date": "2026-05-12",
            "end_date": "2026-05-14",
            "missions": [targets["mission"]],
            "requests": [targets["requests"]],
        }
    return {}


def problem(response: Any) -> str | None:
    """What is wrong with a response, or None: a 500, a body that is not JSON, or an error
    without a message."""
    if response.status_code >= 500:
        return f"{response.status_code}"
    if not response.content:
        return None if response.status_code == 204 else f"{response.status_code} without a body"
    try:
        body = response.json()
    except ValueError:
        return f"{response.status_code} without JSON"
    if response.status_code >= 400 and (not isinstance(body, dict) or not any(body.values())):
        return f"{response.status_code} without a message: {body!r}"
    return None


@pytest.mark.parametrize(
    ("method", "prefix", "detail"), ROUTES, ids=[f"{m} {p}" for m, p, _d in ROUTES]
)
def test_writes_answer_random_bodies_and_headers_without_a_server_error(
    administrator, targets, robustness, method, prefix, detail
):
    client = token_client(administrator, TokenScope.READ_WRITE)
    client.raise_request_exception = False  # a 500 is a finding, not an exception
    collection, _slash, action = prefix.partition("/")
    url = f"/api/v1/{collection}/"
    url += f"{targets[collection]}/" if detail else ""
    url += f"{action}/" if action else ""
    tried: list[int] = []  # the status of each answer
    failures: list[str] = []

    @FUZZ
    @given(
        body=bodies(template(method, collection, targets)),
        content_type=CONTENT_TYPES,
        if_match=IF_MATCH,
    )
    def send(body: str | bytes, content_type: str, if_match: str | None) -> None:
        headers = {}
        if if_match == "<current>":
            if_match = client.get(url).headers.get("ETag", "*") if detail else "*"
        elif if_match is not None:
            if_match = if_match.replace("<pk>", str(targets.get(collection, 1)))
        if if_match is not None:
            headers["HTTP_IF_MATCH"] = if_match
        data = body if isinstance(body, bytes) else body.encode("utf-8", "surrogatepass")
        response = client.generic(method, url, data, content_type=content_type, **headers)
        tried.append(response.status_code)
        found = problem(response)
        if found:
            failures.append(f"{found}: {method} {url} {content_type!r} {if_match!r} {data[:120]!r}")

    send()
    robustness.record("api: json bodies", cases=len(tried), failures=len(failures))
    assert not failures, "\n".join(failures[:10])


def _sendable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


def _files() -> Iterator[tuple[str, bytes]]:
    yield "note.pdf", b"%PDF-1.4"
    yield "run.exe", b"MZ"
    yield "../../etc/passwd.txt", b"x"
    yield "x" * 400 + ".pdf", b"x"
    yield "empty.pdf", b""
    yield "évidence ✓.png", b"\x89PNG"


def test_status_updates_in_multipart_answer_random_fields_and_files(
    administrator, targets, robustness, settings, tmp_path
):
    """The multipart form of a status update, the one write that takes a file."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client = token_client(administrator, TokenScope.READ_WRITE)
    client.raise_request_exception = False
    files = list(_files())
    tried: list[int] = []  # the status of each answer
    failures: list[str] = []
    valid = {k: str(v) for k, v in template("POST", "status-updates", targets).items()}
    fields = st.tuples(
        st.sets(st.sampled_from(sorted(valid))),
        st.dictionaries(
            st.sampled_from(FIELDS) | st.text(max_size=8),
            st.sampled_from(STRINGS) | st.text(max_size=20),
            max_size=3,
        ),
    ).map(lambda change: {**{k: v for k, v in valid.items() if k not in change[0]}, **change[1]})

    @FUZZ
    @given(fields=fields, file=st.none() | st.sampled_from(files))
    def send(fields: dict[str, str], file: tuple[str, bytes] | None) -> None:
        # What a form can carry: no NUL, no lone surrogate (a client sends UTF-8 bytes).
        data: dict[str, Any] = {k: v for k, v in fields.items() if _sendable(k + v)}
        if file is not None:
            data["evidence_file"] = SimpleUploadedFile(file[0], file[1])
        response = client.post("/api/v1/status-updates/", data, format="multipart")
        tried.append(response.status_code)
        found = problem(response)
        if found:
            failures.append(f"{found}: {data!r}"[:300])

    send()
    robustness.record("api: multipart status updates", cases=len(tried), failures=len(failures))
    assert not failures, "\n".join(failures[:10])
