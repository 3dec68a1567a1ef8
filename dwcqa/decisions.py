"""The decisions of a QC review meeting: what the reviewers decided about each check's findings.

A decision is about one check (its id) of one dataset: ``accepted`` (the data are right as they
are), ``will fix`` or ``won't fix``, with a comment, who decided (``by``) and the date of the
meeting. Decisions are kept in the history database (``dwcqa.history.HistoryStore``) with the
dataset, under the name the user gives it (default: the archive's EML title, see
``default_name``), the same name ``dwcqa history add`` records published versions under.

Nothing is overwritten: deciding again about a check adds a decision. The current one is the
latest, by meeting date and then by the order they were recorded (so a decision back-filled for
an older meeting does not replace a newer one); the others are its history.

``for_report`` turns the current decisions into the mapping ``dwcqa.report.build_report`` and
``dwcqa report --decisions FILE.json`` take: ``{CHECK_ID: {"decision", "comment", "by", "date"}}``.

This module is pure (no database, no streamlit); the storage is ``HistoryStore.add_decision``,
``HistoryStore.decisions`` and ``HistoryStore.current_decisions``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass
from typing import Any, Iterable, Mapping

CHOICES = ("accepted", "will fix", "won't fix")
_CHECK_ID = re.compile(r"[A-Z][A-Z0-9_]*")
_SPELLINGS = {"wont fix": "won't fix", "will not fix": "won't fix", "accept": "accepted"}


class DecisionError(ValueError):
    """A decision that cannot be stored (unknown choice, no check id, no name, bad date)."""


@dataclass(frozen=True)
class Decision:
    dataset: str  # the dataset's name in the history database
    check: str  # the check id (UPPER_SNAKE)
    decision: str  # one of CHOICES
    by: str  # who decided
    date: str  # the meeting's date, YYYY-MM-DD
    recorded: str  # when it was stored (UTC, ISO 8601)
    comment: str | None = None
    source: str | None = None  # the archive the reviewers looked at (path or upload name)

    def for_report(self) -> dict[str, Any]:
        """This decision as ``build_report`` and ``--decisions FILE.json`` take it."""
        return {"decision": self.decision, "comment": self.comment, "by": self.by, "date": self.date}

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def normalise_choice(text: Any) -> str:
    """``"Won't fix"``, ``"wont_fix"``, ``"won’t fix"`` -> ``"won't fix"``; anything else not in
    CHOICES is a DecisionError."""
    words = " ".join(str(text or "").strip().lower().replace("\u2019", "'").replace("_", " ").replace("-", " ").split())
    words = _SPELLINGS.get(words, words)
    if words not in CHOICES:
        raise DecisionError(f"not a decision: {text!r} (choose {', '.join(CHOICES)})")
    return words


def normalise_check(check: Any) -> str:
    identifier = str(check or "").strip().upper()
    if not _CHECK_ID.fullmatch(identifier):
        raise DecisionError(f"not a check id: {check!r} (check ids are UPPER_SNAKE, e.g. ZERO_COORDINATE)")
    return identifier


def normalise_date(date: Any = None) -> str:
    """The meeting's date as YYYY-MM-DD (default: today)."""
    if date is None or date == "":
        return dt.date.today().isoformat()
    if isinstance(date, dt.datetime):
        return date.date().isoformat()
    if isinstance(date, dt.date):
        return date.isoformat()
    try:
        return dt.date.fromisoformat(str(date).strip()).isoformat()
    except ValueError:
        raise DecisionError(f"not a date: {date!r} (use YYYY-MM-DD)") from None


def normalise_text(text: Any) -> str | None:
    """A comment or a name: surrounding blanks dropped, empty -> None."""
    text = "" if text is None else str(text).strip()
    return text or None


def new_decision(dataset: str, check: Any, decision: Any, by: Any, comment: Any = None, date: Any = None, source: Any = None) -> Decision:
    """A validated Decision, stamped with the time it is recorded (what ``add_decision`` stores)."""
    name = normalise_text(dataset)
    if not name:
        raise DecisionError("give the dataset a name: decisions are stored with it")
    author = normalise_text(by)
    if not author:
        raise DecisionError("say who decided (a name or initials)")
    return Decision(
        dataset=name,
        check=normalise_check(check),
        decision=normalise_choice(decision),
        by=author,
        date=normalise_date(date),
        recorded=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        comment=normalise_text(comment),
        source=normalise_text(source),
    )


def current(decisions: Iterable[Decision]) -> dict[str, Decision]:
    """The current decision per check: ``decisions`` come oldest first (as the store lists them),
    so the last one seen for a check wins."""
    latest: dict[str, Decision] = {}
    for decision in decisions:
        latest[decision.check] = decision
    return dict(sorted(latest.items()))


def for_report(decisions: Mapping[str, Decision] | Iterable[Decision]) -> dict[str, dict[str, Any]]:
    """``{CHECK_ID: {"decision", "comment", "by", "date"}}`` of the current decisions."""
    chosen = decisions if isinstance(decisions, Mapping) else current(decisions)
    return {check: decision.for_report() for check, decision in chosen.items()}


def merge(*layers: Mapping[str, Mapping[str, Any]] | None) -> dict[str, dict[str, Any]]:
    """Decisions for a report from several sources; a later layer wins per check (the report
    command: the stored decisions, then a ``--decisions`` file)."""
    merged: dict[str, dict[str, Any]] = {}
    for layer in layers:
        for check, value in (layer or {}).items():
            merged[str(check).strip().upper()] = {"decision": value} if isinstance(value, str) else dict(value)
    return merged


def default_name(archive) -> str | None:
    """The dataset's default name for decisions: the archive's EML title (None without one)."""
    return normalise_text(getattr(archive, "eml_title", None))


def earlier(decisions: Iterable[Decision], check: str) -> list[Decision]:
    """The decisions about ``check`` that the current one replaced, newest first."""
    about = [d for d in decisions if d.check == check]
    return about[-2::-1]
