"""Loading bad seed data: a clear message naming the problem, and nothing written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mandates.models import Document, Request
from mandates.seed import DEFAULT_FIXTURES_DIR

pytestmark = pytest.mark.django_db


@pytest.fixture
def fixtures_copy(tmp_path: Path) -> Path:
    target = tmp_path / "fixtures"
    shutil.copytree(DEFAULT_FIXTURES_DIR, target)
    return target


def test_missing_fixture_file_is_named_and_nothing_is_written(fixtures_copy):
    (fixtures_copy / "units.json").unlink()
    with pytest.raises(CommandError, match=r"Seed file not found: .*units\.json"):
        call_command("load_seed", dir=fixtures_copy)
    assert not Document.objects.exists()


def test_malformed_json_is_located(fixtures_copy):
    (fixtures_copy / "missions.json").write_text('[{"acronym": "X",]\n')
    with pytest.raises(CommandError, match=r"missions\.json is not valid JSON \(line 1"):
        call_command("load_seed", dir=fixtures_copy)


def test_invalid_row_rolls_back_the_whole_load(fixtures_copy):
    requests = json.loads((fixtures_copy / "requests.json").read_text())
    requests[-1]["status"] = "finished"
    (fixtures_copy / "requests.json").write_text(json.dumps(requests))
    with pytest.raises(CommandError, match="status"):
        call_command("load_seed", dir=fixtures_copy)
    assert not Document.objects.exists()
    assert not Request.objects.exists()


def test_unresolved_reference_is_listed(fixtures_copy):
    requests = json.loads((fixtures_copy / "requests.json").read_text())
    requests[0]["lead_unit"] = "NOPE"
    (fixtures_copy / "requests.json").write_text(json.dumps(requests))
    with pytest.raises(CommandError, match="unknown unit 'NOPE'"):
        call_command("load_seed", dir=fixtures_copy)
