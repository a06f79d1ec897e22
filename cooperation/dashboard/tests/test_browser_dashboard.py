"""The dashboard in a real browser, as the rector's office opens it on the demo data: its four
charts and its map are drawn with no console error and no request leaving 127.0.0.1, and a
country of the map and a bar of a chart open lists of exactly what they count."""

import re

import pytest

from conftest import log_in, screenshot_path
from cooperation.demo import demo_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    demo_load(password="demo")


def listed(page) -> int:
    """The number of records the list page says match its filters."""
    text = page.get_by_role("status").inner_text()
    return 1 if text.startswith("One record") else int(re.match(r"([\d,\s]+)", text).group(1).replace(",", "").strip())


def test_the_rectors_office_reads_the_dashboard_charts_and_map(page, demo):
    log_in(page, "rector", "demo")
    if page.locator("html").get_attribute("lang") != "en":
        with page.expect_navigation():
            page.select_option("#language-switch", "en")

    response = page.goto("/dashboard/")
    page.wait_for_load_state("networkidle")

    assert response.status == 200
    charts = page.evaluate(
        "() => Object.fromEntries(Object.entries(window.dashboardCharts)"
        ".map(([key, chart]) => [key, chart.data.datasets.length]))"
    )
    assert set(charts) == {"agreements_signed", "mobility", "visits", "partners_by_country"}
    assert all(count >= 1 for count in charts.values())
    assert page.locator("#partner-map svg path.jvm-region").count() > 150
    coloured = page.evaluate("() => Object.keys(JSON.parse(document.getElementById('dashboard-data').textContent).map)")
    assert "TR" in coloured and "CN" in coloured
    page.screenshot(path=screenshot_path("dashboard-full-en.png"), full_page=True)

    # A country of the map: Türkiye's agreements in force.
    data = page.evaluate("() => JSON.parse(document.getElementById('dashboard-data').textContent)")
    with page.expect_navigation():
        page.locator('#partner-map path[data-code="TR"]').click(force=True)
    assert page.url.endswith(data["map"]["TR"]["url"].split("/agreements/")[1])
    assert listed(page) == data["map"]["TR"]["value"]

    # A bar of the partners-by-country chart: its first country's active partners.
    page.goto("/dashboard/")
    page.wait_for_load_state("networkidle")
    page.locator('canvas[data-chart="partners_by_country"]').scroll_into_view_if_needed()
    box = page.evaluate(
        "() => { const chart = window.dashboardCharts.partners_by_country;"
        " const bar = chart.getDatasetMeta(0).data[0]; const rect = chart.canvas.getBoundingClientRect();"
        " return {x: rect.left + (bar.base + bar.x) / 2, y: rect.top + bar.y}; }"
    )
    with page.expect_navigation():
        page.mouse.click(box["x"], box["y"])
    by_country = next(chart for chart in data["charts"] if chart["key"] == "partners_by_country")
    assert "/partners/" in page.url
    assert listed(page) == by_country["datasets"][0]["data"][0]

    assert page.console_errors == []
    assert page.external_requests == []
