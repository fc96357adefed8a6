"""Fuzz: random query strings and path values against every dashboard page, on the seed data.

Every answer is a page (200), a redirect, a 400 or a 404: never a server error. The examples
come from a fixed seed, so a CI run is repeatable; ``FUZZ_EXAMPLES`` runs more of them.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import strategies as st

from ssrtracker import limits
from tests.robustness import examples

pytestmark = pytest.mark.django_db

EXAMPLES = examples(120)

#: Pages, with ``{int}`` and ``{str}`` where a path value goes.
PATHS = [
    "/dashboard/",
    "/dashboard/missions/",
    "/dashboard/missions/{str}/",
    "/dashboard/units/",
    "/dashboard/units/{str}/",
    "/dashboard/resolutions/",
    "/dashboard/resolutions/{int}/",
    "/dashboard/deadlines/",
    "/dashboard/matrix/",
    "/dashboard/summaries/",
    "/dashboard/summaries/{int}/",
    "/dashboard/summaries/{int}/{str}/",
    "/dashboard/benchmarks/",
    "/dashboard/benchmarks/{str}/",
    "/dashboard/benchmarks/{str}/xlsx/",
    "/dashboard/coverage/",
    "/dashboard/coverage/xlsx/",
]
KNOWN_PARAMS = ["mission", "unit", "theme", "period", "page", "status", "q", "year", "o"]
TRICKY = [
    "",
    "MINUSCA",
    "SSRU",
    "national-ownership",
    "90",
    "0",
    "-1",
    str(limits.MAX_INTEGER + 1),
    "9" * 30,
    limits.EARLIEST_DATE.isoformat(),
    "1921-09-30",
    "9999-12-31",
    "2021-Q3",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "%00",
    "\x00",
    "..%2F..%2F",
    "é" * 200,
]
texts = st.text(st.characters(exclude_categories=["Cs"]), max_size=60)
values = st.one_of(
    st.sampled_from(TRICKY), texts, st.integers(-(2**70), 2**70).map(str), st.just("x" * 5000)
)
path_ints = st.one_of(st.integers(-5, 50), st.integers(2**31 - 2, 2**70))
path_strs = st.one_of(st.sampled_from(["MINUSCA", "SSRU", "xlsx", "html", "txt", "-"]), texts)


def _fill(template: str, number: int, word: str) -> str:
    from urllib.parse import quote

    return template.replace("{int}", str(number)).replace("{str}", quote(word, safe="") or "-")


def test_no_query_string_or_path_value_breaks_a_dashboard(client, seeded, manager, robustness):
    client.force_login(manager)

    def check(template: str, number: int, word: str, params: dict[str, Any]) -> None:
        url = _fill(template, number, word)
        response = client.get(url, params)
        assert response.status_code in (200, 301, 302, 400, 404), (url, params)

    robustness.fuzz(
        "dashboards: query strings and path values",
        check,
        max_examples=EXAMPLES,
        template=st.sampled_from(PATHS),
        number=path_ints,
        word=path_strs,
        params=st.dictionaries(st.one_of(st.sampled_from(KNOWN_PARAMS), texts), values, max_size=4),
    )
