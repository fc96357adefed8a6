"""Addressees: who a paragraph asks to act, under canonical names."""

from __future__ import annotations

import pytest

from mandates.documents.parser import parse_bytes, parse_text
from mandates.documents.parser.addressees import addressee_kind, find_addressees
from mandates.documents.parser.verbs import lead_verb_span
from tests.mandates.parser.test_corpus import CORPUS


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
        # a named State, not "Member States"
        ("Calls upon the United States of America to cooperate;", ["United States"]),
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


@pytest.mark.parametrize(
    ("text", "addressees"),
    [
        # national and transitional authorities, whatever their capitals, and the security
        # institutions and leaders of the State
        ("Urges the Transitional Authorities to hold elections;", ["national authorities"]),
        ("Calls upon the Federal Authorities to act;", ["national authorities"]),
        (
            "Urges all members of the Armed Forces, including its leaders, to abide by civilian "
            "rule;",
            ["national authorities"],
        ),
        ("Urges the defence and security forces to respect;", ["national authorities"]),
        ("Urges the country's political leaders to refrain;", ["national authorities"]),
        ("Calls upon troop- and police-contributing countries to train;", []),
        # a named State is asked; a State that qualifies another name is not
        ("Requests France to report to the Council;", ["France"]),
        ("Calls upon Rwanda and Uganda to cooperate;", ["Rwanda", "Uganda"]),
        ("Urges the Government of Mali to hold elections;", ["national authorities"]),
        ("Urges Guinea-Bissau's political leaders to refrain;", ["national authorities"]),
        (
            "Urges the Central African Republic authorities to act;",
            ["national authorities"],
        ),
        (
            "Calls upon the Democratic Republic of the Congo to investigate;",
            ["Democratic Republic of the Congo"],
        ),
        # the Secretary-General's envoys and representatives act for him
        (
            "Calls on the Special Envoy for the Great Lakes Region to lead;",
            ["Secretary-General"],
        ),
        ("Calls on the Special Representative for the DRC to perform;", ["Secretary-General"]),
        ("Requests the SRSG to continue;", ["Secretary-General"]),
        ("Requests the Special Representative of the African Union to brief;", ["African Union"]),
        # partners in cooperation or consultation are not asked
        (
            "Requests the Secretary-General, in consultation with the African Union, the "
            "Economic Community of West African States (ECOWAS), the Community of "
            "Portuguese-speaking Countries (CPLP), to assist the Government;",
            ["Secretary-General"],
        ),
        (
            "Requests the Secretary-General, after a joint mission with the AU, to update the "
            "Council;",
            ["Secretary-General"],
        ),
        (
            "Calls on the Special Representative, in collaboration with the Special Envoy, "
            "MONUSCO and the African Union, to support;",
            ["Secretary-General"],
        ),
        ("Encourages Member States in cooperation with ECOWAS to assist;", ["Member States"]),
        (
            "Demands that all parties cooperate fully with the operations of MONUC and that they "
            "ensure the security of personnel;",
            ["parties"],
        ),
        (
            "Demands that all parties cooperate fully with MONUSCO, demands in particular that "
            "all parties provide full access to MONUSCO military observers;",
            ["parties"],
        ),
        ("Urges States neighbouring Somalia to cooperate;", ["Member States"]),
        (
            "Requests the Governments of Chad and the Central African Republic to cooperate;",
            ["national authorities"],
        ),
        (
            "Calls upon the Government of the United Kingdom of Great Britain and Northern "
            "Ireland to prevent;",
            ["national authorities"],
        ),
        ("Calls on Ethiopia and Eritrea to cooperate;", ["Ethiopia", "Eritrea"]),
        ("Calls upon the African Union Special Envoy to brief;", ["African Union"]),
        (
            "Requests, in cooperation with the African Union, the Secretary-General to report;",
            ["Secretary-General"],
        ),
        (
            "Requests the AU and the Special Envoy to report;",
            ["African Union", "Secretary-General"],
        ),
        # places and times around the object are not addressees
        (
            "Authorizes French forces, within the limits of their capacities, from the "
            "commencement of the activities of MINUSCA until the end of MINUSCA's mandate, to "
            "use all necessary means, and requests France to report;",
            ["France"],
        ),
    ],
)
def test_who_is_asked_and_who_is_not(text: str, addressees: list[str]) -> None:
    assert _addressees(text) == addressees


def test_it_stands_for_the_one_body_named_before_it() -> None:
    text = "Welcomes progress made by MINUSTAH in public outreach, and requests it to continue;"
    assert _addressees(text) == ["MINUSTAH"]
    # "it" for a group, or for no one named, adds no one
    assert _addressees("Welcomes the work of Member States, and requests it to continue;") == []
    assert _addressees("Welcomes the report, and requests it to continue;") == []


@pytest.mark.parametrize(
    ("text", "addressees"),
    [
        ("Requests the Monitoring Group to report to the Committee by 31 March 2002;", None),
        (
            "Requests also the Committee established pursuant to resolution 1267 (1999) to "
            "report to the Council within 90 days;",
            None,
        ),
        ("Requests the Panel of Experts to conduct a follow-up assessment mission;", None),
        ("Requests the Group of Experts to submit a final report;", None),
        # reported to, or consulted, a committee is not asked
        (
            "Requests the Secretary-General, in consultation with the Committee, to establish "
            "a panel;",
            ["Secretary-General"],
        ),
        ("Requests the Secretary-General to report to the Committee;", ["Secretary-General"]),
        ("Calls upon all States to cooperate fully with the Panel;", ["Member States"]),
    ],
)
def test_committees_and_panels_are_asked_as_such(text: str, addressees: list[str] | None) -> None:
    found = _addressees(text)
    assert found == (addressees if addressees is not None else ["committees and panels"])
    if addressees is None:
        assert addressee_kind(found[0]) == "committee_panel"


def test_a_named_state_is_a_member_state_by_kind() -> None:
    assert addressee_kind("France") == "member_states"
    assert addressee_kind("Côte d'Ivoire") == "member_states"
    assert addressee_kind("Atlantis") == "other"


def _corpus_paragraph(number: int, paragraph: int):
    path = next(CORPUS.glob(f"S-RES-{number}-*.txt"))
    document = parse_bytes(path.read_bytes())
    return next(p for p in document.operative if p.number == paragraph)


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the resolution corpus is not at {CORPUS}")
@pytest.mark.parametrize(
    ("resolution", "paragraph", "addressees"),
    [
        (2149, 47, ["France"]),
        (2227, 27, ["France"]),
        (2149, 8, ["national authorities"]),
        (2149, 11, ["national authorities"]),
        (2149, 41, ["Secretary-General", "national authorities"]),
        (2149, 27, ["Secretary-General"]),
        (1840, 25, ["MINUSTAH"]),
        (2098, 4, ["Secretary-General"]),
        (2098, 5, ["Secretary-General"]),
        (2098, 14, ["Secretary-General"]),
        (1876, 8, ["national authorities"]),
        (1876, 9, ["national authorities"]),
        (1876, 11, ["Secretary-General"]),
        (1565, 20, ["parties", "Secretary-General"]),
        (1756, 16, ["parties", "Secretary-General"]),
        (2098, 27, ["parties"]),
    ],
)
def test_addressees_of_real_resolutions(
    resolution: int, paragraph: int, addressees: list[str]
) -> None:
    assert _corpus_paragraph(resolution, paragraph).addressees == addressees
