"""A summary's data told as a newsletter tells it: sentences and short lists, not a table.

The model is the SSR Unit's quarterly newsletter: a headline paragraph with the figures and where
they are heading, then what was done, what is late, a spotlight on each mission concerned, how
the benchmarks moved, and what is "coming soon".

Every sentence is written in the active language (``translation.override`` for each reader), from
the data alone: period labels, dates, ratings and the names of missions and countries are read
from their codes, so a summary compiled in English reads in French for a French reader.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import date_format, number_format
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _

from mandates.base_models import in_language
from mandates.choices import ActivityKind, Rating
from mandates.requests.models import author_label
from mandates.words import shortened
from reports import charts

_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def _english() -> bool:
    return (get_language() or "en").startswith("en")


def number(n: int) -> str:
    """``no``, ``one`` … ``ten``, then digits, as English prose writes counts (other languages:
    digits, which need no agreement with the noun)."""
    if not _english():
        return number_format(n, force_grouping=True)
    return _WORDS[n] if 0 <= n < len(_WORDS) else f"{n:,}"


def _none(n: int) -> str:
    return number(n) if n else pgettext("no benchmark", "none")


def _count(n: int, text: str, **values: str) -> str:
    """``text`` (``ngettext(...)`` for ``n``, with ``%(count)s``) with the count in words."""
    return text % {"count": number(n), **values}


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """``two requests``: an English count and noun (for texts that are not translated)."""
    return f"{number(n)} {singular if n == 1 else plural or singular + 's'}"


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def long_date(day: datetime.date) -> str:
    """``30 September 2021`` / ``30 septembre 2021``."""
    return date_format(day, "j F Y")


def _date(iso: str | None) -> str:
    return long_date(datetime.date.fromisoformat(iso)) if iso else _("no date")


def _list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return _("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def period_label(kind: str, start: datetime.date) -> str:
    """``the third quarter of 2021``, ``September 2021``, ``the week of 20 September 2021``."""
    if kind == "weekly":
        return _("the week of %(date)s") % {"date": long_date(start)}
    if kind == "monthly":
        return date_format(start, "F Y")
    quarters = [
        _("the first quarter of %(year)s"),
        _("the second quarter of %(year)s"),
        _("the third quarter of %(year)s"),
        _("the fourth quarter of %(year)s"),
    ]
    return quarters[(start.month - 1) // 3] % {"year": start.year}


def _label(period: dict[str, Any], kind: str) -> str:
    return period_label(kind, datetime.date.fromisoformat(period["start"]))


@dataclass(frozen=True)
class Phrases:
    """How a period is named inside a sentence (the noun's gender differs by language)."""

    during: str  # during the quarter
    this: str  # this quarter
    next: str  # next quarter
    end: str  # the end of the quarter
    previous: str  # the previous quarter
    last_day: str  # the last day of the quarter


def phrases(kind: str) -> Phrases:
    if kind == "weekly":
        return Phrases(
            during=_("during the week"),
            this=_("this week"),
            next=_("next week"),
            end=_("the end of the week"),
            previous=_("the previous week"),
            last_day=_("the last day of the week"),
        )
    if kind == "monthly":
        return Phrases(
            during=_("during the month"),
            this=_("this month"),
            next=_("next month"),
            end=_("the end of the month"),
            previous=_("the previous month"),
            last_day=_("the last day of the month"),
        )
    return Phrases(
        during=_("during the quarter"),
        this=_("this quarter"),
        next=_("next quarter"),
        end=_("the end of the quarter"),
        previous=_("the previous quarter"),
        last_day=_("the last day of the quarter"),
    )


@dataclass
class Entry:
    """One line of a section: a sentence, optionally linking to a request."""

    text: str
    url: str = ""
    link_text: str = ""
    before: str = ""
    #: The staff note that explains the line, with its author and date.
    quote: str = ""

    @property
    def plain(self) -> str:
        line = f"{self.before}{self.link_text}{self.text}"
        if self.quote:
            line = f"{line}\n    {self.quote}"
        return f"{line}\n    {self.url}" if self.url else line


@dataclass
class Chart:
    """A chart drawn on the server: its caption, its SVG markup, and the legend of its series
    (CSS class suffix and label; the charts' colours are in :data:`reports.charts.FILLS`)."""

    title: str
    svg: str
    legend: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    #: 2 for a section, 3 for a part of the one before (a mission in the news).
    level: int = 2
    #: Charts drawn on the server (SVG markup) for the page and the PDF; the e-mail and the
    #: text give the same figures as entries.
    charts: list[Chart] = field(default_factory=list)


@dataclass
class Story:
    title: str
    lead: str
    sections: list[Section]


def trend(now: int, before: int, words: Phrases) -> str:
    if now == before:
        return _("the same as %(previous)s") % {"previous": words.previous} if now else ""
    values = {"before": number(before) if before else _("none"), "previous": words.previous}
    if now > before:
        return _("up from %(before)s %(previous)s") % values
    return _("down from %(before)s %(previous)s") % values


def _with_trend(sentence: str, now: int, before: int, words: Phrases) -> str:
    change = trend(now, before, words)
    return f"{sentence} ({change})" if change else sentence


def _who(row: dict[str, Any]) -> str:
    if row["missions"]:
        return _("led by %(unit)s for %(missions)s") % {
            "unit": row["lead_unit"],
            "missions": _list(row["missions"]),
        }
    return _("led by %(unit)s") % {"unit": row["lead_unit"]}


def headline(data: dict[str, Any]) -> str:
    period, kind = data["period"], data["kind"]
    words = phrases(kind)
    f, p = data["figures"], data["previous_figures"]
    done = _with_trend(
        _count(
            f["completed"],
            ngettext(
                "%(count)s request was completed",
                "%(count)s requests were completed",
                f["completed"],
            ),
        ),
        f["completed"],
        p["completed"],
        words,
    )
    new = _with_trend(
        _count(
            f["new"],
            ngettext(
                "%(count)s new request was recorded",
                "%(count)s new requests were recorded",
                f["new"],
            ),
        ),
        f["new"],
        p["new"],
        words,
    )
    sentences = [
        _("In %(period)s (%(start)s to %(end)s), %(done)s, and %(new)s.")
        % {
            "period": _label(period, kind),
            "start": _date(period["start"]),
            "end": _date(period["end"]),
            "done": done,
            "new": new,
        }
    ]
    if f["slipped"]:
        sentences.append(
            capitalised(
                _count(
                    f["slipped"],
                    ngettext(
                        "%(count)s request fell due %(during)s without being completed.",
                        "%(count)s requests fell due %(during)s without being completed.",
                        f["slipped"],
                    ),
                    during=words.during,
                )
            )
        )
    else:
        sentences.append(
            _("No request fell due %(during)s without being completed.") % {"during": words.during}
        )
    overdue = ngettext(
        "At %(end)s, %(count)s request was overdue out of %(open)s open",
        "At %(end)s, %(count)s requests were overdue out of %(open)s open",
        f["overdue"],
    ) % {"end": words.end, "count": number(f["overdue"]), "open": number(f["open"])}
    sentences.append(_with_trend(overdue, f["overdue"], p["overdue"], words) + ".")
    coming = data["next"]
    sentences.append(
        capitalised(
            ngettext(
                "%(count)s request falls due in %(next)s.",
                "%(count)s requests fall due in %(next)s.",
                f["due_next"],
            )
            % {"count": number(f["due_next"]), "next": _label(coming, kind)}
        )
    )
    return " ".join(sentences)


def _rating(code: str | None, stored: str | None) -> str:
    """A rating in the active language (the label stored with the data for an unknown code)."""
    if code in Rating.values:
        return str(Rating(code).label).lower()
    return (stored or "").lower()


def _benchmark_sentence(row: dict[str, Any]) -> str:
    indicator = shortened(row["indicator"], 90)
    values = {
        "mission": row["mission"],
        "indicator": indicator,
        "rating": _rating(row.get("rating"), row["rating_label"]),
        "before": _rating(row.get("previous_rating"), row["previous_label"]),
        "value": f" ({row['value']})" if row["value"] else "",
    }
    if row["movement"] == "first":
        text = _(
            "%(mission)s: “%(indicator)s” was assessed for the first time, %(rating)s%(value)s."
        )
    elif row["movement"] == "improved":
        text = _("%(mission)s: “%(indicator)s” improved from %(before)s to %(rating)s%(value)s.")
    elif row["movement"] == "worsened":
        text = _("%(mission)s: “%(indicator)s” slipped from %(before)s to %(rating)s%(value)s.")
    else:
        text = _("%(mission)s: “%(indicator)s” remained %(rating)s%(value)s.")
    return text % values


def _mission_paragraph(
    mission: dict[str, Any], by_ref: dict[str, dict[str, Any]], words: Phrases
) -> str:
    """A mission's spotlight. Since summaries cap their lists, the mission carries its counts and
    the titles of the few requests it names; older summaries name all, and only references."""
    counts = mission.get("counts", {})
    titles = mission.get("titles", {})

    def named(key: str) -> tuple[int, str]:
        refs = mission[key]
        listed = _list([f"{titles.get(r) or by_ref[r]['title']} ({r})" for r in refs])
        total = counts.get(key, len(refs))
        if total == len(refs):
            return total, listed
        return total, _("among them %(listed)s") % {"listed": listed}

    parts = []
    if mission["completed"]:
        total, listed = named("completed")
        parts.append(
            capitalised(
                ngettext(
                    "%(count)s request was completed: %(listed)s.",
                    "%(count)s requests were completed: %(listed)s.",
                    total,
                )
                % {"count": number(total), "listed": listed}
            )
        )
    if mission["new"]:
        total, listed = named("new")
        parts.append(
            capitalised(
                ngettext(
                    "One new request concerns the mission: %(listed)s.",
                    "%(count)s new requests concern the mission: %(listed)s.",
                    total,
                )
                % {"count": number(total), "listed": listed}
            )
        )
    if mission["late"]:
        total, listed = named("late")
        parts.append(
            capitalised(
                ngettext(
                    "%(count)s request is overdue: %(listed)s.",
                    "%(count)s requests are overdue: %(listed)s.",
                    total,
                )
                % {"count": number(total), "listed": listed}
            )
        )
    if mission["coming"]:
        total, listed = named("coming")
        if total == len(mission["coming"]):
            parts.append(_("Coming %(next)s: %(listed)s.") % {"next": words.next, "listed": listed})
        else:
            parts.append(
                capitalised(
                    ngettext(
                        "%(count)s request falls due %(next)s, %(listed)s.",
                        "%(count)s requests fall due %(next)s, %(listed)s.",
                        total,
                    )
                    % {"count": number(total), "next": words.next, "listed": listed}
                )
            )
    total = counts.get("benchmarks", len(mission["benchmarks"]))
    if total:
        parts.append(
            capitalised(
                _count(
                    total,
                    ngettext(
                        "%(count)s benchmark was assessed (see below).",
                        "%(count)s benchmarks were assessed (see below).",
                        total,
                    ),
                )
            )
        )
    return " ".join(parts)


def _more(shown: int, total: int, *, url: str = "", where: str = "") -> list[Entry]:
    """The line closing a capped list: how many it leaves out, and where to find them."""
    if total <= shown:
        return []
    more = _("… and %(count)s more") % {"count": number(total - shown)}
    if url and where:
        return [Entry(_(" lists them all."), url, where, before=f"{more}. ")]
    return [Entry(f"{more}.")]


def _benchmark_figures(benchmarks: list[dict[str, Any]]) -> dict[str, int]:
    """How the benchmarks moved, for a summary compiled before its data carried the figures
    (its list then held every assessment)."""
    moves = {k: sum(b["movement"] == k for b in benchmarks) for k in ("improved", "worsened")}
    first = sum(b["movement"] == "first" for b in benchmarks)
    steady = len(benchmarks) - moves["improved"] - moves["worsened"] - first
    return {"assessed": len(benchmarks), **moves, "first": first, "steady": steady}


def _quote(row: dict[str, Any]) -> str:
    """The note staff last wrote on a request by the end of the period, as a quotation with its
    author and date (nothing for a summary compiled before notes were kept, or with none)."""
    if not row.get("note"):
        return ""
    note = shortened(row["note"], 400)
    author = author_label(row.get("note_by") or "")
    if author:
        return _("“%(note)s” (%(author)s, %(date)s)") % {
            "note": note,
            "author": author,
            "date": _date(row["note_on"]),
        }
    return _("“%(note)s” (%(date)s)") % {"note": note, "date": _date(row["note_on"])}


def _mission_heading(mission: dict[str, Any]) -> str:
    country = in_language(mission["host_country"], mission.get("host_country_fr") or "")
    return f"{mission['acronym']} ({country})"


def _request_link(row: dict[str, Any]) -> str:
    return f"{row['title']} ({row['reference']})"


def _completed_section(data: dict[str, Any], words: Phrases) -> Section:
    return Section(
        pgettext("summary section", "Completed"),
        [_("Work completed %(during)s:") % {"during": words.during}],
        [
            Entry(
                _(", %(who)s, completed on %(date)s.")
                % {"who": _who(r), "date": _date(r["completed_on"])},
                r["url"],
                _request_link(r),
                quote=_quote(r),
            )
            for r in data["completed"]
        ]
        + _more(len(data["completed"]), data["figures"]["completed"]),
    )


def _late_section(data: dict[str, Any], words: Phrases, deadlines: str) -> Section:
    figures = data["figures"]
    late = data["slipped"] + data["overdue"]
    slipped, earlier = figures["slipped"], figures["overdue"] - figures["slipped"]
    intro = []
    if slipped:
        intro.append(
            capitalised(
                ngettext(
                    "%(count)s request slipped %(this)s: due %(during)s, it is still open.",
                    "%(count)s requests slipped %(this)s: due %(during)s, they are still open.",
                    slipped,
                )
                % {"count": number(slipped), "this": words.this, "during": words.during}
            )
        )
    if earlier:
        intro.append(
            capitalised(
                _count(
                    earlier,
                    ngettext(
                        "%(count)s request overdue from earlier remains open.",
                        "%(count)s requests overdue from earlier remain open.",
                        earlier,
                    ),
                )
            )
        )

    def line(r: dict[str, Any]) -> str:
        due = _(", %(who)s, was due on %(date)s") % {"who": _who(r), "date": _date(r["due_date"])}
        if r["days_late"]:
            return due + ngettext(
                " and was %(count)s day late at %(end)s.",
                " and was %(count)s days late at %(end)s.",
                r["days_late"],
            ) % {"count": number(r["days_late"]), "end": words.end}
        return due + _(", %(last_day)s.") % {"last_day": words.last_day}

    return Section(
        pgettext("summary section", "Slipped and overdue"),
        [" ".join(intro)],
        [Entry(line(r), r["url"], _request_link(r), quote=_quote(r)) for r in late]
        + _more(len(late), figures["overdue"], url=deadlines, where=_("The deadlines page")),
    )


def _new_section(data: dict[str, Any], words: Phrases) -> Section:
    return Section(
        pgettext("summary section", "New requests"),
        [_("Recorded %(during)s:") % {"during": words.during}],
        [
            Entry(
                _(", %(who)s, due %(date)s.") % {"who": _who(r), "date": _date(r["due_date"])}
                if r["due_date"]
                else _(", %(who)s, with no due date yet.") % {"who": _who(r)},
                r["url"],
                _request_link(r),
            )
            for r in data["new"]
        ]
        + _more(len(data["new"]), data["figures"]["new"]),
    )


def _benchmarks_section(data: dict[str, Any], words: Phrases) -> Section:
    moves = data.get("benchmark_figures") or _benchmark_figures(data["benchmarks"])
    first = moves["first"]
    summary = _count(
        moves["assessed"],
        ngettext(
            "%(count)s benchmark assessment closed a reporting period %(this)s",
            "%(count)s benchmark assessments closed a reporting period %(this)s",
            moves["assessed"],
        ),
        this=words.this,
    )
    summary = capitalised(summary) + _(
        ": %(improved)s improved, %(worsened)s slipped and %(steady)s held steady"
    ) % {
        "improved": _none(moves["improved"]),
        "worsened": _none(moves["worsened"]),
        "steady": _none(moves["steady"]),
    }
    if first:
        summary += _count(
            first,
            ngettext(
                "; %(count)s benchmark was assessed for the first time",
                "; %(count)s benchmarks were assessed for the first time",
                first,
            ),
        )
    return Section(
        pgettext("summary section", "Benchmarks"),
        [summary + "."],
        [Entry(_benchmark_sentence(b)) for b in data["benchmarks"]]
        + _more(len(data["benchmarks"]), moves["assessed"]),
    )


def _across_section(data: dict[str, Any], words: Phrases) -> Section | None:
    """The requests of the period that concern several missions or none, told once here
    rather than in each mission's news (a summary compiled before had none)."""
    across = data.get("across")
    if not across or not any(across["counts"].values()):
        return None
    labels = {
        "completed": _("Completed %(during)s"),
        "new": _("Recorded %(during)s"),
        "late": _("Overdue at %(end)s"),
        "coming": _("Due %(next)s"),
    }
    entries = []
    for key, label in labels.items():
        rows = across.get(key, [])
        for r in rows:
            entries.append(
                Entry(
                    _(", %(who)s.") % {"who": _who(r)},
                    r["url"],
                    _request_link(r),
                    before=label % {"during": words.during, "end": words.end, "next": words.next}
                    + _(": "),
                )
            )
        entries += _more(len(rows), across["counts"].get(key, 0))
    return Section(
        pgettext("summary section", "Across missions"),
        [
            _(
                "Requests that concern several missions, or none in particular, told once "
                "instead of in each mission's news."
            )
        ],
        entries,
        level=3,
    )


def _activity_dates(row: dict[str, Any]) -> str:
    if row.get("end") and row["end"] != row["start"]:
        return _("%(start)s to %(end)s") % {"start": _date(row["start"]), "end": _date(row["end"])}
    return _date(row["start"])


def _activity_kind(code: str) -> str:
    return str(ActivityKind(code).label) if code in ActivityKind.values else code


def _activity_entry(row: dict[str, Any]) -> Entry:
    details = [_activity_kind(row["kind"])]
    if row["missions"]:
        details.append(_list(row["missions"]))
    if row.get("partners"):
        details.append(_("with %(partners)s") % {"partners": row["partners"]})
    text = f" ({', '.join(details)})."
    if row.get("story"):
        text += " " + shortened(row["story"], 500)
    return Entry(
        text, link_text=row["title"], before=_("%(date)s: ") % {"date": _activity_dates(row)}
    )


def _activities_section(data: dict[str, Any], words: Phrases) -> Section | None:
    activities = data.get("activities")
    if not activities or not activities["count"]:
        return None
    return Section(
        pgettext("summary section", "Activities"),
        [
            capitalised(
                _count(
                    activities["count"],
                    ngettext(
                        "%(count)s activity took place %(during)s:",
                        "%(count)s activities took place %(during)s:",
                        activities["count"],
                    ),
                    during=words.during,
                )
            )
        ],
        [_activity_entry(row) for row in activities["items"]]
        + _more(len(activities["items"]), activities["count"]),
    )


def _series(values: list[int], labels: list[str]) -> str:
    return "; ".join(
        _("%(label)s: %(value)s") % {"label": label, "value": number_format(value)}
        for label, value in zip(labels, values, strict=True)
    )


def _trends_section(data: dict[str, Any], kind: str) -> Section | None:
    """The figures over time, as the newsletter quotes them ("since 2008 the number of
    resolutions referencing SSR has risen from 14 to 37"), each with its chart."""
    trends = data.get("trends")
    if not trends:
        return None
    years = [str(year) for year in trends["years"]]
    periods = [_short_label(p, kind) for p in trends["periods"]]
    resolutions_title = _("Resolutions referencing SSR, per year")
    missions_title = _("Missions with an SSR mandate, at the end of each period")
    requests_title = _("Requests recorded and completed, per period")
    recorded, completed = _("Recorded"), _("Completed")
    entries = [
        Entry(
            _("%(title)s: %(values)s.")
            % {"title": resolutions_title, "values": _series(trends["resolutions"], years)}
        ),
        Entry(
            _("%(title)s: %(values)s.")
            % {"title": missions_title, "values": _series(trends["missions"], periods)}
        ),
        Entry(
            _("%(title)s: %(values)s.")
            % {
                "title": requests_title,
                "values": "; ".join(
                    _("%(label)s: %(value)s")
                    % {"label": label, "value": f"{number_format(a)} / {number_format(b)}"}
                    for label, a, b in zip(periods, trends["opened"], trends["closed"], strict=True)
                ),
            }
        ),
    ]
    drawn = [
        Chart(
            resolutions_title,
            charts.columns(
                years,
                [charts.Series("accent", resolutions_title, trends["resolutions"])],
                title=resolutions_title,
            ),
        ),
        Chart(
            missions_title,
            charts.columns(
                periods,
                [charts.Series("accent", missions_title, trends["missions"])],
                title=missions_title,
            ),
        ),
        Chart(
            requests_title,
            charts.columns(
                periods,
                [
                    charts.Series("in_progress", recorded, trends["opened"]),
                    charts.Series("completed", completed, trends["closed"]),
                ],
                title=requests_title,
            ),
            legend=[("in_progress", recorded), ("completed", completed)],
        ),
    ]
    first, last = trends["resolutions"][0], trends["resolutions"][-1]
    lead = _(
        "From the registry: resolutions referencing SSR adopted in %(year)s: %(last)s "
        "(%(first_year)s: %(first)s). Missions with an SSR mandate at the end of the period: "
        "%(missions)s."
    ) % {
        "last": number_format(last),
        "year": years[-1],
        "first": number_format(first),
        "first_year": years[0],
        "missions": number_format(trends["missions"][-1]),
    }
    return Section(pgettext("summary section", "Trends"), [lead], entries, charts=drawn)


def _short_label(period: dict[str, Any], kind: str) -> str:
    """``2021 Q3``, ``Sep 2021``, ``20 Sep``: a period under a chart's column."""
    start = datetime.date.fromisoformat(period["start"])
    if kind == "quarterly":
        return _("Q%(quarter)s %(year)s") % {
            "quarter": (start.month - 1) // 3 + 1,
            "year": start.year,
        }
    if kind == "monthly":
        return date_format(start, "M Y")
    return date_format(start, "j M")


def _coming_section(data: dict[str, Any], kind: str, deadlines: str) -> Section:
    coming = data["coming_soon"]
    reports = data.get("reports_due", [])
    planned = (data.get("activities_next") or {}).get("items", [])
    next_label = _label(data["next"], kind)
    entries = [
        Entry(
            _(", %(who)s.") % {"who": _who(r)},
            r["url"],
            _request_link(r),
            before=_("%(date)s: ") % {"date": _date(r["due_date"])},
        )
        for r in coming
    ] + _more(
        len(coming), data["figures"]["due_next"], url=deadlines, where=_("The deadlines page")
    )
    entries += [
        Entry(
            _("%(date)s: the Secretary-General's regular report on %(mission)s is due.")
            % {"date": _date(row["date"]), "mission": row["mission"]}
        )
        for row in reports
    ]
    entries += [_activity_entry(row) for row in planned]
    if coming or reports or planned:
        intro = _("Due in %(next)s:") % {"next": next_label}
    else:
        intro = _("Nothing falls due in %(next)s.") % {"next": next_label}
    return Section(pgettext("summary section", "Coming soon"), [intro], entries)


def narrative(data: dict[str, Any]) -> Story:
    """The summary's story, from its data alone (so a stored summary can be re-rendered), in
    the active language.

    The order is the newsletter's: highlights (what was completed and what slipped, each with
    the note that explains it), new requests, news by mission (only missions with news, a
    cross-cutting request told once, across missions), activities, benchmarks, trends, and
    what is coming.
    """
    period, kind = data["period"], data["kind"]
    words = phrases(kind)
    titles = {
        "weekly": _("Weekly summary: %(period)s"),
        "monthly": _("Monthly summary: %(period)s"),
        "quarterly": _("Quarterly summary: %(period)s"),
    }
    title = titles[kind] % {"period": capitalised(_label(period, kind))}
    sections: list[Section] = []
    deadlines = data.get("links", {}).get("deadlines", "")

    highlights = []
    if data["completed"]:
        highlights.append(_completed_section(data, words))
    if data["slipped"] + data["overdue"]:
        highlights.append(_late_section(data, words, deadlines))
    if highlights:
        sections.append(
            Section(
                pgettext("summary section", "Highlights"),
                [_("What was completed and what slipped, with the note staff last wrote on each.")],
            )
        )
        for part in highlights:
            part.level = 3
        sections.extend(highlights)
    if data["new"]:
        sections.append(_new_section(data, words))
    by_ref = {
        r["reference"]: r
        for key in ("completed", "new", "slipped", "overdue", "coming_soon")
        for r in data[key]
    }
    news = [
        Section(_mission_heading(m), [_mission_paragraph(m, by_ref, words)], level=3)
        for m in data["missions"]
    ]
    others = data.get("other_missions", [])
    if others:
        news.append(
            Section(
                pgettext("summary section", "Other missions"),
                [
                    _("Also concerned %(this)s, with less activity: %(missions)s.")
                    % {"this": words.this, "missions": _list(others)}
                ],
                level=3,
            )
        )
    across = _across_section(data, words)
    if across is not None:
        news.append(across)
    if news:
        sections.append(
            Section(
                pgettext("summary section", "News by mission"),
                [_("Where the missions stood %(this)s.") % {"this": words.this}],
            )
        )
        sections.extend(news)
    activities = _activities_section(data, words)
    if activities is not None:
        sections.append(activities)
    if data["benchmarks"]:
        sections.append(_benchmarks_section(data, words))
    trends = _trends_section(data, kind)
    if trends is not None:
        sections.append(trends)
    sections.append(_coming_section(data, kind, deadlines))
    return Story(title=title, lead=headline(data), sections=sections)
