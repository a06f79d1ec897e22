"""Submitting the form a page rendered, the way a browser builds its submission.

Entry pages are tested with what they render, never with POST bodies written by hand: a field the
page forgets to render, a row it renders without its id, a select whose stored choice is missing
from its options, a textarea whose line breaks come back as CRLF, all show up here as they would
for a person pressing Save.

    form = RenderedForm.get(client, url)       # the page's entry form
    form["parties-0-signatory_position"] = "Rector"
    response = form.submit(client)

The entry list follows the HTML standard's "constructing the entry list": controls of the form
(not inside a <template>, which is what static/js/formset.js copies for "add a row"), less the
disabled ones, the nameless ones, unchecked boxes and radios, buttons other than the submitter and
file inputs left empty; a single <select> with no option marked selected sends its first enabled
option; a textarea loses the newline that follows its start tag, and every line break in a value
is sent as CRLF.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.html

BUTTON_TYPES = {"submit", "image", "reset", "button"}
# Input types whose value the browser strips of line breaks (and, for some, of outer spaces).
TRIMMED = {"email", "url"}
DATE = re.compile(r"^\d{4,}-\d{2}-\d{2}$")
NUMBER = re.compile(r"^-?(\d+(\.\d+)?|\.\d+)([eE][-+]?\d+)?$")


@dataclass
class Control:
    """One named control: what it offers (options) and what it sends now (values)."""

    name: str
    kind: str  # the input's type, or "select", "select-multiple", "textarea"
    values: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)  # boxes, radios and options, in page order
    required: bool = False
    autocomplete: bool = False  # a <select> that script fills as the user types: any id goes

    @property
    def multiple(self) -> bool:
        return self.kind in ("checkbox", "select-multiple")

    @property
    def value(self) -> str | None:
        return self.values[0] if self.values else None


class RenderedForm:
    """A <form> as rendered, whose named controls a test may change before submitting it."""

    def __init__(self, element, url: str):
        self.url = url
        self.action = element.get("action") or url
        self.method = (element.get("method") or "get").lower()
        self.controls: dict[str, Control] = {}
        self.submitters: list[tuple[str, str]] = []
        for control in _controls_of(element):
            self._read(control)

    # --- reading a page ---------------------------------------------------------------------

    @classmethod
    def get(cls, client, url: str, *, containing: str | None = None) -> RenderedForm:
        """GET the page and read its entry form: the POST form holding the field `containing`,
        or else the POST form with the most controls (not the language switcher or log-out)."""
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return cls.from_html(response.content.decode(), url, containing=containing)

    @classmethod
    def from_html(cls, html: str, url: str, *, containing: str | None = None) -> RenderedForm:
        document = lxml.html.document_fromstring(html)
        forms = [cls(element, url) for element in document.iter("form")]
        forms = [form for form in forms if form.method == "post"]
        if containing:
            forms = [form for form in forms if containing in form.controls]
        assert forms, f"no POST form{' with ' + containing if containing else ''} on {url}"
        return max(forms, key=lambda form: len(form.controls))

    def _read(self, element) -> None:
        tag = element.tag
        name = element.get("name")
        if tag == "button" or (tag == "input" and (element.get("type") or "").lower() in BUTTON_TYPES):
            kind = (element.get("type") or "submit").lower()
            if kind in ("submit", "image") and name:
                self.submitters.append((name, element.get("value", "")))
            return
        if not name:
            return
        required = element.get("required") is not None
        if tag == "textarea":
            text = element.text_content()
            # The HTML parser drops one newline right after <textarea>; lxml keeps it.
            text = text[1:] if text.startswith("\n") else text
            self.controls[name] = Control(name, "textarea", [text], required=required)
        elif tag == "select":
            self._read_select(element, name, required)
        else:
            kind = (element.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                control = self.controls.setdefault(name, Control(name, kind, required=required))
                value = element.get("value", "on")
                control.options.append(value)
                if element.get("checked") is not None:
                    if kind == "radio":
                        control.values = [value]
                    else:
                        control.values.append(value)
            elif kind == "file":
                self.controls[name] = Control(name, "file", [])
            else:
                self.controls[name] = Control(
                    name, kind, [_sanitized(kind, element.get("value", ""))], required=required
                )

    def _read_select(self, element, name: str, required: bool) -> None:
        multiple = element.get("multiple") is not None
        control = Control(
            name,
            "select-multiple" if multiple else "select",
            required=required,
            autocomplete=element.get("data-autocomplete-url") is not None,
        )
        enabled = []
        for option in element.iter("option"):
            value = option.get("value")
            if value is None:
                value = " ".join(option.text_content().split())
            control.options.append(value)
            disabled = option.get("disabled") is not None or _in_disabled_optgroup(option)
            if not disabled:
                enabled.append(value)
            if option.get("selected") is not None and not disabled:
                control.values = [*control.values, value] if multiple else [value]
        shown_as_list = (element.get("size") or "1").strip() not in ("0", "1")
        if not multiple and not shown_as_list and not control.values and enabled:
            control.values = [enabled[0]]  # the browser selects the first option
        self.controls[name] = control

    # --- changing it ------------------------------------------------------------------------

    def __contains__(self, name: str) -> bool:
        return name in self.controls

    def __getitem__(self, name: str) -> str | list[str] | None:
        control = self.controls[name]
        return list(control.values) if control.multiple else control.value

    def __setitem__(self, name: str, value) -> None:
        """Type into a box, choose an option, tick boxes (a list for several), or untick with None
        or []. Only what the page offers can be chosen, as in a browser."""
        control = self.controls[name]
        values = (
            [] if value is None else [str(item) for item in value] if isinstance(value, list | tuple) else [str(value)]
        )
        if control.kind in ("checkbox", "radio", "select", "select-multiple") and not control.autocomplete:
            unknown = [item for item in values if control.options and item not in control.options]
            assert not unknown, f"{name} offers no {unknown} (it offers {control.options[:20]})"
        assert control.multiple or len(values) <= 1, f"{name} takes one value"
        control.values = values

    def check(self, name: str, value: str = "on") -> None:
        control = self.controls[name]
        self[name] = [*control.values, str(value)] if control.multiple else str(value)

    def uncheck(self, name: str, value: str | None = None) -> None:
        control = self.controls[name]
        self[name] = [item for item in control.values if value is not None and item != str(value)]

    def names(self) -> list[str]:
        return list(self.controls)

    def row_index(self, prefix: str, pk) -> int:
        """The index of the formset row the page rendered for the stored row `pk` (rows are in
        the page's order, which may not be the order they were entered in)."""
        total = int(self[f"{prefix}-TOTAL_FORMS"])
        return next(index for index in range(total) if self[f"{prefix}-{index}-id"] == str(pk))

    # --- sending it -------------------------------------------------------------------------

    def entries(self, submitter: str | None = None) -> list[tuple[str, str]]:
        """The name-value pairs a browser sends, in page order, line breaks as CRLF."""
        pairs = [(name, value) for name, control in self.controls.items() for value in control.values]
        if submitter is not None:
            matching = [pair for pair in self.submitters if pair[0] == submitter]
            assert matching, f"no submit button named {submitter}"
            pairs.append(matching[0])
        return [(name, _crlf(value)) for name, value in pairs]

    def data(self, submitter: str | None = None) -> dict[str, list[str]]:
        """The entries grouped by name, as Django's test client takes them."""
        grouped: dict[str, list[str]] = {}
        for name, value in self.entries(submitter):
            grouped.setdefault(name, []).append(value)
        return grouped

    def submit(self, client, *, submitter: str | None = None, follow: bool = False):
        assert self.method == "post", "only POST forms are submitted by these tests"
        return client.post(self.action, self.data(submitter), follow=follow)

    def values(self) -> dict[str, list[str]]:
        """What every control holds, for comparing two renderings of the same record (the CSRF
        token, new on every page, left out)."""
        return {name: list(control.values) for name, control in self.controls.items() if name != "csrfmiddlewaretoken"}


def _controls_of(form):
    """The form's listed elements in tree order, less those in a <template> or a disabled
    fieldset (outside its first legend) and the disabled ones."""
    for element in form.iter("input", "select", "textarea", "button"):
        if element.get("disabled") is not None or _inside_template(element, form) or _in_disabled_fieldset(element):
            continue
        yield element
    # Controls outside the form that name it with form="id".
    form_id = form.get("id")
    if form_id:
        for element in form.getroottree().getroot().iter("input", "select", "textarea", "button"):
            if element.get("form") == form_id and not _is_descendant(element, form):
                if element.get("disabled") is None:
                    yield element


def _inside_template(element, form) -> bool:
    return any(ancestor.tag == "template" for ancestor in element.iterancestors() if _is_descendant(ancestor, form))


def _in_disabled_fieldset(element) -> bool:
    for ancestor in element.iterancestors("fieldset"):
        if ancestor.get("disabled") is not None:
            legend = next(iter(ancestor.iterchildren("legend")), None)
            if legend is None or not _is_descendant(element, legend):
                return True
    return False


def _in_disabled_optgroup(option) -> bool:
    parent = option.getparent()
    return parent is not None and parent.tag == "optgroup" and parent.get("disabled") is not None


def _is_descendant(element, ancestor) -> bool:
    return any(parent is ancestor for parent in element.iterancestors())


def _sanitized(kind: str, value: str) -> str:
    """The value sanitization algorithm of each input type, as far as these pages use them."""
    if kind in ("text", "search", "tel", "password"):
        return value.replace("\r", "").replace("\n", "")
    if kind in TRIMMED:
        return value.replace("\r", "").replace("\n", "").strip()
    if kind == "number":
        return value if NUMBER.match(value) else ""
    if kind == "date":
        return value if DATE.match(value) else ""
    return value


def _crlf(value: str) -> str:
    return re.sub(r"\r\n|\r|\n", "\r\n", value)
