"""XSS and template-injection sweep: a tagged corpus in every text field, every HTML page read in Chromium.

How it works (issue #22, part 4):

1. The registry's example-URL builders run first (`PageSpec.example_url(ctx)`): each creates what its page
   shows, so after them the database holds the objects every registered page displays.
2. Every text-like field of every `maillage.*` model is then filled with a corpus of payloads, each tagged
   with a marker naming the field (`xq<n>q`). The fields are discovered by walking
   `django.apps.apps.get_models()`, so a new field is covered without editing this file. Skipped: slugs,
   e-mails, fields with choices, unique fields, fields too short to hold any payload, the machine fields
   listed in `MACHINE_FIELDS` (codes, hashes, tokens, state names, keys the code looks things up by) and
   those of `SKIPPED_FIELDS`, each with its reason. The values are written through the ORM
   (`QuerySet.update`), not through the forms: this is a rendering test, it asks what a page does with hostile
   text *if* it is stored (by a form, an import, a feed, the API, the admin, an older version); the forms'
   own validation is tested with each app. Fields that hold HTML the app sanitised itself before storing
   (`SANITISED_HTML_FIELDS`) get the corpus through that same sanitiser, as the app would store it.
3. The lettre is recomposed from every content provider (the service's `compose_blocks`, which sanitises what
   the providers build) so its blocks carry the corpus too.
4. Every registered HTML page (`registry.pages`, kind "page") is opened in Chromium as the signed-in role the
   accessibility check uses (`axe_roles`), else anonymously, with a `dialog` handler. Then, on each page:
   no dialog fired; no `xq<n>q49xq<n>q` (a `{{ 7*7 }}` or `${7*7}` that was evaluated) nor the output of
   `{% debug %}`; no element with an `on*` attribute carrying a marker; no `javascript:` href/src/action
   carrying a marker; no `<script>` whose text has a marker (JSON data blocks excepted, if they still parse).
   The lettre's HTML (the mail) is loaded with `page.set_content` and checked the same way; its text part
   is checked for evaluated template expressions.

A page that crashes or answers other than 200 with the corpus stored is reported too: hostile text must not
break a page.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.db.models import Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from maillage.core.registry import registry
from tests.browser.axe import axe_roles

pytestmark = pytest.mark.browser

HTML_PAGES = sorted(name for name, spec in registry.pages.items() if spec.kind == "page")

MARKER_RE = r"xq\d+q"

# The corpus: each payload gets the field's marker. `{{ 7*7 }}` and `${7*7}` sit between two markers so an
# evaluation shows as « <m>49<m> ».
PAYLOADS = (
    "<script>alert('{m}')</script>",
    '"><img src=x onerror=alert("{m}")>',
    "{m}{{{{ 7*7 }}}}{m}",
    "</textarea><svg onload=alert('{m}')>",
    "[x](javascript:alert('{m}'))",
    "<a href=\"javascript:alert('{m}')\">{m}</a>",
    "{m}${{7*7}}{m}",
    "{m}{{% debug %}}{m}",
)
# Last (when it fits): the text after an injected <iframe> is the iframe's raw text, it would hide the rest.
LAST_PAYLOAD = "'><iframe srcdoc=\"<script>alert('{m}')</script>\">"
URL_PAYLOAD = "javascript:alert('{m}')"

# Names of fields that hold codes, hashes, tokens, state names or keys the code looks things up by: they are
# never shown as free text, or the app only stores values it computed or checked against a fixed format.
MACHINE_FIELDS = frozenset(
    {
        "password",
        "digest",
        "key_hash",
        "address_hash",
        "token_digest",
        "prefix",
        "from_state",
        "to_state",
        "kind",
        "key",
        "metric_key",
        "target_key",
        "uid",
        "rrule",
        "insee_code",
        "accent_color",
        "siren",
        "siret",
        "rna",
        "naf_code",
        "legal_form",
        "postal_code",
        "grantor_siret",
        "supplier_siret",
        "name_key",
        "name_terms",
        "search_text",
        "content_type",
        "path",
        "fmt",
        "dataset",
        "segment_value",
        "message_id",
        "receipt_number",
        "family",
        "size_class",
        "last_task_id",
        "checkin_code",
        "cpv",
        "offer_types",
        "depends_value",
        "history_change_reason",
    }
)
# Fields named in full (app_label.Model.field) with why they are left alone.
SKIPPED_FIELDS: dict[str, str] = {
    "core.UsedToken.purpose": "a token's purpose, set by the code",
    "matchmaking.Run.method": "the name of the algorithm, set by the code",
    "core.ScheduledJob.name": "a job's name, set by the code",
    "core.Territory.canonical_url": "the installation's own address, set by the operator (admin form, or "
    "create_or_update_territory, both validating it): every absolute link is built from it",
}
# Fields holding HTML that the app sanitised before storing it: they get the corpus through the sanitiser.
SANITISED_HTML_FIELDS = frozenset(
    {
        "workspace.Post.body_html",
        "workspace.AtelierMeeting.minutes_html",
        "workspace.HistoricalAtelierMeeting.minutes_html",
    }
)
MIN_LENGTH = 24


@dataclass(frozen=True)
class Filled:
    label: str  # app_label.Model.field
    marker: str
    value: str


def text_fields() -> list[tuple[type[models.Model], models.Field, str]]:
    """Every text-like field of the maillage models that the sweep fills, with its label."""
    found = []
    for model in apps.get_models():
        if not model.__module__.startswith("maillage.") or model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            label = f"{model._meta.label}.{field.name}"
            if not isinstance(field, models.CharField | models.TextField):
                continue
            if isinstance(field, models.SlugField | models.EmailField) or field.choices or field.unique:
                continue
            if field.primary_key or field.name in MACHINE_FIELDS or label in SKIPPED_FIELDS:
                continue
            if field.max_length is not None and field.max_length < MIN_LENGTH:
                continue
            found.append((model, field, label))
    return found


def corpus_value(marker: str, index: int, max_length: int | None, *, url: bool) -> str:
    """The payloads for one field, tagged with its marker, as many as fit (starting at a rotating one)."""
    if url:
        return URL_PAYLOAD.format(m=marker)
    payloads = [p.format(m=marker) for p in PAYLOADS]
    start = index % len(payloads)
    rotated = payloads[start:] + payloads[:start]
    value = ""
    for payload in rotated:
        candidate = f"{value} {payload}" if value else payload
        if max_length is None or len(candidate) <= max_length:
            value = candidate
    last = LAST_PAYLOAD.format(m=marker)
    if max_length is None or len(value) + 1 + len(last) <= max_length:
        value = f"{value} {last}"
    return value


def unique_together_fields(model: type[models.Model]) -> set[str]:
    """The fields that are part of a multi-field uniqueness rule of the model."""
    names = {name for group in model._meta.unique_together for name in group}
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            names.update(constraint.fields)
    return names


def fill_text_fields() -> list[Filled]:
    from maillage.core.text import sanitize_html

    filled = []
    for index, (model, field, label) in enumerate(text_fields()):
        marker = f"xq{index}q"
        is_url = isinstance(field, models.URLField) or field.name.endswith("url")
        unique = field.name in unique_together_fields(model)
        max_length = field.max_length - 12 if unique and field.max_length else field.max_length
        value = corpus_value(marker, index, max_length, url=is_url)
        if label in SANITISED_HTML_FIELDS:
            value = sanitize_html(value)
        if unique:  # each row keeps a value of its own: the corpus then the row's id
            new: Any = Concat(Value(value + " "), Cast("pk", output_field=models.CharField()))
        else:
            new = value
        model._base_manager.update(**{field.name: new})
        filled.append(Filled(label=label, marker=marker, value=value))
    return filled


def recompose_lettres(ctx: Any) -> int:
    """Recompose every issue of the lettre from every content provider (with news since long ago)."""
    from maillage.newsletter.models import Issue
    from maillage.newsletter.services.issues import compose_blocks

    providers = sorted(registry.content_providers)
    since = timezone.now() - dt.timedelta(days=3650)
    issues = list(Issue.objects.select_related("territory"))
    for issue in issues:
        blocks = compose_blocks(issue.territory, providers, issue.editorial, since)
        Issue.objects.filter(pk=issue.pk).update(blocks=blocks, providers=providers)
    return len(issues)


# The DOM check, run in the page: what a marker must never be part of.
DOM_CHECK = """
(markerSource) => {
  const marker = new RegExp(markerSource);
  const problems = [];
  const urlAttributes = ["href", "src", "action", "formaction", "xlink:href", "data", "poster"];
  for (const el of document.querySelectorAll("*")) {
    for (const attribute of el.attributes) {
      const name = attribute.name.toLowerCase();
      const value = attribute.value;
      if (!marker.test(value)) continue;
      if (name.startsWith("on")) problems.push(`<${el.tagName.toLowerCase()} ${name}="${value}">`);
      if (name === "srcdoc") problems.push(`<${el.tagName.toLowerCase()} srcdoc="${value}">`);
      if (urlAttributes.includes(name) && /^\\s*javascript:/i.test(value)) {
        problems.push(`<${el.tagName.toLowerCase()} ${name}="${value}">`);
      }
    }
    if (el.localName === "script" && marker.test(el.textContent)) {
      const type = (el.getAttribute("type") || "").toLowerCase();
      let dataBlock = type === "application/json" || type === "application/ld+json";
      if (dataBlock) {
        try { JSON.parse(el.textContent); } catch (e) { dataBlock = false; }
      }
      if (!dataBlock) problems.push(`<script>${el.textContent.slice(0, 200)}</script>`);
    }
  }
  return problems;
}
"""
EVALUATED = re.compile(rf"({MARKER_RE})\s*49\s*\1")
DEBUG_OUTPUT = ("'False': False", "&#x27;False&#x27;: False", "{'True': True")


def text_problems(where: str, text: str) -> list[str]:
    problems = [f"{where}: template expression evaluated: {m.group(0)!r}" for m in EVALUATED.finditer(text)]
    if any(sign in text for sign in DEBUG_OUTPUT):
        problems.append(f"{where}: the output of {{% debug %}} is shown")
    return problems


def page_problems(where: str, page: Any, dialogs: list[str]) -> list[str]:
    problems = [f"{where}: dialog {message!r}" for message in dialogs]
    dialogs.clear()
    problems += [f"{where}: {p}" for p in page.evaluate(DOM_CHECK, MARKER_RE)]
    problems += text_problems(where, page.content())
    problems += text_problems(where, page.inner_text("body") if page.query_selector("body") else "")
    return problems


def role_for(spec: Any) -> str | None:
    """The signed-in role the accessibility check uses, else anonymous (None: nobody gets 200)."""
    roles = axe_roles(spec)
    if not roles:
        return None
    return roles[-1]


def open_pages(new_context: Any, ctx: Any) -> tuple[dict[str, Any], list[str]]:
    """One browser page per role, all sharing a dialog log."""
    dialogs: list[str] = []
    pages = {}
    for role, user in ctx.users.items():
        page = new_context(user=user).new_page()

        def record(dialog: Any, role: str = role) -> None:
            dialogs.append(f"{dialog.type} as {role}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", record)
        pages[role] = page
    return pages, dialogs


def test_fields_are_discovered_from_the_models():
    labels = {label for _, _, label in text_fields()}
    # A few that must be there, and a few that must not.
    assert {"actors.Structure.description", "events.Event.title", "newsletter.Issue.editorial"} <= labels
    assert "actors.Structure.siret" not in labels and "accounts.User.password" not in labels
    assert len(labels) > 150


def test_corpus_fits_and_is_tagged():
    for max_length in (24, 30, 80, 200, None):
        value = corpus_value("xq7q", 3, max_length, url=False)
        assert value and "xq7q" in value
        assert max_length is None or len(value) <= max_length
    assert all(
        p in corpus_value("xq1q", 0, None, url=False) for p in ("<script>", "{{ 7*7 }}", "javascript:")
    )
    assert text_problems("t", "a xq3q49xq3q b") and not text_problems("t", "xq3q{{ 7*7 }}xq3q")


def test_the_checks_catch_what_they_look_for(chromium):
    """The same checks on a page that renders the corpus raw (no CSP): every kind of hole is reported."""
    context = chromium.new_context()
    try:
        page = context.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        raw = corpus_value("xq1q", 0, None, url=False).replace("{{ 7*7 }}", "49").replace("${7*7}", "49")
        page.set_content(f'<body><a href="{URL_PAYLOAD.format(m="xq2q")}">x</a><p>{raw}</p></body>')
        found = "\n".join(page_problems("raw", page, dialogs))
    finally:
        context.close()
    for expected in ("dialog", "<script>", "onerror=", "onload=", "javascript:alert('xq2q')", "srcdoc", "49"):
        assert expected in found, f"{expected!r} not reported in:\n{found}"


def test_no_xss_nor_template_injection_on_any_page(example_ctx, new_context, live_url):
    ctx = example_ctx
    urls = {}
    build_failures = []
    for name in HTML_PAGES:
        try:
            urls[name] = registry.pages[name].example_url(ctx)
        except Exception as exc:  # reported with the rest
            build_failures.append(f"{name}: example_url raised {type(exc).__name__}: {exc}")
    filled = fill_text_fields()
    issues = recompose_lettres(ctx)
    assert filled and not build_failures, "\n".join(build_failures)

    pages, dialogs = open_pages(new_context, ctx)
    problems: list[str] = []
    seen_markers: set[str] = set()
    visited = 0
    for name in HTML_PAGES:
        spec = registry.pages[name]
        role = role_for(spec)
        if role is None:
            continue
        page = pages[role]
        response = page.goto(urls[name], wait_until="load")
        status = response.status if response is not None else None
        where = f"{name} as {role} ({urls[name]})"
        if status != 200:
            problems.append(f"{where}: status {status} with the corpus stored")
            continue
        visited += 1
        problems += page_problems(where, page, dialogs)
        seen_markers.update(re.findall(MARKER_RE, page.content()))

    # The lettre as mailed: the HTML part in the browser, the text part for evaluated expressions.
    from maillage.newsletter.models import Issue
    from maillage.newsletter.rendering import prepare

    page = pages["anonymous"]
    for issue in Issue.objects.select_related("territory"):
        prepared = prepare(issue)
        page.set_content(prepared.html)
        problems += page_problems(f"lettre n°{issue.number} (mail HTML)", page, dialogs)
        problems += text_problems(f"lettre n°{issue.number} (mail text)", prepared.text)
        seen_markers.update(re.findall(MARKER_RE, prepared.html))

    shown = sorted({f.label for f in filled if f.marker in seen_markers})
    print(
        f"\nXSS sweep: {len(filled)} fields filled, {len(shown)} of them seen on a page; "
        f"{visited} of {len(HTML_PAGES)} pages visited; {issues} lettre issue(s) rendered"
    )
    assert issues, "no lettre issue was rendered"
    assert visited >= len(HTML_PAGES) * 0.9, f"only {visited} pages visited"
    assert len(shown) > 50, f"only {len(shown)} fields were seen on a page: the sweep proves little"
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)
