"""Clients generated from the committed schema, as other systems generate them: the README's
commands, run here as written. The Python client (openapi-python-client) must generate without a
single warning and then work against a live server: list, filter, read, PATCH with If-Match,
and page through every list, including status updates, assessments and the changes since a
time. The TypeScript types (openapi-typescript, from npm) must generate and type-check; that
part needs Node.js and the npm registry, and is skipped, with the reason, without them.
"""

from __future__ import annotations

import datetime
import importlib
import io
import json
import pkgutil
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from mandates.choices import TokenScope
from mandates.models import ApiToken, Request
from mandates.organisation import roles
from reports.models import Summary
from tests.conftest import ensure_roles
from tests.factories import (
    ActivityFactory,
    BenchmarkAssessmentFactory,
    BenchmarkFactory,
    DocumentFactory,
    MissionFactory,
    ParagraphFactory,
    PartnerSupportFactory,
    RequestFactory,
    SecretaryGeneralReportFactory,
    StatusUpdateFactory,
    ThemeFactory,
    UnitFactory,
    UserFactory,
)

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"

#: The README's commands, word for word (a test checks that the README shows them). Paths are
#: relative to the checkout; ``.venv/bin/`` is the virtual environment ``make test`` creates.
PYTHON_CLIENT_OUTPUT = "var/client/python"
PYTHON_CLIENT_COMMAND = [
    ".venv/bin/openapi-python-client",
    "generate",
    "--path",
    "docs/api/openapi.yaml",
    "--config",
    "docs/api/openapi-python-client.yaml",
    "--output-path",
    PYTHON_CLIENT_OUTPUT,
    "--overwrite",
]
PYTHON_CLIENT_PACKAGE = "ssrtracker_api_client"
TYPESCRIPT_OUTPUT = "var/client/typescript/ssrtracker.ts"
TYPESCRIPT_COMMAND = [
    "npx",
    "--yes",
    "openapi-typescript@7.13.0",
    "docs/api/openapi.yaml",
    "--output",
    TYPESCRIPT_OUTPUT,
]
#: Only to type-check the generated types here; not a step of generating them.
TYPESCRIPT_COMPILER = "typescript@5.9.3"

#: npm's words for a registry it cannot reach: the TypeScript part is then skipped, not failed.
NPM_OFFLINE = re.compile(r"ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH")

PAGE_SIZE = 2
PDF = b"%PDF-1.4 concept note"


def shell_line(command: list[str]) -> str:
    return " ".join(command)


def as_run_here(command: list[str], output: str, into: Path) -> list[str]:
    """The README command with the output in ``into`` and ``.venv/bin/`` the environment the
    tests run in."""
    argv = [str(into) if word == output else word for word in command]
    if argv[0].startswith(".venv/bin/"):
        argv[0] = str(Path(sys.executable).parent / argv[0].removeprefix(".venv/bin/"))
    return argv


def test_the_readme_shows_the_commands_these_tests_run():
    text = README.read_text()
    assert shell_line(PYTHON_CLIENT_COMMAND) in text
    assert shell_line(TYPESCRIPT_COMMAND) in text


# --- Python ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def python_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    output = tmp_path_factory.mktemp("python-client") / "client"
    argv = as_run_here(PYTHON_CLIENT_COMMAND, PYTHON_CLIENT_OUTPUT, output)
    done = subprocess.run(  # noqa: S603 (our own command line)
        argv, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    said = (done.stdout + done.stderr).strip()
    assert done.returncode == 0, said
    # A clean run says only where it generates; anything else is a warning or an error.
    assert said == f"Generating {output}", said
    sys.path.insert(0, str(output))
    try:
        yield importlib.import_module(PYTHON_CLIENT_PACKAGE)
    finally:
        sys.path.remove(str(output))
        for name in [n for n in sys.modules if n.split(".")[0] == PYTHON_CLIENT_PACKAGE]:
            del sys.modules[name]


def test_the_python_client_has_every_operation_of_the_schema(python_client):
    import yaml

    schema = yaml.safe_load((ROOT / "docs/api/openapi.yaml").read_text())
    documented = {
        operation["operationId"]
        for item in schema["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    generated = {
        name.rsplit(".", 1)[1]
        for name in _modules(python_client, "api")
        if name.count(".") == 3  # ssrtracker_api_client.api.<tag>.<operation>
    }
    assert generated == documented
    # The status updates' models, which a name collision once dropped.
    models = importlib.import_module(f"{PYTHON_CLIENT_PACKAGE}.models")
    assert {"StatusUpdate", "PaginatedStatusUpdateList", "StatusUpdateRequest", "Related"} <= set(
        dir(models)
    )


def _modules(package: ModuleType, sub: str) -> list[str]:
    root = importlib.import_module(f"{package.__name__}.{sub}")
    return [
        info.name
        for info in pkgutil.walk_packages(root.__path__, prefix=f"{root.__name__}.")
        if not info.ispkg
    ]


def _data() -> dict[str, Any]:
    """At least PAGE_SIZE + 1 objects of every list resource, so that each list has pages."""
    ensure_roles()
    user = UserFactory.create(is_staff=True, is_superuser=True)
    user.groups.add(Group.objects.get(name=roles.ADMINISTRATORS))
    units = UnitFactory.create_batch(3)
    missions = MissionFactory.create_batch(3)
    documents = DocumentFactory.create_batch(3)
    themes = ThemeFactory.create_batch(3)
    requests = []
    for number, (unit, mission, document, theme) in enumerate(
        zip(units, missions, documents, themes, strict=True), start=1
    ):
        paragraph = ParagraphFactory.create(document=document, number=number)
        paragraph.themes.add(theme)
        request = RequestFactory.create(lead_unit=unit)
        request.paragraphs.add(paragraph)
        request.missions.add(mission)
        requests.append(request)
        StatusUpdateFactory.create(request=request)
        BenchmarkAssessmentFactory.create(benchmark=BenchmarkFactory.create(mission=mission))
        SecretaryGeneralReportFactory.create(mission=mission)
        PartnerSupportFactory.create(mission=mission)
        ActivityFactory.create(missions=[mission], units=[unit], themes=[theme])
        Summary.objects.create(
            kind="monthly",
            period_start=datetime.date(2021, number, 1),
            period_end=datetime.date(2021, number, 28),
            title=f"Month {number}",
            data={"completed": number},
            compiled_at=timezone.now(),
        )
    _token, secret = ApiToken.issue(name="generated", user=user, scope=TokenScope.READ_WRITE)
    return {"secret": secret, "units": units, "requests": requests}


@pytest.mark.django_db(transaction=True)
def test_the_python_client_round_trip_over_every_resource(
    python_client, live_server, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    data = _data()
    client = python_client.AuthenticatedClient(
        base_url=live_server.url, token=data["secret"], raise_on_unexpected_status=True
    )
    api = importlib.import_module(f"{PYTHON_CLIENT_PACKAGE}.api")
    models = importlib.import_module(f"{PYTHON_CLIENT_PACKAGE}.models")

    # Write: calendar feeds are made through the API (so their list has pages too).
    from ssrtracker_api_client.api.calendar_feeds import calendar_feeds_create

    for _ in range(PAGE_SIZE + 1):
        made = calendar_feeds_create.sync_detailed(
            client=client, body=models.CalendarFeedRequest(scope=models.CalendarScopeEnum.USER)
        )
        assert made.status_code == 201, made.content

    # Every list, page by page, each page read whole.
    lists = [name for name in _modules(python_client, "api") if name.endswith("_list")]
    paged = set()
    for name in lists:
        operation = importlib.import_module(name)
        if "page_size" not in operation.sync_detailed.__kwdefaults__:
            continue  # not paginated (the SG report matrix): read once
        ids = _read_every_page(operation, client)
        assert ids, name
        paged.add(name.rsplit(".", 1)[1])
    assert {"status_updates_list", "assessments_list", "requests_list"} <= paged
    assert len(paged) == 14, paged
    matrix = importlib.import_module(f"{api.__name__}.sg_reports.sg_reports_matrix_list")
    assert matrix.sync_detailed(client=client).status_code == 200

    # Filter and read.
    from ssrtracker_api_client.api.requests import (
        requests_list,
        requests_partial_update,
        requests_retrieve,
    )
    from ssrtracker_api_client.api.status_updates import (
        status_updates_list,
        status_updates_retrieve,
    )

    target = data["requests"][0]
    page = requests_list.sync(client=client, lead_unit=data["units"][0].pk)
    assert [row.id for row in page.results] == [target.pk]
    read = requests_retrieve.sync_detailed(client=client, id=str(target.pk))
    assert read.status_code == 200
    assert isinstance(read.parsed, models.Request)
    assert read.parsed.reference == target.reference
    updates = status_updates_list.sync(client=client, request=target.pk)
    assert [u.request.id for u in updates.results] == [target.pk]
    update = status_updates_retrieve.sync(client=client, id=str(updates.results[0].id))
    assert isinstance(update, models.StatusUpdate)
    assert isinstance(update.request, models.Related)
    assert update.request.display == target.reference

    # POST a progress note with an evidence file (multipart), then download the file.
    from ssrtracker_api_client.api.status_updates import (
        status_updates_create,
        status_updates_evidence_retrieve,
    )
    from ssrtracker_api_client.types import File

    note = models.StatusUpdateRequest(
        request=target.pk,
        status_to=models.RequestStatusEnum(target.status),
        note="Concept note",
        evidence_file=File(payload=io.BytesIO(PDF), file_name="note.pdf"),
    )
    created = status_updates_create.sync_detailed(client=client, body=note)
    assert created.status_code == 201, created.content
    assert isinstance(created.parsed, models.StatusUpdate)
    assert created.parsed.evidence_file_url
    evidence = status_updates_evidence_retrieve.sync(client=client, id=str(created.parsed.id))
    assert isinstance(evidence, File)
    assert evidence.payload.read() == PDF

    # PATCH with If-Match: the ETag read; then the same, now stale, ETag is refused.
    new_priority = "low" if target.priority != "low" else "high"
    body = models.PatchedRequestRequest(priority=models.PriorityEnum(new_priority))
    etag = read.headers["ETag"]
    patched = requests_partial_update.sync_detailed(
        client=client, id=str(target.pk), body=body, if_match=etag
    )
    assert patched.status_code == 200, patched.content
    assert patched.parsed.priority == new_priority
    assert Request.objects.get(pk=target.pk).priority == new_priority
    stale = requests_partial_update.sync_detailed(
        client=client, id=str(target.pk), body=body, if_match=etag
    )
    assert stale.status_code == 412
    assert isinstance(stale.parsed, models.Error)

    # The changes since a time: only what changed after it.
    since = Request.objects.get(pk=target.pk).updated_at
    changed = requests_list.sync(client=client, updated_since=since)
    assert [row.id for row in changed.results] == [target.pk]
    later = since + datetime.timedelta(seconds=1)
    assert requests_list.sync(client=client, updated_since=later).count == 0
    newest = status_updates_list.sync(client=client).results[0].created_at
    recent = status_updates_list.sync(client=client, created_since=newest)
    assert recent.count >= 1
    assert all(u.created_at >= newest for u in recent.results)


def _read_every_page(operation: ModuleType, client: Any) -> list[int]:
    """Follow the pages of a list to the end; every row parsed into its model with no field
    left over or missing. The ids, without repeats, in number the list's count."""
    ids: list[int] = []
    number, count = 1, None
    while True:
        response = operation.sync_detailed(client=client, page=number, page_size=PAGE_SIZE)
        assert response.status_code == 200, (operation.__name__, response.content)
        raw = json.loads(response.content)
        page = response.parsed
        assert type(page).__name__.startswith("Paginated"), (operation.__name__, page)
        assert page.count == raw["count"]
        count = page.count
        for row, raw_row in zip(page.results, raw["results"], strict=True):
            assert row.additional_properties == {}, operation.__name__
            assert set(row.to_dict()) == set(raw_row), operation.__name__
            ids.append(row.id)
        if not raw["next"]:
            break
        assert page.next_
        number += 1
    assert len(ids) == len(set(ids)) == count, operation.__name__
    if count > PAGE_SIZE:
        assert number > 1, operation.__name__
    return ids


# --- TypeScript -------------------------------------------------------------------------------

TYPESCRIPT_USE = """\
import type { components, paths } from "./ssrtracker";

type StatusUpdate = components["schemas"]["StatusUpdate"];
type List = paths["/api/v1/status-updates/"]["get"]["responses"][200];
type Page = List["content"]["application/json"];
type Row = components["schemas"]["CoverageRow"];

const related: StatusUpdate["request"] = { id: 1, url: "/api/v1/requests/1/", display: "a" };
const page: Page = { count: 0, next: null, previous: null, results: [] };
const cells: Row["coverage"] = [null];
export const seen: number = related.id + page.count + cells.length;
"""


def _npx(argv: list[str], cwd: Path, package: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(  # noqa: S603 (our own command line)
        argv, cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )
    if done.returncode != 0 and NPM_OFFLINE.search(done.stdout + done.stderr):
        pytest.skip(f"npm cannot reach its registry to fetch {package}: {done.stderr[-300:]}")
    return done


def test_the_typescript_types_generate_and_type_check(tmp_path):
    if not (shutil.which("node") and shutil.which("npx")):
        pytest.skip("needs Node.js and npm (npx) to run openapi-typescript")
    output = tmp_path / "ssrtracker.ts"
    argv = as_run_here(TYPESCRIPT_COMMAND, TYPESCRIPT_OUTPUT, output)
    done = _npx(argv, ROOT, argv[2])
    said = done.stdout + done.stderr
    assert done.returncode == 0, said
    assert not re.search(r"warn|error|⚠", said, re.IGNORECASE), said
    assert "StatusUpdate: {" in output.read_text()
    (tmp_path / "use.ts").write_text(TYPESCRIPT_USE)
    check = ["npx", "--yes", "-p", TYPESCRIPT_COMPILER, "tsc", "--noEmit", "--strict"]
    checked = _npx([*check, "--target", "es2020", "use.ts"], tmp_path, TYPESCRIPT_COMPILER)
    assert checked.returncode == 0, checked.stdout + checked.stderr
