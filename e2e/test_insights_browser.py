"""The insights page in a real browser on a phone (390 px), for the demo client with 120 days of
diary: nothing scrolls sideways (closed or with every disclosure open), axe finds no serious or
critical violation, the charts' words are at least 12 px, and the charts have axis titles, a
legend and labels that are not cut off."""

import pytest

from e2e.conftest import PHONE
from e2e.helpers import (
    assert_accessible,
    assert_fits_the_screen,
    assert_stays_on_the_server,
    assert_styled,
    signed_in,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The size of every piece of text in the charts as it is drawn: HTML text by its computed size,
# SVG text by its size times the SVG's scale on the screen.
CHART_TEXT_SIZES = """() => {
    const sizes = [];
    for (const el of document.querySelectorAll('main svg text')) {
        const scale = el.getScreenCTM() ? el.getScreenCTM().a : 1;
        sizes.push({text: el.textContent.trim(), px: parseFloat(getComputedStyle(el).fontSize) * scale});
    }
    for (const el of document.querySelectorAll('main .chart-figure *, main .insights-bars *')) {
        const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
        if (own && el.getClientRects().length) {
            sizes.push({text: el.textContent.trim(), px: parseFloat(getComputedStyle(el).fontSize)});
        }
    }
    return sizes;
}"""


@pytest.fixture
def anna(content):
    from django.core.management import call_command

    from lijfwijs.accounts.models import User

    call_command("load_demo", force=True, verbosity=0)
    return User.objects.get(email="anna@demo.lijfwijs.local")


def test_the_insights_page_on_a_phone(open_tab, anna):

    tab = open_tab(viewport=PHONE)
    signed_in(tab, anna)
    page = tab.page
    assert page.goto(tab.url("/dagboek/inzichten/")).status == 200
    assert_styled(page)
    assert_fits_the_screen(page)
    assert_accessible(page, "the insights page (disclosures closed)")

    # The trend chart: a title, a legend with both series, axis titles, labelled ends.
    trend = page.locator("section[aria-labelledby=trend-heading] figure.chart-figure")
    assert trend.locator(".chart-legend li").all_inner_texts() == [
        "Je pijn die dag",
        "Gemiddelde over 7 dagen",
    ]
    titles = trend.locator(".chart-axis-title").all_inner_texts()
    assert titles == ["Pijn (0 = geen, 10 = ergste)", "Dag"]
    ends = trend.locator(".chart-x span").all_inner_texts()
    assert len(ends) == 2 and all(ends)
    assert trend.locator(".chart-y-top").inner_text() == "10"
    assert trend.locator(".chart-y-bottom").inner_text() == "0"
    plot = trend.locator("svg").bounding_box()
    assert plot["width"] >= 250, plot  # the chart uses the phone's width

    # The patterns chart: a legend, an axis title, and labels that are whole (not cut).
    overview = page.locator(".insight-overview figure")
    assert overview.locator(".chart-legend li").count() == 2
    assert "Verschil in pijn" in overview.locator(".chart-axis-title").inner_text()
    labels = overview.locator(".chart-row-label:not(:empty)")
    assert labels.count() >= 1
    cut = page.evaluate(
        """() => [...document.querySelectorAll('.chart-row-label')].filter(
            l => l.scrollWidth > l.clientWidth + 1).map(l => l.textContent)"""
    )
    assert cut == []
    assert "Werkdruk" in " ".join(labels.all_inner_texts())

    # Every disclosure open: the tables scroll inside themselves, the page still does not.
    page.evaluate("() => document.querySelectorAll('main details').forEach(d => d.open = true)")
    assert_fits_the_screen(page)
    regions = page.locator("main .table-scroll")
    assert regions.count() >= 3
    for n in range(regions.count()):
        region = regions.nth(n)
        assert region.get_attribute("tabindex") == "0" and region.get_attribute("role") == "region"
        assert region.locator("table").count() == 1

    sizes = page.evaluate(CHART_TEXT_SIZES)
    assert len(sizes) > 10
    small = [s for s in sizes if s["px"] < 12]
    assert small == [], f"chart text under 12 px at 390 px wide: {small}"
    assert_accessible(page, "the insights page (disclosures open)")
    assert_stays_on_the_server(tab)
