"""The French catalogue read without gettext tools: entries of a ``.po`` file, the English text
of its msgids, and the English a rendered French page still shows."""

from __future__ import annotations

import ast
import gettext
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[1] / "locale" / "fr" / "LC_MESSAGES"
PO_FILE = LOCALE / "django.po"
MO_FILE = LOCALE / "django.mo"

#: A placeholder of a msgid: %(name)s, %s, %d, {name}.
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str = ""
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def untranslated(self) -> bool:
        return not self.msgstr or any(not text for text in self.msgstr.values())

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    def describe(self) -> str:
        context = f"[{self.msgctxt}] " if self.msgctxt else ""
        return f"{context}{self.msgid!r}"


def read_po(text: str) -> list[Entry]:
    """The entries of a .po file (the header left out; obsolete ``#~`` entries too)."""
    entries: list[Entry] = []
    entry = Entry()
    target: tuple[str, int] | None = None

    def close() -> None:
        nonlocal entry
        if entry.msgid or entry.msgstr:
            entries.append(entry)
        entry = Entry()

    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#~"):
            if not line:
                close()
                target = None
            continue
        if line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            value, keyword = ast.literal_eval(line), ""
        else:
            value = ast.literal_eval(rest)
        if keyword == "msgctxt":
            entry.msgctxt, target = value, ("msgctxt", 0)
        elif keyword == "msgid":
            entry.msgid, target = value, ("msgid", 0)
        elif keyword == "msgid_plural":
            entry.msgid_plural, target = value, ("msgid_plural", 0)
        elif keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
            entry.msgstr[index], target = value, ("msgstr", index)
        elif keyword == "" and target is not None:
            name, index = target
            if name == "msgstr":
                entry.msgstr[index] += value
            else:
                setattr(entry, name, (getattr(entry, name) or "") + value)
    close()
    return [e for e in entries if e.msgid]


def catalogue() -> list[Entry]:
    return read_po(PO_FILE.read_text(encoding="utf-8"))


def problems(entries: list[Entry]) -> list[str]:
    """Entries left untranslated or fuzzy."""
    return [
        f"{'fuzzy' if e.fuzzy else 'untranslated'}: {e.describe()}"
        for e in entries
        if e.untranslated or e.fuzzy
    ]


def stale_in_mo(entries: list[Entry], mo_path: Path = MO_FILE) -> list[str]:
    """Entries whose compiled translation differs from the .po (or is missing from the .mo)."""
    with mo_path.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    stale = []
    for e in entries:
        key = f"{e.msgctxt}\x04{e.msgid}" if e.msgctxt is not None else e.msgid
        if e.msgid_plural:
            found = {i: compiled.get((key, i)) for i in e.msgstr}
        else:
            found = {0: compiled.get(key)}
        if found != e.msgstr:
            stale.append(e.describe())
    po_keys = {(f"{e.msgctxt}\x04{e.msgid}" if e.msgctxt is not None else e.msgid) for e in entries}
    for key in compiled:
        msgid = key[0] if isinstance(key, tuple) else key
        if msgid and msgid not in po_keys:
            stale.append(f"only in the .mo: {msgid!r}")
    return sorted(set(stale))


def visible_text(page: str) -> str:
    """What a reader sees (and a screen reader hears): text, titles and labels; no markup."""
    page = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", page)
    labels = " ".join(re.findall(r'(?:title|aria-label|alt|placeholder)="([^"]*)"', page))
    text = re.sub(r"(?s)<[^>]+>", " ", page) + " " + labels
    return " ".join(html.unescape(text).split())


def english_phrases(entries: list[Entry], *, min_words: int = 4) -> dict[str, str]:
    """Literal runs of the English msgids (between placeholders) of at least ``min_words``
    words, whose French differs: English phrase -> the msgid it comes from."""
    phrases: dict[str, str] = {}
    for e in entries:
        translations = set(e.msgstr.values())
        for source in filter(None, (e.msgid, e.msgid_plural)):
            if source in translations:
                continue
            plain = re.sub(r"<[^>]+>", " ", source)
            for run in _PLACEHOLDER.split(plain):
                run = " ".join(run.split()).strip(" .,:;()")
                if len(run.split()) >= min_words:
                    phrases[run] = e.describe()
    return phrases


def english_left(page: str, phrases: dict[str, str], *, data: Iterable[str] = ()) -> list[str]:
    """The catalogue's English phrases a rendered page still shows, besides ``data`` (text
    people or jobs stored, such as request titles, shown as written)."""
    text = visible_text(page)
    for stored in sorted(data, key=len, reverse=True):
        text = text.replace(" ".join(stored.split()), " ")
    return sorted(
        f"{phrase!r} (from {msgid})" for phrase, msgid in phrases.items() if phrase in text
    )
