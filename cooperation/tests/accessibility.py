"""Accessibility checks for the browser tests: axe-core (vendored in tests/vendor/axe-core, not
served with the portal) run on the page as it stands, and the language switch."""

from pathlib import Path

AXE_SOURCE = (Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js").read_text()
# WCAG 2.0 and 2.1, levels A and AA, and the landmark rules of axe's best practice (two search
# boxes must not share a name).
AXE_RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_EXTRA_RULES = ["landmark-unique", "landmark-no-duplicate-banner", "landmark-one-main", "page-has-heading-one"]

RUN_AXE = """async ([tags, extra]) => {
    const result = await axe.run(document, {
        runOnly: {type: "tag", values: tags},
        rules: Object.fromEntries(extra.map((rule) => [rule, {enabled: true}])),
        resultTypes: ["violations"],
    });
    return result.violations.map((violation) => ({
        rule: violation.id,
        impact: violation.impact,
        help: violation.help,
        nodes: violation.nodes.slice(0, 5).map((node) => node.target.join(" ") + " | " + node.failureSummary),
    }));
}"""


def axe_violations(page) -> list[dict]:
    """What axe-core finds wrong on the page now. Evaluated through the DevTools protocol, which
    the page's Content-Security-Policy does not govern (a <script> tag added would be refused)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE)
    return page.evaluate(RUN_AXE, [AXE_RULES, AXE_EXTRA_RULES])


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{violation['rule']} ({violation['impact']}): {violation['help']}\n    " + "\n    ".join(violation["nodes"])
        for violation in violations
    )


def switch_language(page, language: str) -> None:
    if page.locator("html").get_attribute("lang") != language:
        with page.expect_navigation():
            page.select_option("#language-switch", language)
