"""The QC-meeting report: one self-contained HTML file about one archive.

``build_report(results, previous=None, decisions=None)`` returns the HTML of the report of a
run of the checks (``dwcqa.checks.run``). It holds, in this order:

1. the dataset card (what the archive holds, its metadata, records per year and per taxon);
2. the verdicts: would GBIF index it (and why not), is it ready for iDigBio (licence, GUID
   source, ...), how many records are ready for publication;
3. completeness per term, against GBIF's required and recommended terms;
4. the issues, most severe and most frequent first, each with what it means, how to fix it, a
   few example records (id and offending values) and the meeting's decision about it;
5. a map of the records the space checks flag (country outlines from ``dwcqa.geo``, no tiles);
6. identifier stability against the version published before (``previous``), when given;
7. names against a checklist (``checklist``), when given; the amendments dwcqa can propose
   (previewed, nothing applied), when ``dwcqa.amend`` exists;
8. the check catalogue version (dwcqa version, number of checks) and the date.

The file opens offline: plotly.js is inlined once (with the first chart), nothing is fetched
(no CDN, no web font, no map tiles; plotly's geo traces are avoided because they download
their base map). It prints on a light background, each part on a new page, with tables whose
rows are never cut and charts redrawn at the page's width.

Every value that comes from the data or the metadata is escaped: markup is built only with
``tag``/``Html`` below, and anything that is not ``Html`` is escaped on the way in. The
figures' JSON is escaped by plotly (``<``, ``>`` and ``/`` as \\u escapes).
"""

from __future__ import annotations

import datetime as dt
import html
import re
import shlex
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

import numpy as np

from dwcqa import __version__
from dwcqa.checks.registry import Check, all_checks
from dwcqa.checks.runner import CHECK_FAILED, Results
from dwcqa.summary import affected_records, findings, indexable, ready_mask
from dwcqa.terms import DWC, short_name

if TYPE_CHECKING:
    import plotly.graph_objects as go

EXAMPLES = 5  # example records per check
VALUE_LIMIT = 160  # characters of a value shown in an example
MAP_POINTS = 5000  # most points drawn on the map
PRINT_WIDTH_PX = 680  # an A4 or Letter page with 15 mm margins, in CSS pixels
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}
DECISIONS = {"accepted": "accepted", "will fix": "will-fix", "won't fix": "wont-fix"}


# -- safe markup -------------------------------------------------------------------------


class Html(str):
    """Markup built here, safe to insert as it is; any other value is escaped."""

    __slots__ = ()


def esc(value: Any) -> Html:
    """``value`` as safe markup: Html passes, None is empty, anything else is escaped text."""
    if isinstance(value, Html):
        return value
    if value is None:
        return Html("")
    return Html(html.escape(str(value), quote=True))


def join(parts: Iterable[Any], separator: Any = "") -> Html:
    return Html(esc(separator).join(esc(p) for p in parts))


def tag(name: str, *content: Any, **attributes: Any) -> Html:
    """``<name attributes>content</name>``; attribute names ending in ``_`` lose it (``class_``),
    ``_`` inside becomes ``-`` (``data_check``); None or False attributes are left out."""
    attrs = []
    for key, value in attributes.items():
        if value is None or value is False:
            continue
        key = key.rstrip("_").replace("_", "-")
        attrs.append(f" {key}" if value is True else f' {key}="{esc(value)}"')
    inner = join(_flatten(content))
    return Html(f"<{name}{''.join(attrs)}>{inner}</{name}>")


def _flatten(content) -> Iterable[Any]:
    for item in content:
        if isinstance(item, (list, tuple)):
            yield from _flatten(item)
        elif isinstance(item, Html) or not hasattr(item, "__iter__") or isinstance(item, str):
            yield item
        else:
            yield from _flatten(list(item))


# -- numbers and words -------------------------------------------------------------------


def _int(number: int) -> str:
    return f"{int(number):,}"


def _share(part: float, whole: float) -> str:
    if not whole:
        return "-"
    share = part / whole
    if 0 < share < 0.001:
        return "<0.1%"
    if 0.999 < share < 1:
        return ">99.9%"
    return f"{share:.1%}"


def _plural(number: int, word: str, plural: str | None = None) -> str:
    return f"{_int(number)} {word if number == 1 else (plural or word + 's')}"


def _clip(value: Any, limit: int = VALUE_LIMIT) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


_SENTENCE = re.compile(r'(?<=[.!?])\s+(?=[A-Z"(<])')
_IMPERATIVES = frozenset(
    """add ask avoid change check choose compare confirm convert correct declare decide delete describe document
    drop edit encode enter export fill fix generate georeference give have include keep leave link list look make map
    mark merge mint move name omit package prefix provide publish put quote re-export record remove rename repeat
    replace restore review rewrite run save select send separate set split state store supply swap trim turn use
    verify write zip""".split()
)


def split_explanation(text: str) -> tuple[str, str]:
    """(what it means, how to fix it) from a check's one explanation text.

    The registry keeps one text per check ("what is wrong, why it matters, how to fix it");
    the sentences after the first that start with an instruction ("Fill in ...", "Replace ...",
    "In the IPT choose ...") are the fix. Without such a sentence, the fix is empty.
    """
    sentences = _SENTENCE.split(" ".join(text.split()))
    about, fix = [sentences[0]], []
    for sentence in sentences[1:]:
        first = sentence.split()[0].strip('"(').lower() if sentence.split() else ""
        instruction = first in _IMPERATIVES or sentence.startswith(("In the IPT", "In eml.xml", "Either "))
        (fix if instruction else about).append(sentence)
    return " ".join(about), " ".join(fix)


# -- figures -----------------------------------------------------------------------------


class _Figures:
    """Renders figures as <div>s; plotly.js is inlined with the first one only."""

    def __init__(self):
        self.included = False

    def render(self, figure: "go.Figure | None", name: str, caption: Any = None) -> Html:
        if figure is None:
            return Html("")
        figure.update_layout(paper_bgcolor="white", plot_bgcolor="white")
        div = figure.to_html(
            full_html=False,
            include_plotlyjs=not self.included,
            div_id=f"chart-{name}",
            config=PLOTLY_CONFIG,
            default_height=f"{figure.layout.height or 450}px",
        )
        self.included = True
        return tag("figure", Html(div), tag("figcaption", caption) if caption else "", class_="chart")


# -- the parts of the report -------------------------------------------------------------


def _checks_by_id(results: Results) -> dict[str, Check]:
    return {c.id: c for c in results.checks}


def _count(results: Results, ids: Iterable[str]) -> tuple[int, bool]:
    """Summed count of the checks that ran among ``ids``, and whether any of them ran."""
    known = _checks_by_id(results)
    ran = [i for i in ids if i in known]
    return sum(results.count(i) for i in ran), bool(ran)


def _definition_list(rows: Iterable[tuple[str, Any]]) -> Html:
    return tag("dl", [[tag("dt", k), tag("dd", v)] for k, v in rows if v not in (None, "", [])], class_="card")


def dataset_section(results: Results, figures: _Figures) -> Html:
    from dwcqa import charts
    from dwcqa.checks.metadata import metadata_summary

    archive = results.archive
    meta = metadata_summary(archive)
    core = archive.core
    licence = meta["licence_label"] or meta["licence"]
    if licence:
        licence = f"{licence} ({'accepted by GBIF' if meta['licence_accepted'] else 'not accepted by GBIF'})"
    elif archive.kind == "table":
        licence = "none: a plain table has no metadata (enter it in the IPT)"
    else:
        licence = "none found"
    tables = [
        tag("li", f"core: {short_name(core.row_type)}, {_plural(core.records, 'record')}", tag("span", f" ({', '.join(core.files)})", class_="muted") if core.files else "")
    ]
    for table in archive.extensions:
        tables.append(tag("li", f"extension: {short_name(table.row_type)}, {_plural(table.records, 'row')}", tag("span", f" ({', '.join(table.files)})", class_="muted") if table.files else ""))
    card = _definition_list(
        [
            ("Title", meta["title"] or "(no title in the metadata)"),
            ("Source", archive.source),
            ("Kind", "Darwin Core Archive" if archive.kind == "dwca" else "a single table"),
            ("Tables", tag("ul", tables, class_="plain")),
            ("Licence", licence),
            ("Creators", join(meta["creators"], Html("<br>")) or None),
            ("Contacts", join(meta["contacts"], Html("<br>")) or None),
            ("Published", meta["pubDate"]),
            ("Language", meta["language"]),
            ("Description", _description_length(meta)),
            ("Metadata file", meta["file"] if meta["readable"] else (f"{meta['file']} (not readable)" if meta["file"] else "(none)")),
        ]
    )
    year = figures.render(charts.records_per_year(results), "records-per-year")
    taxa = figures.render(charts.taxonomic_breakdown(results), "taxa")
    return _section("dataset", "Dataset", card, tag("div", year, taxa, class_="pair"))


def _description_length(meta: dict) -> str | None:
    if not meta["readable"]:
        return None
    if meta["abstract_length"] is None:
        return "(none)"
    return _plural(meta["abstract_length"], "character")


def _verdict(ok: bool | None, yes: str, no: str, unknown: str = "unknown") -> Html:
    if ok is None:
        return tag("span", unknown, class_="verdict unknown")
    return tag("span", yes if ok else no, class_="verdict " + ("pass" if ok else "fail"))


def idigbio_criteria(results: Results) -> list[dict]:
    """iDigBio's requirements for a recordset, each with ``ok`` (True, False, None = cannot tell),
    the checks it rests on and a detail in plain words."""
    from dwcqa.checks.metadata import metadata_summary

    meta = metadata_summary(results.archive)
    criteria = []

    def add(label, level, ok, detail, checks=()):
        criteria.append({"label": label, "level": level, "ok": ok, "detail": detail, "checks": list(checks)})

    add(
        "Metadata document (EML) present and readable",
        "required",
        bool(meta["readable"]),
        "eml.xml read" if meta["readable"] else "no readable metadata: iDigBio takes title, contacts and licence from it",
        ("EML_NOT_FOUND", "EML_NOT_WELL_FORMED", "EML_TO_BE_CREATED"),
    )
    label = meta["licence_label"] or meta["licence"]
    add(
        "A clear usage licence",
        "required",
        bool(meta["licence_accepted"]),
        f"{label}" + ("" if meta["licence_accepted"] else " is not one of CC0 1.0, CC BY 4.0, CC BY-NC 4.0") if label else "no licence found in the metadata",
        ("LICENSE_MISSING_OR_UNKNOWN", "LICENSE_NOT_MACHINE_READABLE"),
    )
    source_missing, source_ran = _count(results, ["IDIGBIO_GUID_SOURCE_MISSING"])
    add(
        "GUID source: an occurrenceID column",
        "required",
        (source_missing == 0) if source_ran else None,
        "occurrenceID is mapped" if source_ran and not source_missing else "no occurrenceID column: iDigBio has no GUID for the records",
        ("IDIGBIO_GUID_SOURCE_MISSING",),
    )
    has_source = source_ran and source_missing == 0
    missing, ran = _count(results, ["OCCURRENCE_ID_MISSING", "RECORD_IDENTIFIER_NOT_FOUND"])
    add(
        "Every record has a GUID",
        "required",
        (missing == 0) if ran and has_source else None,
        (f"{_plural(missing, 'record')} without one" if missing else "yes") if has_source else "needs an occurrenceID column first",
        ("OCCURRENCE_ID_MISSING", "RECORD_IDENTIFIER_NOT_FOUND"),
    )
    if has_source and results.records and missing >= results.records:
        has_source = False  # the column is there but empty: nothing to judge below
    shared, ran = _count(results, ["OCCURRENCE_NOT_UNIQUELY_IDENTIFIED", "OCCURRENCE_ID_DIFFERS_ONLY_IN_CASE", "EXTENSION_OCCURRENCE_NOT_UNIQUELY_IDENTIFIED"])
    add(
        "GUIDs are unique",
        "required",
        (shared == 0) if ran and has_source else None,
        (f"{_plural(shared, 'record')} share a GUID with another" if shared else "yes") if has_source else "no GUIDs to compare yet",
        ("OCCURRENCE_NOT_UNIQUELY_IDENTIFIED", "OCCURRENCE_ID_DIFFERS_ONLY_IN_CASE", "EXTENSION_OCCURRENCE_NOT_UNIQUELY_IDENTIFIED"),
    )
    local, ran = _count(results, ["OCCURRENCE_ID_NOT_GUID"])
    add(
        "GUIDs in a globally unique form (UUID or URI)",
        "recommended",
        (local == 0) if ran and has_source else None,
        (f"{_plural(local, 'record')} with a local identifier" if local else "yes") if has_source else "no GUIDs yet",
        ("OCCURRENCE_ID_NOT_GUID",),
    )
    no_email, ran = _count(results, ["CONTACT_EMAIL_MISSING", "RESOURCE_CONTACTS_MISSING_OR_INCOMPLETE"])
    add(
        "A contact with an e-mail address",
        "recommended",
        (no_email == 0) if ran and meta["readable"] else None,
        ("yes" if not no_email else "the contacts are missing or have no e-mail address") if meta["readable"] else "no readable metadata",
        ("CONTACT_EMAIL_MISSING", "RESOURCE_CONTACTS_MISSING_OR_INCOMPLETE"),
    )
    return criteria


def idigbio_ready(criteria: list[dict]) -> bool | None:
    """iDigBio's verdict from :func:`idigbio_criteria`: False when a required one fails, None
    when one cannot be told, else True."""
    required_ok = [c["ok"] for c in criteria if c["level"] == "required"]
    return False if False in required_ok else (None if None in required_ok else True)


def idigbio_reasons(criteria: list[dict]) -> list[dict]:
    """The required criteria behind iDigBio's verdict: those that fail when it is "no", those
    that cannot be told when it is "cannot tell", none when it is "yes"."""
    ready = idigbio_ready(criteria)
    if ready is True:
        return []
    behind = False if ready is False else None
    return [c for c in criteria if c["level"] == "required" and c["ok"] is behind]


def verdicts_section(results: Results, figures: _Figures) -> Html:
    from dwcqa import charts

    by_id = _checks_by_id(results)
    verdict, reasons = indexable(results)
    reason_items = []
    for reason in reasons:
        check_id = reason.split(":", 1)[1] if reason.startswith(CHECK_FAILED + ":") else reason
        check = by_id.get(check_id)
        title = check.title if check else ""
        if reason.startswith(CHECK_FAILED + ":"):
            title = f"the check {check_id} could not run, so GBIF's verdict is unknown"
        count = results.count(check_id)
        reason_items.append(
            tag("li", tag("a", tag("code", check_id), href=f"#check-{check_id}"), " ", title, tag("span", f" ({_int(count)})", class_="muted") if count else "")
        )
    gbif = tag(
        "div",
        tag("h3", "Would GBIF index it?"),
        tag("p", _verdict(verdict, "Yes", "No")),
        tag("p", "Nothing found would stop GBIF from indexing the dataset.") if verdict else tag("p", "GBIF's validator would refuse the dataset because of:"),
        tag("ul", reason_items) if reason_items else "",
        class_="box",
    )

    criteria = idigbio_criteria(results)
    ready = idigbio_ready(criteria)
    rows = [
        tag(
            "tr",
            tag("td", _verdict(c["ok"], "yes", "no", "-")),
            tag("td", c["label"], tag("span", f" ({c['level']})", class_="muted")),
            tag("td", c["detail"]),
        )
        for c in criteria
    ]
    guidance = ""
    if not all(c["ok"] for c in criteria if c["label"].startswith(("GUID", "Every record", "GUIDs are"))):
        try:
            from dwcqa.guid import guid_guidance

            advice = guid_guidance(results.archive)["recommendation"]["text"].replace(", see below", "")
            guidance = tag("p", tag("strong", "GUID advice. "), advice)
        except Exception:  # advice is a bonus; the verdict stands without it
            guidance = ""
    idigbio = tag(
        "div",
        tag("h3", "Ready for iDigBio?"),
        tag("p", _verdict(ready, "Yes", "Not yet", "Cannot tell")),
        tag("table", tag("tbody", rows), class_="criteria"),
        guidance,
        class_="box",
    )

    records = results.records
    ready_count = int(ready_mask(results).sum())
    counts = charts.readiness_counts(results)
    readiness = tag(
        "div",
        tag("h3", "Records ready for publication"),
        tag("p", tag("span", f"{_int(ready_count)} of {_int(records)}", class_="big"), f" records ({_share(ready_count, records)}) have no error-severity finding."),
        tag(
            "p",
            f"{_int(counts['warnings only'])} of them have warnings only; {_int(counts['blocked by errors'])} ({_share(counts['blocked by errors'], records)}) are held back by at least one error.",
            class_="muted",
        ),
        figures.render(_donut(results), "readiness") if records else "",
        class_="box",
    )
    return _section("verdicts", "Verdicts", tag("div", gbif, idigbio, class_="pair"), readiness)


def _donut(results: Results) -> "go.Figure":
    """The readiness donut, without labels on empty slices (they would pile up on the title)."""
    from dwcqa import charts

    figure = charts.readiness_donut(results).update_layout(height=340)
    pie = figure.data[0]
    values = [int(v) for v in pie.values]
    total = sum(values) or 1
    pie.update(text=[f"{v:,}<br>{v / total:.1%}" if v else "" for v in values], textinfo="text")
    return figure


def completeness_section(results: Results, figures: _Figures) -> Html:
    from dwcqa import charts
    from dwcqa import completeness as gbif_completeness

    core = results.archive.core
    shown = charts.gbif_completeness(results)
    measured = shown["measured"]
    table = ""
    if gbif_completeness.requirements(core.row_type):
        items = measured.items
        rows = [
            tag(
                "tr",
                tag("td", row.label),
                tag("td", row.level.replace("_", " ")),
                tag("td", "yes" if row.mapped else tag("strong", "no")),
                tag("td", _int(row.records_met), class_="num"),
                tag("td", _share(row.records_met, results.records), class_="num"),
            )
            for row in items.itertuples()
            if row.level in (gbif_completeness.REQUIRED, gbif_completeness.RECOMMENDED)
        ]
        table = tag(
            "table",
            tag("thead", tag("tr", tag("th", "GBIF asks for"), tag("th", "level"), tag("th", "column with values"), tag("th", "records", class_="num"), tag("th", "share", class_="num"))),
            tag("tbody", rows),
            class_="data",
        )
    if core.terms:
        # Other terms that no record fills are listed instead of drawn, so that a core with
        # hundreds of empty columns still prints on a page or two.
        empty = shown["empty"]
        note = tag("p", f"Mapped but empty in every record ({len(empty)}): ", join((tag("code", t) for t in empty), ", "), class_="muted") if empty else ""
        chart = join([figures.render(shown["figure"], "completeness"), note])
    else:
        chart = tag("p", "The core maps no terms.")
    intro = tag("p", f"Share of the {_plural(results.records, 'core record')} with a value (empty cells and written nulls such as NULL or n/a count as missing).")
    return _section("completeness", "Completeness", intro, table, chart)


def _decision_key(value: Any) -> str:
    text = str(value or "").strip().lower().replace("\u2019", "'").replace("_", " ").replace("-", " ")
    text = " ".join(text.split())
    if text in ("wont fix", "will not fix"):
        text = "won't fix"
    return DECISIONS.get(text, "other")


def _decision_badge(decision: Mapping | None) -> Html:
    if not decision or not decision.get("decision"):
        return Html("")
    return tag("span", decision.get("decision"), class_=f"decision-badge {_decision_key(decision.get('decision'))}")


def _decision_block(decision: Mapping | None) -> Html:
    if not decision:
        return tag(
            "p",
            tag("strong", "Decision: "),
            tag("span", "\u2610 accepted \u2003 \u2610 will fix \u2003 \u2610 won't fix", class_="tick"),
            tag("span", " (no decision recorded)", class_="muted"),
            class_="decision none",
        )
    by = ", ".join(str(x) for x in (decision.get("by"), decision.get("date")) if x)
    return tag(
        "p",
        tag("strong", "Decision: "),
        _decision_badge(decision),
        tag("span", f" {decision.get('comment')}", class_="comment") if decision.get("comment") else "",
        tag("span", f" ({by})", class_="muted") if by else "",
        class_=f"decision {_decision_key(decision.get('decision'))}",
    )


def _examples(results: Results, entry: dict, check: Check | None) -> Html:
    if check is not None and check.level == "record" and check.id in results.masks:
        frame = affected_records(results, check.id, limit=EXAMPLES)
        if frame.empty:
            return Html("")
        columns = [c for c in frame.columns if c not in ("row", "id")]
        filled = [c for c in columns if (frame[c].astype(str) != "").any()]
        columns = filled or columns  # terms empty in every example say nothing, unless emptiness is the point
        head = tag("tr", tag("th", "record id"), [tag("th", c) for c in columns])
        rows = []
        for record in frame.to_dict(orient="records"):
            identifier = record["id"] or tag("span", f"(no id; data row {int(record['row']) + 1:,})", class_="muted")
            cells = [tag("td", _value(record[c])) for c in columns]
            rows.append(tag("tr", tag("td", identifier, class_="id"), cells))
        more = entry["count"] - len(frame)
        caption = tag("caption", f"First {_int(len(frame))} of {_plural(entry['count'], 'record')}" if more > 0 else _plural(len(frame), "record"))
        return tag("table", caption, tag("thead", head), tag("tbody", rows), class_="data examples")
    found = results.findings_of(entry["check"]) if check is not None else [f for f in results.failures if f.message == entry["title"]]
    if not found:
        return Html("")
    rows = []
    for finding in found[:EXAMPLES]:
        place = finding.file or ""
        if finding.line:
            place += f":{finding.line}"
        rows.append(
            tag(
                "tr",
                tag("td", place or "-", class_="id"),
                tag("td", short_name(finding.term) if finding.term else "-"),
                tag("td", _clip(finding.message, 400)),
                tag("td", _int(finding.count), class_="num"),
            )
        )
    caption = tag("caption", f"First {len(rows)} of {_plural(len(found), 'finding')}" if len(found) > len(rows) else _plural(len(found), "finding"))
    head = tag("tr", tag("th", "file:line"), tag("th", "term"), tag("th", "finding"), tag("th", "count", class_="num"))
    return tag("table", caption, tag("thead", head), tag("tbody", rows), class_="data examples")


def _breakable(identifier: str) -> Html:
    """An UPPER_SNAKE id that may wrap after its underscores."""
    return join(identifier.split("_"), Html("_<wbr>"))


def _value(value: Any) -> Html:
    text = "" if value is None else str(value)
    if text == "":
        return tag("span", "(empty)", class_="muted")
    return tag("code", _clip(text))


def issues_section(results: Results, figures: _Figures, decisions: Mapping[str, Mapping] | None) -> Html:
    from dwcqa import charts

    decisions = decisions or {}
    entries = findings(results)
    by_id = _checks_by_id(results)
    records = results.records
    if not entries:
        body = [tag("p", "No check found anything.")]
    else:
        summary_rows = []
        for number, entry in enumerate(entries, 1):
            unit = "records" if entry["level"] == "record" else "findings"
            summary_rows.append(
                tag(
                    "tr",
                    tag("td", str(number), class_="num"),
                    tag("td", tag("span", entry["severity"], class_=f"badge {entry['severity']}")),
                    tag("td", tag("a", tag("code", _breakable(entry["check"])), href=f"#check-{entry['check']}")),
                    tag("td", entry["title"] if entry["check"] != CHECK_FAILED else "a check could not run"),
                    tag("td", _int(entry["count"]), tag("span", f" {unit}", class_="muted"), class_="num"),
                    tag("td", _share(entry["count"], records) if entry["level"] == "record" else "", class_="num"),
                    tag("td", _decision_badge(decisions.get(entry["check"]))),
                )
            )
        severities = {s: sum(1 for e in entries if e["severity"] == s) for s in ("error", "warning", "info")}
        head = tag(
            "tr", tag("th", "#", class_="num"), tag("th", "severity"), tag("th", "check"), tag("th", "what"), tag("th", "count", class_="num"), tag("th", "of records", class_="num"), tag("th", "decision")
        )
        body = [
            tag("p", f"{_plural(len(entries), 'check')} found something: {severities['error']} errors, {severities['warning']} warnings, {severities['info']} for information. Most severe first, then most frequent."),
            tag("table", tag("thead", head), tag("tbody", summary_rows), class_="data issues"),
            figures.render(charts.findings_chart(results), "findings"),
        ]
        details = []
        for entry in entries:
            check = by_id.get(entry["check"])
            details.append(_issue(results, entry, check, decisions.get(entry["check"])))
        body.append(tag("div", details, class_="details"))
    others = [(k, v) for k, v in decisions.items() if k not in {e["check"] for e in entries}]
    if others:
        rows = [
            tag(
                "tr",
                tag("td", tag("code", k)),
                tag("td", by_id[k].title if k in by_id else ""),
                tag("td", _decision_badge(v)),
                tag("td", v.get("comment")),
                tag("td", ", ".join(str(x) for x in (v.get("by"), v.get("date")) if x)),
            )
            for k, v in sorted(others)
        ]
        body.append(tag("h3", "Decisions on checks that find nothing now"))
        body.append(tag("table", tag("thead", tag("tr", [tag("th", h) for h in ("check", "what", "decision", "comment", "by")])), tag("tbody", rows), class_="data"))
    return _section("issues", "Issues", body)


def _issue(results: Results, entry: dict, check: Check | None, decision: Mapping | None) -> Html:
    severity = entry["severity"]
    if check is None:  # a check that could not run
        about, fix = entry["title"], "Report it to the dwcqa maintainers with the archive, if you can share it."
        meta = []
    else:
        about, fix = split_explanation(check.explanation)
        count = entry["count"]
        meta = [
            f"{_plural(count, 'record')} ({_share(count, results.records)} of the core)" if check.level == "record" else _plural(count, "finding"),
            f"dimension: {check.dimension}",
        ]
        if check.terms:
            meta.append("terms: " + ", ".join(check.term_names))
        if check.bdq:
            meta.append(f"TDWG BDQ: {check.bdq.label}")
        if check.blocks_indexing:
            meta.append("blocks GBIF indexing")
    title = check.title if check is not None else "A check could not run"
    return tag(
        "article",
        tag("h3", tag("span", severity, class_=f"badge {severity}"), " ", tag("code", entry["check"]), " ", title),
        tag("p", " \u00b7 ".join(meta), class_="muted") if meta else "",
        _decision_block(decision),
        tag("p", tag("strong", "What it means. "), about),
        tag("p", tag("strong", "How to fix it. "), fix) if fix else "",
        _examples(results, entry, check),
        class_=f"issue {severity}",
        id=f"check-{entry['check']}",
    )


# -- the map -----------------------------------------------------------------------------


def map_section(results: Results, figures: _Figures) -> Html:
    from dwcqa.maps import findings_map

    figure, facts = findings_map(results, MAP_POINTS)
    if not facts["checks"]:
        return _section("map", "Map of geographic findings", tag("p", "The space checks flag no record."))
    words = [f"{_plural(facts['flagged'], 'record')} flagged by {_plural(len(facts['checks']), 'space check')}"]
    if facts["drawn"]:
        words.append(f"{_int(facts['drawn'])} drawn" + (" (an even sample)" if facts["sampled"] else ""))
    if facts["no_point"]:
        words.append(f"{_int(facts['no_point'])} without a point that can be drawn (invalid, out of range or missing coordinates)")
    if not facts["outlines"]:
        words.append("country outlines unavailable (dwcqa.geo could not load them)")
    caption = "; ".join(words) + ". Each record is drawn once, with its most severe finding; hover for the others."
    body = figures.render(figure, "map", caption) if figure is not None else tag("p", caption)
    return _section("map", "Map of geographic findings", body)


# -- identifier stability ----------------------------------------------------------------


def comparison_report(results: Results, previous: Any, history: Any = None) -> dict:
    """The ``dwcqa compare`` report of ``previous`` (a path, ``history:NAME[@N]``, an Archive,
    a Version, a Comparison or its report dict) against the checked archive."""
    if isinstance(previous, dict):
        return previous
    if hasattr(previous, "report") and isinstance(previous.report, dict):
        return previous.report
    from dwcqa.compare import compare

    return compare(previous, results.archive, history=history).report


def identifiers_section(report: dict) -> Html:
    r = report
    verdict_ok = r["verdict"] in ("stable", "grew")
    counts = tag(
        "table",
        tag("tbody",
            tag("tr", tag("th", "records"), tag("td", f"{_int(r['old_records'])} before", class_="num"), tag("td", f"{_int(r['new_records'])} now", class_="num")),
            tag("tr", tag("th", "occurrenceIDs"), tag("td", f"{_int(r['kept'])} kept", class_="num"), tag("td", f"{_int(r['added'])} added, {_int(r['removed'])} removed", class_="num")),
            tag("tr", tag("th", "new-ID share"), tag("td", f"{r['new_id_share']:.1%}", class_="num"), tag("td", "GBIF pauses ingestion above 50%")),
        ),
        class_="data compact",
    )
    parts = [
        tag("p", "Compared with ", tag("code", r["old"]["source"]), (f" \u201c{r['old']['title']}\u201d" if r["old"].get("title") else "")),
        tag("p", _verdict(verdict_ok, "GBIF would ingest it", "GBIF would pause ingestion"), " ", tag("span", r["verdict"], class_="muted")),
        counts,
        tag("p", r["message"]),
    ]
    if r.get("options"):
        parts.append(tag("ol", [tag("li", tag("strong", o["title"]), f" ({o['who']}): {o['what']}") for o in r["options"]]))
    pairs = r.get("examples", {}).get("pairs") or []
    if r.get("proposed_pairs"):
        rows = [tag("tr", tag("td", tag("code", p.get("old_id"))), tag("td", tag("code", p.get("new_id"))), tag("td", f"{p.get('matched_by')} {p.get('value') or ''}")) for p in pairs[:EXAMPLES]]
        parts.append(
            tag(
                "table",
                tag("caption", f"Re-keyed records: {_int(r['proposed_pairs'])} proposed old \u2192 new pairs (first {len(rows)})"),
                tag("thead", tag("tr", tag("th", "old occurrenceID"), tag("th", "new occurrenceID"), tag("th", "matched by"))),
                tag("tbody", rows),
                class_="data examples",
            )
        )
    extra = []
    if r.get("ambiguous"):
        extra.append(f"{_plural(r['ambiguous'], 'removed record')} with several candidates (not paired)")
    if r.get("reused_ids"):
        extra.append(f"{_plural(r['reused_ids'], 'occurrenceID')} kept for what may be another specimen")
    if r.get("catalog_numbers_not_kept"):
        extra.append(f"{_plural(r['catalog_numbers_not_kept'], 'changed catalogNumber')} not kept in otherCatalogNumbers")
    extra += r.get("warnings") or []
    if extra:
        parts.append(tag("ul", [tag("li", w) for w in extra]))
    parts.append(tag("p", "Details and GBIF's migration file: ", tag("code", "dwcqa compare OLD NEW --migration migration.csv"), class_="muted"))
    return _section("identifiers", "Identifier stability", parts)


# -- names against a checklist -----------------------------------------------------------

NAME_TESTS = ("VALIDATION_SCIENTIFICNAME_FOUND", "VALIDATION_TAXON_UNAMBIGUOUS")


def checklist_summary(results: Results, checklist: Any) -> dict:
    """The core's names against a checklist (a ``dwcqa.bdq.TaxonAuthority`` or what
    ``TaxonAuthority.read`` takes), with TDWG BDQ tests: per test the counts of compliant,
    not compliant and not run records; the names not found most often."""
    import pandas as pd

    from dwcqa import bdq

    authority = checklist if isinstance(checklist, bdq.TaxonAuthority) else bdq.TaxonAuthority.read(checklist)
    core = results.archive.core
    frame = pd.DataFrame({term: core.column(term) for term in core.terms}, copy=False)
    context = bdq.Context(checklist=authority)
    tests = {}
    for label in NAME_TESTS:
        responses = bdq.run(label, frame, context=context)
        result = pd.Series(responses.result, dtype=object)
        status = pd.Series(responses.status, dtype=object)
        tests[label] = {
            "compliant": int((result == "COMPLIANT").sum()),
            "not_compliant": int((result == "NOT_COMPLIANT").sum()),
            "not_run": int((status != "RUN_HAS_RESULT").sum()),
            "mask": (result == "NOT_COMPLIANT").to_numpy(dtype=bool),
        }
    names = core.column(DWC + "scientificName")
    missing = []
    if names is not None:
        flagged = names[tests["VALIDATION_SCIENTIFICNAME_FOUND"]["mask"]].fillna("").str.strip()
        counts = flagged[flagged != ""].value_counts().head(20)
        missing = [(str(n), int(c)) for n, c in counts.items()]
    for test in tests.values():
        test.pop("mask")
    return {"checklist": authority.name, "taxa": len(authority.taxa), "tests": tests, "not_found": missing}


def checklist_section(summary: dict, records: int) -> Html:
    rows = [
        tag(
            "tr",
            tag("td", tag("code", label)),
            tag("td", _int(t["compliant"]), class_="num"),
            tag("td", _int(t["not_compliant"]), class_="num"),
            tag("td", _share(t["not_compliant"], records), class_="num"),
            tag("td", _int(t["not_run"]), class_="num"),
        )
        for label, t in summary["tests"].items()
    ]
    parts = [
        tag("p", f"The core's names were looked up in ", tag("code", summary["checklist"]), f" ({_plural(summary['taxa'], 'taxon', 'taxa')}) with the TDWG BDQ tests below."),
        tag(
            "table",
            tag("thead", tag("tr", tag("th", "BDQ test"), tag("th", "found", class_="num"), tag("th", "not found or ambiguous", class_="num"), tag("th", "share", class_="num"), tag("th", "not tested (empty)", class_="num"))),
            tag("tbody", rows),
            class_="data",
        ),
    ]
    if summary["not_found"]:
        parts.append(
            tag(
                "table",
                tag("caption", "scientificName values not in the checklist, most frequent first"),
                tag("thead", tag("tr", tag("th", "scientificName"), tag("th", "records", class_="num"))),
                tag("tbody", [tag("tr", tag("td", _value(n)), tag("td", _int(c), class_="num")) for n, c in summary["not_found"]]),
                class_="data examples",
            )
        )
    return _section("names", "Names against the checklist", parts)


# -- amendments --------------------------------------------------------------------------


def amendments_available(results: Results) -> list[dict] | None:
    """What dwcqa's own amendments (proposed fixes) would change in this archive: one dict per
    amendment (``dwcqa.amend.Proposal.to_dict``: id, title, terms, cells, records, examples,
    error), previewed on the archive as it is, nothing applied. The TDWG BDQ amendments are
    left out, as ``dwcqa clean --amend all`` leaves them out. None when this dwcqa has no
    ``dwcqa.amend``."""
    try:
        from dwcqa import amend
    except ImportError:
        return None
    return [p.to_dict() for p in amend.propose(results.archive, amend.select("all"))]


def amendments_section(items: list[dict], source: str) -> Html:
    useful = sorted((a for a in items if a["cells"] and not a["error"]), key=lambda a: (-a["records"], a["id"]))
    failed = [a for a in items if a["error"]]
    idle = len(items) - len(useful) - len(failed)
    parts = []
    if useful:
        rows = []
        for a in useful:
            example = a["examples"][0] if a["examples"] else None
            shown = (
                [tag("code", example["term"]), ": ", _value(example["before"]), " \u2192 ", _value(example["after"])] if example else ""
            )
            rows.append(
                tag(
                    "tr",
                    tag("td", tag("code", _breakable(a["id"]))),
                    tag("td", a["title"]),
                    tag("td", _int(a["records"]), class_="num"),
                    tag("td", _int(a["cells"]), class_="num"),
                    tag("td", shown),
                )
            )
        parts.append(tag("p", "Changes dwcqa can propose for this archive, previewed on it as it is. Nothing is changed until you ask; each change is then logged."))
        head = tag("tr", tag("th", "amendment"), tag("th", "what it does"), tag("th", "records", class_="num"), tag("th", "cells", class_="num"), tag("th", "for example"))
        parts.append(tag("table", tag("thead", head), tag("tbody", rows), class_="data examples"))
        ids = ",".join(a["id"] for a in useful)
        parts.append(tag("p", "To apply them: ", tag("code", f"dwcqa clean {shlex.quote(source)} -o clean.zip --amend {ids} --changes changes.csv"), class_="muted"))
    else:
        parts.append(tag("p", "None of dwcqa's amendments would change anything in this archive."))
    if idle and useful:
        parts.append(tag("p", f"{_plural(idle, 'other amendment')} would change nothing.", class_="muted"))
    if failed:
        parts.append(tag("p", "Could not run: ", join((a["error"] for a in failed), "; "), class_="muted"))
    return _section("amendments", "Amendments available", parts)


# -- the document ------------------------------------------------------------------------


def _section(anchor: str, title: str, *content: Any) -> Html:
    return tag("section", tag("h2", title), content, id=anchor)


def colophon(results: Results, now: dt.datetime) -> Html:
    catalogue = len(all_checks())
    applied = sum(1 for c in results.checks if c.level == "archive" or c.id in results.masks)
    words = [
        f"Check catalogue: dwcqa {__version__}, {_plural(catalogue, 'check')}; {_int(len(results.checks))} run on this archive, {_int(applied)} applied (the others need terms the archive does not have).",
        f"Report made on {now:%Y-%m-%d at %H:%M}" + (f" ({now:%Z})" if now.tzinfo else "") + f" from {results.archive.source}.",
    ]
    failed = [tag("li", f.message) for f in results.failures]
    return tag(
        "footer",
        [tag("p", w) for w in words],
        [tag("p", "Checks that could not run:"), tag("ul", failed)] if failed else "",
        id="colophon",
    )


def build_report(
    results: Results,
    previous: Any = None,
    decisions: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    checklist: Any = None,
    history: Any = None,
    now: dt.datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> str:
    """The QC-meeting report of ``results`` as one self-contained HTML document.

    ``previous``: the version published before (path, ``history:NAME[@N]``, Archive, Version,
    or a ``dwcqa.compare`` Comparison or report dict): adds identifier stability.
    ``decisions``: ``{check_id: {"decision": "accepted" | "will fix" | "won't fix",
    "comment": ..., "by": ..., "date": ...}}``, shown next to each check.
    ``checklist``: a taxonomic checklist (TaxonAuthority or a path): adds names against it.
    ``history``: the history database for ``history:`` references (default: the user's).
    ``now``: the report's date (default: now). ``progress(step)`` is told of each slow step.
    """
    now = now or dt.datetime.now().astimezone()
    step = progress or (lambda _: None)
    decisions = {k: ({"decision": v} if isinstance(v, str) else dict(v)) for k, v in (decisions or {}).items()}
    from dwcqa.checks.metadata import metadata_summary

    figures = _Figures()
    archive = results.archive
    title = metadata_summary(archive)["title"] or archive.source
    step("dataset card")
    parts = [dataset_section(results, figures)]
    step("verdicts")
    parts.append(verdicts_section(results, figures))
    step("completeness")
    parts.append(completeness_section(results, figures))
    step("issues")
    parts.append(issues_section(results, figures, decisions))
    step("map")
    parts.append(map_section(results, figures))
    if previous is not None:
        step("identifier stability")
        parts.append(identifiers_section(comparison_report(results, previous, history)))
    if checklist is not None:
        step("names against the checklist")
        parts.append(checklist_section(checklist_summary(results, checklist), results.records))
    step("amendments")
    amendments = amendments_available(results)
    if amendments is not None:
        parts.append(amendments_section(amendments, archive.source))
    contents = tag("nav", tag("ol", [tag("li", tag("a", _SECTION_TITLES.get(s), href=f"#{s}")) for s in _anchors(parts)]), class_="toc")
    verdict, _ = indexable(results)
    ready = int(ready_mask(results).sum())
    header = tag(
        "header",
        tag("p", "Data-quality report for the QC meeting", class_="kicker"),
        tag("h1", title),
        tag(
            "p",
            f"{_plural(results.records, 'core record')} \u00b7 GBIF would index it: ",
            tag("strong", "yes" if verdict else "no"),
            f" \u00b7 {_int(ready)} records ({_share(ready, results.records)}) ready for publication",
        ),
        tag("p", f"{now:%Y-%m-%d} \u00b7 dwcqa {__version__}, {_plural(len(all_checks()), 'check')} \u00b7 {archive.source}", class_="muted"),
    )
    body = join([header, contents, *parts, colophon(results, now)])
    scripts = Html(f"<script>{_PRINT_SCRIPT}</script>") if figures.included else Html("")
    return (
        "<!DOCTYPE html>\n"
        + f'<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        + f'<meta name="generator" content="dwcqa {esc(__version__)}">\n'
        + f"<title>{esc('QC report: ' + str(title))}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n{scripts}\n</body>\n</html>\n"
    )


_SECTION_TITLES = {
    "dataset": "Dataset",
    "verdicts": "Verdicts",
    "completeness": "Completeness",
    "issues": "Issues",
    "map": "Map of geographic findings",
    "identifiers": "Identifier stability",
    "names": "Names against the checklist",
    "amendments": "Amendments available",
}
_ANCHOR = re.compile(r'^<section id="([a-z]+)">')


def _anchors(parts: list[Html]) -> list[str]:
    return [m.group(1) for m in (_ANCHOR.match(p) for p in parts) if m]


# Redraw the charts at the printed page's width, and back afterwards.
_PRINT_SCRIPT = """
(function () {
  var PAGE = %d;
  function graphs() { return Array.prototype.slice.call(document.querySelectorAll('.js-plotly-plot')); }
  function printWidth(g) {
    var box = g.parentElement && g.parentElement.closest('.box');
    var inset = box ? g.getBoundingClientRect().left - box.getBoundingClientRect().left : 0;
    return Math.max(320, Math.round(PAGE - 2 * Math.max(0, inset)));
  }
  window.addEventListener('beforeprint', function () {
    if (!window.Plotly) return;
    graphs().forEach(function (g) { Plotly.relayout(g, {width: printWidth(g), autosize: false}); });
  });
  window.addEventListener('afterprint', function () {
    if (!window.Plotly) return;
    graphs().forEach(function (g) { Plotly.relayout(g, {width: null, autosize: true}); });
  });
})();
""" % PRINT_WIDTH_PX

_CSS = """
:root { color-scheme: light; --error: #c0392b; --warning: #b87a0b; --info: #2e78b7; --pass: #2e8b57; --line: #d9d9d9; --muted: #666; }
* { box-sizing: border-box; }
html { background: #fff; color: #1d1d1d; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 28px 48px; }
header h1 { margin: 0.1em 0 0.3em; font-size: 1.7em; line-height: 1.2; }
.kicker { margin: 0; text-transform: uppercase; letter-spacing: 0.06em; font-size: 0.8em; color: var(--muted); }
h2 { font-size: 1.35em; border-bottom: 2px solid #222; padding-bottom: 0.2em; margin: 1.6em 0 0.8em; }
h3 { font-size: 1.08em; margin: 1.1em 0 0.4em; }
code { font: 0.92em/1.3 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; background: #f4f4f2; padding: 0 0.25em; border-radius: 3px; white-space: pre-wrap; word-break: break-word; }
a { color: #1f5f99; }
.muted { color: var(--muted); }
.big { font-size: 1.5em; font-weight: 700; }
nav.toc ol { columns: 2; margin: 0.5em 0 0; padding-left: 1.4em; }
dl.card { display: grid; grid-template-columns: 11em 1fr; gap: 0.25em 1em; margin: 0; }
dl.card dt { font-weight: 600; color: #444; }
dl.card dd { margin: 0; }
ul.plain { list-style: none; margin: 0; padding: 0; }
.pair { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 16px; align-items: start; }
.box { border: 1px solid var(--line); border-radius: 6px; padding: 4px 16px 12px; margin: 0 0 16px; }
.verdict { display: inline-block; white-space: nowrap; font-weight: 700; padding: 0.1em 0.6em; border-radius: 4px; color: #fff; }
.verdict.pass { background: var(--pass); }
.verdict.fail { background: var(--error); }
.verdict.unknown { background: #888; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0 1em; font-size: 0.93em; }
caption { text-align: left; font-weight: 600; padding: 0.3em 0; color: #444; }
th, td { text-align: left; vertical-align: top; padding: 0.3em 0.5em; border-bottom: 1px solid var(--line); }
table.examples th, table.examples td { overflow-wrap: anywhere; }
thead th { border-bottom: 2px solid #999; background: #fafafa; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.id { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.9em; word-break: break-all; }
table.criteria td:first-child { width: 3.5em; }
table.compact { width: auto; }
.badge { display: inline-block; font-size: 0.78em; font-weight: 700; text-transform: uppercase; padding: 0.05em 0.45em; border-radius: 3px; color: #fff; }
.badge.error { background: var(--error); }
.badge.warning { background: var(--warning); }
.badge.info { background: var(--info); }
.decision-badge { display: inline-block; white-space: nowrap; font-weight: 600; padding: 0 0.45em; border-radius: 3px; border: 1px solid #888; }
.decision-badge.accepted { border-color: var(--pass); color: var(--pass); }
.decision-badge.will-fix { border-color: var(--info); color: var(--info); }
.decision-badge.wont-fix { border-color: #555; color: #555; }
article.issue { border-left: 4px solid var(--line); padding: 0.1em 0 0.4em 14px; margin: 1.2em 0; }
article.issue.error { border-left-color: var(--error); }
article.issue.warning { border-left-color: var(--warning); }
article.issue.info { border-left-color: var(--info); }
article.issue h3 { margin-top: 0.4em; }
p.decision { background: #f7f7f5; padding: 0.3em 0.6em; border-radius: 4px; }
.tick { letter-spacing: 0.02em; }
figure.chart { margin: 0.6em 0 1.2em; }
figcaption { font-size: 0.9em; color: var(--muted); margin-top: 0.3em; }
footer { margin-top: 2.5em; border-top: 1px solid var(--line); padding-top: 0.6em; font-size: 0.9em; color: var(--muted); }
@page { size: A4; margin: 15mm; }
@media print {
  html, body { background: #fff; }
  body { font-size: 10.5pt; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  main { max-width: none; padding: 0; }
  nav.toc { display: none; }
  section { break-before: page; }
  h2, h3 { break-after: avoid; }
  table { page-break-inside: auto; font-size: 9pt; }
  tr, td, th, caption, .box, figure.chart, dl.card, p.decision { break-inside: avoid; }
  thead { display: table-header-group; }
  article.issue { break-inside: avoid-page; }
  .pair { display: block; }
  .modebar, .modebar-container { display: none !important; }
  a { color: inherit; text-decoration: none; }
}
"""
