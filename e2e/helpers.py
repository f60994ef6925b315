"""Helpers of the browser tests: answering the Pijntest like a person, axe-core, and the checks
every test makes (no request leaves the server, nothing scrolls sideways, the CSS loaded)."""

import json
import re
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from e2e.conftest import AXE, AXE_PREFIX
from lijfwijs.accounts.tests.helpers import code_for, confirmed_device, signed_in_browser
from lijfwijs.assessments import registry

SECTIONS = [s.id for s in registry.get("pijntest").sections]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def section_of(page) -> str:
    match = re.search(r"/pijntest/vragen/([^/]+)/$", page.url)
    return match.group(1) if match else ""


def submit(page, action: str = "next"):
    """Press one of the form buttons and wait for the next page; returns its HTTP response."""
    with page.expect_navigation() as nav:
        page.locator(f'form button[name="action"][value="{action}"]').click()
    return nav.value


def fieldsets(page) -> list[dict]:
    return page.evaluate(
        """() => [...document.querySelectorAll('form fieldset')].map(fs => {
            const inputs = [...fs.querySelectorAll('input')];
            return {name: inputs[0].name, type: inputs[0].type,
                    options: inputs.map(i => ({id: i.id, value: i.value}))};
        })"""
    )


def checked(page) -> dict[str, list[str]]:
    """{item id: [checked values]} of the form on the page."""
    return page.evaluate(
        """() => {
            const out = {};
            for (const i of document.querySelectorAll('form input[type=radio], form input[type=checkbox]')) {
                out[i.name] = out[i.name] || [];
                if (i.checked) out[i.name].push(i.value);
            }
            return out;
        }"""
    )


def answer_page(
    page,
    choices: dict[str, str | list[str]] | None = None,
    *,
    only: bool = False,
    by_script: bool = False,
) -> dict[str, list[str]]:
    """Answer the page by clicking labels, like a person would.

    Items in `choices` get those values; other radio groups get "no" for yes/no questions (no
    red flags) and otherwise an option that varies with the position on the page, unless
    `only` (then they stay empty); optional checkbox groups are left empty. Returns what
    should now be checked.

    `by_script`: the labels are clicked by the page's own script (`label.click()`, which checks
    the input and fires its events as a tap does) in one call, instead of one pointer click by
    Playwright each, with its scrolling and waiting. For tests about what comes after the
    answers (a report, a language, a policy), not about answering.
    """
    choices = choices or {}
    expected = {}
    labels = []
    for n, fs in enumerate(fieldsets(page)):
        values = [o["value"] for o in fs["options"]]
        if fs["name"] in choices:
            wanted = choices[fs["name"]]
            wanted = [wanted] if isinstance(wanted, str) else list(wanted)
        elif fs["type"] == "radio" and not only:
            wanted = ["no"] if "no" in values else [values[(n + 1) % len(values)]]
        else:
            wanted = []
        for value in wanted:
            option = fs["options"][values.index(value)]
            if by_script:
                labels.append(option["id"])
            else:
                page.locator(f'label[for="{option["id"]}"]').click()
        expected[fs["name"]] = wanted
    if labels:
        page.evaluate(
            "ids => ids.forEach(id => document.querySelector(`label[for='${id}']`).click())",
            labels,
        )
    got = checked(page)
    assert got == expected, f"clicking the labels did not check the answers on {page.url}"
    return expected


def assert_fits_the_screen(page) -> None:
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], (
        f"{page.url} scrolls sideways: content {widths[0]}px in a {widths[1]}px window"
    )


def assert_accessible(page, what: str) -> None:
    """axe-core, WCAG 2.1 A and AA: no serious or critical violation.

    axe-core comes from the live server, same origin, so the site's CSP lets it run; only pages
    that are checked load it (500 KB to compile), and its script element is taken out again so
    the page's own elements are what later checks see. A page checked without a connection
    needs it in every document from the start instead (`preload_axe`)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=f"{settings.STATIC_URL}{AXE_PREFIX}/{AXE.name}").evaluate(
            "script => script.remove()"
        )
    # Only the violations are asked for and sent back: axe then keeps one node of each passed or
    # inapplicable rule instead of all of them (`resultTypes`), the slow part on a long page.
    violations = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations'], iframes: false}).then(r => r.violations)",
        AXE_TAGS,
    )
    bad = [v for v in violations if v["impact"] in ("serious", "critical")]
    minor = [v for v in violations if v not in bad]
    if minor:  # shown with -s or next to a failure; they do not fail the test
        print(f"axe on {what}: minor/moderate:\n" + describe_violations(minor))
    if bad:
        pytest.fail(
            f"axe: {len(bad)} serious/critical violation(s) on {what} ({page.url}):\n"
            + describe_violations(bad),
            pytrace=False,
        )


def preload_axe(tab) -> None:
    """axe-core in every document of the tab from its start (an init script, which the CSP does
    not apply to): for pages checked while the browser is offline."""
    tab.page.context.add_init_script(path=str(AXE))


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} [{v['impact']}] {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:10]:
            lines.append(f"    {json.dumps(node['target'])}: {node['html'][:200]}")
            if node.get("failureSummary"):
                lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
    return "\n".join(lines)


def assert_stays_on_the_server(tab) -> None:
    """Every request went to the live server (tel: links are no requests), and none failed."""
    assert tab.requests, "no requests were recorded"
    foreign = tab.foreign_requests()
    assert not foreign, f"requests left the server {tab.base_url}: {foreign}"
    assert not tab.broken, f"sub-resources failed to load: {tab.broken}"


def assert_styled(page) -> None:
    """The site's stylesheet is loaded (else the phone and contrast checks would mean little)."""
    rules = page.evaluate(
        "() => [...document.styleSheets].filter(s => s.href && s.href.includes('/static/'))"
        ".map(s => s.cssRules.length)"
    )
    assert rules and all(rules), f"the stylesheet did not load on {page.url}: {rules}"


def start(tab, prefix: str = ""):
    page = tab.page
    response = page.goto(tab.url(f"{prefix}/pijntest/"))
    assert response.status == 200
    return page


def press_start(page) -> None:
    with page.expect_navigation() as nav:
        page.locator('main form[action$="/pijntest/begin/"] button[type="submit"]').click()
    assert nav.value.status == 200
    assert section_of(page) == SECTIONS[0]


def walk_to_report(
    page,
    choices: dict[str, str | list[str]] | None = None,
    *,
    until: str = "",
    by_script: bool = True,
) -> None:
    """Answer the pages from the current one up to (not including) `until`, or to the report
    (by the page's script unless `by_script` is false: see answer_page)."""
    while section_of(page) and section_of(page) != until:
        here = section_of(page)
        assert_fits_the_screen(page)
        answer_page(page, choices, by_script=by_script)
        response = submit(page)
        assert response.status == 200, f"{here}: {response.status}"
        assert section_of(page) != here, f"{here} did not accept the answers"


def report_section(page, heading: str):
    return page.locator("main section").filter(
        has=page.get_by_role("heading", name=heading, exact=True)
    )


def follow(page, link) -> str:
    """Open a link from the report: it must be a real page with a heading. Returns the heading."""
    href = link.get_attribute("href")
    with page.expect_navigation() as nav:
        link.click()
    assert nav.value.status == 200, f"{href}: {nav.value.status}"
    h1 = page.locator("main h1")
    assert h1.count() == 1 and h1.inner_text().strip(), f"{href} has no heading"
    assert_fits_the_screen(page)
    return h1.inner_text()


def sign_in(tab, email: str, password: str) -> None:
    """Log in through the login page, as a person would."""
    page = tab.page
    assert page.goto(tab.url("/account/inloggen/")).status == 200
    page.locator("main").get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    with page.expect_navigation():
        page.locator("main form").get_by_role("button", name="Inloggen").click()
    assert "/account/inloggen/" not in page.url


def signed_in(tab, user) -> None:
    """Give the tab a signed-in session of `user` (an account or its address) without the login
    form, for tests whose subject comes after signing in (Playwright's advice: sign in once, not
    in every test). The session is `accounts.tests.helpers.signed_in_browser`'s: Django's own `login()`, and for practitioners
    and staff the second factor passed with their app, as the code form leaves it. The tab opens
    no page: the test goes where it needs. The login and code forms are what the account, offline
    and workspace journeys, the crawls and the visitor's practices kept on the device go through."""
    from lijfwijs.accounts.models import User

    if isinstance(user, str):  # an address
        user = User.objects.with_email(user).get()
    name = settings.SESSION_COOKIE_NAME
    session = signed_in_browser(user).cookies[name].value
    tab.page.context.add_cookies([{"name": name, "value": session, "url": tab.base_url}])


def enter_code(tab, device) -> None:
    """The second step of signing in: the code the authenticator app `device` shows now."""
    page = tab.page
    assert "/account/tweestaps/" in page.url, page.url
    page.locator("main").get_by_label("Code").fill(code_for(device))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    assert "/account/tweestaps/" not in page.url, "the code was not accepted"


def sign_in_with_code(tab, user, password: str) -> None:
    """Log in as a practitioner does: the password, then a code from a new authenticator device
    (a new one each time: a code is accepted once per time step)."""
    device = confirmed_device(user)
    sign_in(tab, user.email, password)
    enter_code(tab, device)


# --- a page, a click, an email (the journeys of booking and outreach)


def check(page, what: str) -> None:
    """What every page must be: styled, fitting the window (390 px on the phone), accessible."""
    assert_styled(page)
    assert_fits_the_screen(page)
    assert_accessible(page, what)


def click_to(page, locator, status: int = 200):
    """Click a link or button that loads a page; returns the page's HTTP response."""
    with page.expect_navigation() as nav:
        locator.click()
    response = nav.value
    assert response.status == status, f"{page.url}: {response.status}"
    return response


def a_free_time(page, notice_hours: int):
    """A free time on the week of times shown that stays bookable while the test runs: the first
    one at least a step (15 minutes) after the notice ends now, from the next week when this one
    has none. The week's very first time may lie seconds after the notice ends, and a slow moment
    between choosing it and booking it then puts it inside the notice (a 422)."""
    not_before = timezone.now() + timedelta(hours=notice_hours, minutes=15)
    for _week in range(2):
        times = page.locator("main form button[name=start]")
        for value in times.evaluate_all("buttons => buttons.map(b => b.value)"):
            if datetime.fromisoformat(value) >= not_before:
                return page.locator(f'main form button[name=start][value="{value}"]').first
        click_to(page, page.locator("a[rel=next]"))
    raise AssertionError("no free time in this week or the next")


def sent_to(address: str) -> list:
    return [message for message in mail.outbox if message.to == [address]]


def the_only_new_email(address: str, seen: int):
    """The one email `address` got since it had `seen`."""
    new = sent_to(address)[seen:]
    assert len(new) == 1, [m.subject for m in new]
    return new[0]


def link_path(message, pattern: str) -> str:
    """The path of the link in the email's text that matches `pattern` (SITE_URL dropped)."""
    match = re.search(rf"https?://[^/\s]+({pattern})", message.body)
    assert match, f"no link matching {pattern} in:\n{message.body}"
    return match.group(1)
