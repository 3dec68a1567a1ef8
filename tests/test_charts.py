"""The Overview's figures on the bundled sample: what they draw, and how charts are stacked."""

from pathlib import Path

import pytest

from dwcqa import charts
from dwcqa.archive import read
from dwcqa.checks.runner import run

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


@pytest.fixture(scope="module")
def sample_results():
    return run(read(SAMPLE))


def test_years_and_taxa_keeps_both_charts_values_one_above_the_other(sample_results):
    years = charts.records_per_year(sample_results)
    taxa = charts.taxonomic_breakdown(sample_results)
    figure = charts.years_and_taxa(sample_results)

    assert [trace.type for trace in figure.data] == ["bar", "bar"]
    assert list(figure.data[0].x) == list(years.data[0].x) and list(figure.data[0].y) == list(years.data[0].y)
    assert list(figure.data[1].y) == list(taxa.data[0].y) and list(figure.data[1].x) == list(taxa.data[0].x)
    # The taxa's bars run along the second x axis, under the years' chart.
    assert (figure.data[0].xaxis, figure.data[1].xaxis) == ("x", "x2")
    assert figure.layout.yaxis2.domain[1] < figure.layout.yaxis.domain[0]
    assert [a.text for a in figure.layout.annotations] == [f"<b>{years.layout.title.text}</b>", f"<b>{taxa.layout.title.text}</b>"]
    assert figure.layout.xaxis.title.text == "year"  # each chart keeps its axes
    # Each keeps its plotting height: the stack is as tall as both plus the gap between them.
    plotting = [f.layout.height or 450 for f in (years, taxa)]
    margins = [f.layout.margin.t + f.layout.margin.b for f in (years, taxa)]
    assert figure.layout.height == sum(plotting) - sum(margins) + charts.STACK_GAP + figure.layout.margin.t + figure.layout.margin.b
    # Unnamed single traces have no legend entry ("trace 0" means nothing to a reader).
    assert not any(trace.showlegend for trace in figure.data)


def test_stacked_charts_keep_their_named_traces_and_the_widest_labels_fit(sample_results):
    findings = charts.findings_chart(sample_results)
    taxa = charts.taxonomic_breakdown(sample_results)
    figure = charts.stacked([findings, taxa])

    named = [trace.name for trace in figure.data if trace.showlegend]
    assert named == [trace.name for trace in findings.data] and set(named) <= {"error", "warning", "info"}
    assert len(figure.data) == len(findings.data) + 1 and figure.data[-1].xaxis == "x2"
    # The widest tick labels (the check ids) decide the left margin of both.
    assert figure.layout.margin.l == max(findings.layout.margin.l, taxa.layout.margin.l) == findings.layout.margin.l


def test_stacking_one_figure_or_none():
    donut_like = charts.go.Figure(charts.go.Bar(x=[1], y=[2]))
    assert charts.stacked([donut_like, None]) is donut_like
    assert charts.stacked([None, None]) is None


def test_donut_labels_sit_upright_inside_their_slices(sample_results):
    pie = charts.readiness_donut(sample_results).data[0]
    counts = charts.readiness_counts(sample_results)
    assert list(pie.values) == list(counts.values()) and sum(pie.values) == sample_results.records
    assert (pie.textposition, pie.insidetextorientation) == ("inside", "horizontal")
