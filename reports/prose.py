"""A summary's data told as a newsletter tells it: sentences and short lists, not a table.

The model is the SSR Unit's quarterly newsletter: a headline paragraph with the figures and where
they are heading, then what was done, what is late, a spotlight on each mission concerned, how
the benchmarks moved, and what is "coming soon".
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from reports.periods import long_date

_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def number(n: int) -> str:
    """``no``, ``one`` … ``ten``, then digits, as prose writes counts."""
    return _WORDS[n] if 0 <= n < len(_WORDS) else f"{n:,}"


def _none(n: int) -> str:
    return number(n) if n else "none"


def counted(n: int, singular: str, plural: str | None = None) -> str:
    return f"{number(n)} {singular if n == 1 else plural or singular + 's'}"


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _date(iso: str | None) -> str:
    return long_date(datetime.date.fromisoformat(iso)) if iso else "no date"


def _list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


@dataclass
class Entry:
    """One line of a section: a sentence, optionally linking to a request."""

    text: str
    url: str = ""
    link_text: str = ""
    before: str = ""

    @property
    def plain(self) -> str:
        line = f"{self.before}{self.link_text}{self.text}"
        return f"{line}\n    {self.url}" if self.url else line


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    #: 2 for a section, 3 for a part of the one before (a mission in the spotlight).
    level: int = 2


@dataclass
class Story:
    title: str
    lead: str
    sections: list[Section]


def trend(now: int, before: int, noun: str) -> str:
    if now == before:
        return f"the same as the previous {noun}" if now else ""
    direction = "up" if now > before else "down"
    return f"{direction} from {number(before) if before else 'none'} the previous {noun}"


def _with_trend(sentence: str, now: int, before: int, noun: str) -> str:
    change = trend(now, before, noun)
    return f"{sentence} ({change})" if change else sentence


def _who(row: dict[str, Any]) -> str:
    missions = f" for {_list(row['missions'])}" if row["missions"] else ""
    return f"led by {row['lead_unit']}{missions}"


def headline(data: dict[str, Any]) -> str:
    period, noun = data["period"], data["period"]["noun"]
    f, p = data["figures"], data["previous_figures"]
    done = _with_trend(
        f"{counted(f['completed'], 'request was', 'requests were')} completed",
        f["completed"],
        p["completed"],
        noun,
    )
    new = _with_trend(
        f"{counted(f['new'], 'new request was', 'new requests were')} recorded",
        f["new"],
        p["new"],
        noun,
    )
    sentences = [
        f"In {period['label']} ({_date(period['start'])} to {_date(period['end'])}), {done}, "
        f"and {new}."
    ]
    if f["slipped"]:
        sentences.append(
            f"{capitalised(counted(f['slipped'], 'request'))} fell due during the {noun} "
            f"without being completed."
        )
    else:
        sentences.append(f"No request fell due during the {noun} without being completed.")
    sentences.append(
        _with_trend(
            f"At the end of the {noun}, {counted(f['overdue'], 'request was', 'requests were')} "
            f"overdue out of {number(f['open'])} open",
            f["overdue"],
            p["overdue"],
            noun,
        )
        + "."
    )
    coming = data["next"]
    sentences.append(
        f"{capitalised(counted(f['due_next'], 'request falls', 'requests fall'))} due in "
        f"{coming['label']}."
    )
    return " ".join(sentences)


def _benchmark_sentence(row: dict[str, Any]) -> str:
    indicator = row["indicator"] if len(row["indicator"]) <= 90 else row["indicator"][:89] + "…"
    value = f" ({row['value']})" if row["value"] else ""
    rating = row["rating_label"].lower()
    if row["movement"] == "first":
        return f"{row['mission']}: “{indicator}” was assessed for the first time, {rating}{value}."
    before = (row["previous_label"] or "").lower()
    if row["movement"] == "improved":
        return f"{row['mission']}: “{indicator}” improved from {before} to {rating}{value}."
    if row["movement"] == "worsened":
        return f"{row['mission']}: “{indicator}” slipped from {before} to {rating}{value}."
    return f"{row['mission']}: “{indicator}” remained {rating}{value}."


def _mission_paragraph(
    mission: dict[str, Any], by_ref: dict[str, dict[str, Any]], noun: str
) -> str:
    """A mission's spotlight. Since summaries cap their lists, the mission carries its counts and
    the titles of the few requests it names; older summaries name all, and only references."""
    counts = mission.get("counts", {})
    titles = mission.get("titles", {})

    def named(key: str) -> tuple[int, str]:
        refs = mission[key]
        listed = _list([f"{titles.get(r) or by_ref[r]['title']} ({r})" for r in refs])
        total = counts.get(key, len(refs))
        return total, listed if total == len(refs) else f"among them {listed}"

    parts = []
    if mission["completed"]:
        total, listed = named("completed")
        parts.append(
            f"{capitalised(counted(total, 'request was', 'requests were'))} completed: {listed}."
        )
    if mission["new"]:
        total, listed = named("new")
        parts.append(
            f"{capitalised(counted(total, 'new request'))} concern the mission: {listed}."
            if total > 1
            else f"One new request concerns the mission: {listed}."
        )
    if mission["late"]:
        total, listed = named("late")
        verb = "is" if total == 1 else "are"
        parts.append(f"{capitalised(counted(total, 'request'))} {verb} overdue: {listed}.")
    if mission["coming"]:
        total, listed = named("coming")
        parts.append(
            f"Coming next {noun}: {listed}."
            if total == len(mission["coming"])
            else f"{capitalised(counted(total, 'request falls', 'requests fall'))} due next "
            f"{noun}, {listed}."
        )
    total = counts.get("benchmarks", len(mission["benchmarks"]))
    if total:
        parts.append(
            capitalised(counted(total, "benchmark was", "benchmarks were"))
            + " assessed (see below)."
        )
    return " ".join(parts)


def _more(shown: int, total: int, *, url: str = "", where: str = "") -> list[Entry]:
    """The line closing a capped list: how many it leaves out, and where to find them."""
    if total <= shown:
        return []
    more = f"… and {number(total - shown)} more"
    if url and where:
        return [Entry(" lists them all.", url, where, before=f"{more}. ")]
    return [Entry(f"{more}.")]


def _benchmark_figures(benchmarks: list[dict[str, Any]]) -> dict[str, int]:
    """How the benchmarks moved, for a summary compiled before its data carried the figures
    (its list then held every assessment)."""
    moves = {k: sum(b["movement"] == k for b in benchmarks) for k in ("improved", "worsened")}
    first = sum(b["movement"] == "first" for b in benchmarks)
    steady = len(benchmarks) - moves["improved"] - moves["worsened"] - first
    return {"assessed": len(benchmarks), **moves, "first": first, "steady": steady}


def narrative(data: dict[str, Any]) -> Story:
    """The summary's story, from its data alone (so a stored summary can be re-rendered)."""
    period, noun = data["period"], data["period"]["noun"]
    title_label = capitalised(period["label"])
    kind_title = {"weekly": "Weekly", "monthly": "Monthly", "quarterly": "Quarterly"}[data["kind"]]
    title = f"{kind_title} summary: {title_label}"
    sections: list[Section] = []
    figures = data["figures"]
    deadlines = data.get("links", {}).get("deadlines", "")
    deadlines_page = "The deadlines page"

    if data["completed"]:
        sections.append(
            Section(
                "Completed",
                [f"Work completed during the {noun}:"],
                [
                    Entry(
                        f", {_who(r)}, completed on {_date(r['completed_on'])}.",
                        r["url"],
                        f"{r['title']} ({r['reference']})",
                    )
                    for r in data["completed"]
                ]
                + _more(len(data["completed"]), figures["completed"]),
            )
        )
    late = data["slipped"] + data["overdue"]
    slipped, earlier = figures["slipped"], figures["overdue"] - figures["slipped"]
    if late:
        intro = []
        if slipped:
            intro.append(
                f"{capitalised(counted(slipped, 'request'))} slipped this {noun}: "
                f"due during the {noun}, {'it is' if slipped == 1 else 'they are'} "
                "still open."
            )
        if earlier:
            intro.append(
                f"{capitalised(counted(earlier, 'request'))} overdue from earlier "
                f"{'remains' if earlier == 1 else 'remain'} open."
            )
        sections.append(
            Section(
                "Slipped and overdue",
                [" ".join(intro)],
                [
                    Entry(
                        f", {_who(r)}, was due on {_date(r['due_date'])}"
                        + (
                            f" and was {counted(r['days_late'], 'day')} late at the end of the "
                            f"{noun}."
                            if r["days_late"]
                            else f", the last day of the {noun}."
                        ),
                        r["url"],
                        f"{r['title']} ({r['reference']})",
                    )
                    for r in late
                ]
                + _more(len(late), figures["overdue"], url=deadlines, where=deadlines_page),
            )
        )
    if data["new"]:
        sections.append(
            Section(
                "New requests",
                [f"Recorded during the {noun}:"],
                [
                    Entry(
                        f", {_who(r)}, due {_date(r['due_date'])}."
                        if r["due_date"]
                        else f", {_who(r)}, with no due date yet.",
                        r["url"],
                        f"{r['title']} ({r['reference']})",
                    )
                    for r in data["new"]
                ]
                + _more(len(data["new"]), figures["new"]),
            )
        )
    by_ref = {
        r["reference"]: r
        for key in ("completed", "new", "slipped", "overdue", "coming_soon")
        for r in data[key]
    }
    spotlight = [
        Section(
            f"{m['acronym']} ({m['host_country']})",
            [_mission_paragraph(m, by_ref, noun)],
            level=3,
        )
        for m in data["missions"]
    ]
    others = data.get("other_missions", [])
    if others:
        spotlight.append(
            Section(
                "Other missions",
                [f"Also concerned this {noun}, with less activity: {_list(others)}."],
                level=3,
            )
        )
    if spotlight:
        sections.append(Section("Mission spotlight", [f"Where the missions stood this {noun}."]))
        sections.extend(spotlight)
    if data["benchmarks"]:
        moves = data.get("benchmark_figures") or _benchmark_figures(data["benchmarks"])
        first = moves["first"]
        summary = (
            f"{capitalised(counted(moves['assessed'], 'benchmark assessment'))} closed a "
            f"reporting period this {noun}: {_none(moves['improved'])} improved, "
            f"{_none(moves['worsened'])} slipped and {_none(moves['steady'])} held steady"
            + (
                f"; {counted(first, 'benchmark was', 'benchmarks were')} assessed for the first"
                " time"
                if first
                else ""
            )
            + "."
        )
        sections.append(
            Section(
                "Benchmarks",
                [summary],
                [Entry(_benchmark_sentence(b)) for b in data["benchmarks"]]
                + _more(len(data["benchmarks"]), moves["assessed"]),
            )
        )
    coming = data["coming_soon"]
    sections.append(
        Section(
            "Coming soon",
            [
                f"Due in {data['next']['label']}:"
                if coming
                else f"Nothing falls due in {data['next']['label']}."
            ],
            [
                Entry(
                    f", {_who(r)}.",
                    r["url"],
                    f"{r['title']} ({r['reference']})",
                    before=f"{_date(r['due_date'])}: ",
                )
                for r in coming
            ]
            + _more(len(coming), figures["due_next"], url=deadlines, where=deadlines_page),
        )
    )
    return Story(title=title, lead=headline(data), sections=sections)
