"""Comparing two documents, and carrying requests forward to the successor."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from mandates.choices import RequestStatus as S
from mandates.documents.compare import Side, align, word_diff
from mandates.models import Paragraph, Request
from mandates.requests.services import request_carry_forward
from tests.factories import ParagraphFactory, RequestFactory, StatusUpdateFactory, UnitFactory

DOCS = Path(__file__).resolve().parents[2] / "fixtures" / "documents"


def sides(name: str) -> list[Side]:
    data = json.loads((DOCS / name).read_text(encoding="utf-8"))
    out: list[Side] = []

    def add(para: dict, ref: str, kind: str, parent: int | None) -> None:
        key = len(out) + 1
        out.append(Side(key, ref, kind, para["text"], parent))
        for child in para.get("subparagraphs", []):
            add(child, f"{ref}({child['label']})", kind, key)

    for para in data["paragraphs"]:
        ref = f"PP{para['number']}" if para["kind"] == "preambular" else str(para["number"])
        add(para, ref, para["kind"], None)
    return out


def test_2553_op20_succeeds_2151_op15_with_a_to_f_matched():
    pairs = {
        (a.old.ref, a.new.ref)
        for a in align(sides("s-res-2151-2014.json"), sides("s-res-2553-2020.json"))
        if a.old and a.new
    }
    assert ("15", "20") in pairs
    expected = {"a": "a", "b": "b", "c": "c", "d": "e", "e": "h", "f": "k"}
    for old, new in expected.items():
        assert (f"15({old})", f"20({new})") in pairs
    assert ("20", "26") in pairs  # "Decides to remain actively seized" moved


def pair(old_ref: str, new_ref: str):
    for a in align(sides("s-res-2151-2014.json"), sides("s-res-2553-2020.json")):
        if a.old and a.new and (a.old.ref, a.new.ref) == (old_ref, new_ref):
            return a
    raise AssertionError(f"{old_ref} is not matched to {new_ref}")


def test_2151_op9_renumbered_and_extended_in_2553_op13_is_moved_and_modified():
    # 2553 OP13 adds a whole clause on strategic partnerships to 2151 OP9.
    op13 = pair("9", "13")
    assert op13.status == "moved"
    assert op13.changes == ("moved", "modified")
    assert op13.moved
    assert op13.modified
    assert 0.5 <= op13.similarity < 1.0
    inserted = " ".join(text for op, text in op13.diff if op == "insert")
    assert "strategic partnerships and coordination mechanisms" in inserted


def test_a_paragraph_renumbered_with_the_same_words_is_moved_only():
    op8 = pair("6", "8")  # 2151 OP6 is 2553 OP8, word for word
    assert op8.changes == ("moved",)
    assert not op8.modified
    assert op8.similarity == 1.0


def test_a_paragraph_edited_in_place_is_modified_only():
    assert pair("1", "1").changes == ("modified",)


def test_punctuation_and_quotes_are_not_a_modification():
    text = "Decides to remain \u201cactively\u201d seized of the matter."
    old = [Side(1, "1", "operative", text)]
    new = [Side(1, "2", "operative", "decides to remain 'actively' seized of the matter;")]
    (result,) = align(old, new)
    assert result.changes == ("moved",)


def test_draft_to_adopted_is_almost_all_unchanged():
    result = align(sides("s-2014-302.json"), sides("s-res-2151-2014.json"))
    statuses = [a.status for a in result]
    assert "new" not in statuses
    assert "dropped" not in statuses
    assert statuses.count("unchanged") >= len(statuses) - 5


def test_new_dropped_and_modified():
    old = [
        Side(1, "1", "operative", "Decides to extend the mandate;"),
        Side(2, "2", "operative", "Requests a report in June;"),
    ]
    new = [
        Side(1, "1", "operative", "Decides to extend the mandate until 2026;"),
        Side(2, "2", "operative", "Urges all parties to cease hostilities;"),
    ]
    result = {
        (a.old.ref if a.old else None, a.new.ref if a.new else None): a.status
        for a in align(old, new)
    }
    assert result == {("1", "1"): "modified", (None, "2"): "new", ("2", None): "dropped"}


def test_word_diff_marks_insertions_and_deletions():
    diff = word_diff("Requests a report in June;", "Requests a detailed report in September;")
    assert ("insert", "detailed") in diff
    assert ("delete", "June;") in diff
    assert ("insert", "September;") in diff


@pytest.fixture
def seeded(db):
    from mandates.seed import load_seed

    load_seed()


@pytest.mark.django_db
def test_compare_page_shows_moves_and_diffs(seeded, admin_client):
    res_2553 = Paragraph.objects.get(citation="2553 (2020) OP20").document
    url = reverse("admin:mandates_document_compare", args=[res_2553.pk])
    response = admin_client.get(url)  # defaults to the predecessor, 2151
    assert response.status_code == 200
    content = response.content.decode()
    assert "Compare S/RES/2151 (2014) → S/RES/2553 (2020)" in content
    assert "moved" in content
    assert "<ins>" in content
    # 2151 OP9 became 2553 OP13 with a clause added: both facts on its row, with the diff.
    row = content.split("<td>9</td>\n        <td>13</td>", 1)[1].split("</tr>", 1)[0]
    assert '<span class="ssr-status ssr-status--moved">moved</span>' in row
    assert '<span class="ssr-status ssr-status--modified">modified</span>' in row
    assert "<ins>" in row
    assert "strategic partnerships" in row
    # 2151 OP6 is 2553 OP8 word for word: moved only.
    row = content.split("<td>6</td>\n        <td>8</td>", 1)[1].split("</tr>", 1)[0]
    assert "ssr-status--moved" in row
    assert "ssr-status--modified" not in row
    assert "<ins>" not in row


@pytest.mark.django_db
def test_carry_forward_opens_successor_and_supersedes_with_history(staff_a):
    unit_a = UnitFactory.create(acronym="UNIT-A")
    from mandates.seed import load_seed

    load_seed()
    old_paragraph = Paragraph.objects.get(citation="2151 (2014) OP15(d)")
    new_paragraph = Paragraph.objects.get(citation="2553 (2020) OP20(e)")
    request = RequestFactory.create(
        reference="legacy-15d", lead_unit=unit_a, paragraphs=[old_paragraph], status=S.IN_PROGRESS
    )
    StatusUpdateFactory.create(request=request, status_to=S.IN_PROGRESS, note="Old work")
    successor = request_carry_forward(request=request, paragraph=new_paragraph, by=staff_a)
    request.refresh_from_db()
    assert request.status == S.SUPERSEDED
    assert successor.predecessor == request
    assert successor.status == S.IN_PROGRESS
    assert list(successor.paragraphs.all()) == [new_paragraph]
    assert successor.reference.startswith("2553-OP20e")
    assert request.updates.count() == 2  # its own timeline kept, plus the closing note
    assert "Carried forward to" in request.updates.latest().note
    assert "Carried forward from legacy-15d" in successor.updates.get().note


@pytest.mark.django_db
def test_carry_forward_refused_for_another_units_staff(staff_b):
    request = RequestFactory.create(status=S.IN_PROGRESS)
    paragraph = ParagraphFactory.create()
    with pytest.raises(PermissionDenied):
        request_carry_forward(request=request, paragraph=paragraph, by=staff_b)
    assert Request.objects.get(pk=request.pk).status == S.IN_PROGRESS


@pytest.mark.django_db
def test_carry_forward_from_the_compare_page(seeded, staff_a, client):
    unit_a = UnitFactory.create(acronym="UNIT-A")
    old_paragraph = Paragraph.objects.get(citation="2151 (2014) OP15(a)")
    new_paragraph = Paragraph.objects.get(citation="2553 (2020) OP20(a)")
    request = RequestFactory.create(
        reference="legacy-15a", lead_unit=unit_a, paragraphs=[old_paragraph], status=S.ON_HOLD
    )
    client.force_login(staff_a)
    url = reverse("admin:mandates_document_compare", args=[new_paragraph.document_id])
    page = client.get(url)
    assert f'value="{request.pk}:{new_paragraph.pk}"' in page.content.decode()
    response = client.post(
        url, {"with": old_paragraph.document_id, "carry": [f"{request.pk}:{new_paragraph.pk}"]}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == S.SUPERSEDED
    assert request.successors.get().paragraphs.get() == new_paragraph
