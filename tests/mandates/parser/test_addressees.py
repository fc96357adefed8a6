"""Addressees: who a paragraph asks to act, under canonical names."""

from __future__ import annotations

import pytest

from mandates.documents.parser import parse_text
from mandates.documents.parser.addressees import find_addressees
from mandates.documents.parser.verbs import lead_verb_span


def _addressees(text: str) -> list[str]:
    verb, end = lead_verb_span(text, "operative")
    return find_addressees(text, verb, end)


@pytest.mark.parametrize(
    ("text", "addressees"),
    [
        ("Requests the Secretary-General to report;", ["Secretary-General"]),
        ("Requests the SecretaryGeneral to report;", ["Secretary-General"]),
        ("Requests the Secretary General to report;", ["Secretary-General"]),
        (
            "Encourages the Secretary-General's Special Representatives to take into account;",
            ["Secretary-General"],
        ),
        ("Encourages Member States undertaking reform, to take the lead;", ["Member States"]),
        ("Decides that all States shall prevent the sale of arms;", ["Member States"]),
        ("Requests relevant States to inform the individuals listed;", ["Member States"]),
        ("Encourages each Member State to consider the measures;", ["Member States"]),
        (
            "Requests the Organization of American States to report;",
            ["regional organizations"],
        ),
        ("Calls upon the United States of America to cooperate;", []),
        ("Calls upon all parties to cease hostilities;", ["parties"]),
        ("Demands that the Ivorian parties implement the agreement;", ["parties"]),
        (
            "Encourages United Nations peacekeeping operations and special political missions "
            "to continue;",
            ["missions"],
        ),
        ("Requests the Mission to support the authorities;", ["missions"]),
        ("Decides that MINUSMA shall perform the following tasks;", ["MINUSMA"]),
        ("Requests UNMISS to protect civilians;", ["UNMISS"]),
        (
            "Requests the Secretary-General and MONUSCO to report;",
            ["Secretary-General", "MONUSCO"],
        ),
        (
            "Encourages regional and subregional organizations to share expertise;",
            ["regional organizations"],
        ),
        ("Calls upon ECOWAS to continue its efforts;", ["regional organizations"]),
        ("Encourages the African Union to strengthen its framework;", ["African Union"]),
        ("Invites the Peacebuilding Commission to advise;", ["Peacebuilding Commission"]),
        (
            "Encourages relevant United Nations entities, agencies, funds and programmes to "
            "coordinate;",
            ["United Nations entities"],
        ),
        ("Requests the United Nations country team to assist;", ["United Nations entities"]),
        (
            "Requests the Inter-Agency Security Sector Reform Task Force to develop guidance;",
            ["Inter-Agency SSR Task Force"],
        ),
        ("Urges the Government of Mali to hold elections;", ["national authorities"]),
        ("Urges the transitional authorities to hold elections;", ["national authorities"]),
        ("Calls upon the host country to cooperate;", ["national authorities"]),
        ("Encourages international partners to support;", ["partners"]),
        ("Calls upon donors to contribute;", ["partners"]),
        ("Urges the international community to support;", ["partners"]),
        # the object ends at the infinitive; asides do not name addressees
        (
            "Requests the Secretary-General, in close coordination with the African Union, to "
            "support the road map;",
            ["Secretary-General"],
        ),
        (
            "Requests the Secretary-General to report to the Security Council on cooperation "
            "with the African Union;",
            ["Secretary-General"],
        ),
        # the Council is never an addressee; verbs that ask nothing have none
        ("Decides to remain seized of the matter;", []),
        ("Welcomes the efforts of Member States and the African Union;", []),
        ("Reaffirms the role of the Peacebuilding Commission;", []),
    ],
)
def test_canonical_addressees(text: str, addressees: list[str]) -> None:
    assert _addressees(text) == addressees


def test_addressees_of_later_clauses_in_order_and_deduplicated() -> None:
    text = (
        "Encourages the Secretary-General to continue to promote cooperation with the African "
        "Union, and further encourages all partners to continue to assist the African Union, "
        "and requests him to report;"
    )
    assert _addressees(text) == ["Secretary-General", "partners"]


def test_him_alone_is_not_an_addressee() -> None:
    assert _addressees("Welcomes the report, and requests him to continue;") == []


def test_subparagraph_addressees_default_to_the_parent() -> None:
    document = parse_text(
        "The Security Council,\n1. Requests the Secretary-General to consider:\n"
        "(a) Strengthen the comprehensive approach;\n"
        "(b) Urges Member States to provide resources;\n"
    )
    subs = document.operative[0].subparagraphs
    assert subs[0].addressees == ["Secretary-General"]
    assert subs[1].addressees == ["Member States"]
