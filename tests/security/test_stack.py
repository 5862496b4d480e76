"""The parts of the stack the rest of the suite trusts: a WeasyPrint without the known URL-fetching
holes, and Jinja escaping everything we render, with every way round the escaping written down here."""

import re
from importlib.metadata import version
from pathlib import Path

from packaging.version import Version

from webapp.pdf import document

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = {"templates": "", "partials": "partials/"}  # folder -> name prefix in the app's loader
EMAILS = "emails/"

#: Every `|safe` in our templates, with why it cannot carry a user's markup. (govuk-frontend-jinja's
#: macros have their own `| safe` for "html" params: those are in the package, and our "html" params
#: are listed in HTML_PARAMS_ALLOWED below.)
SAFE_ALLOWED = {
    ("templates/pdf/submission.html", "|safe, and newlines are kept by `white-space: pre-wrap`"):
        "inside a {# #} comment that tells readers the PDF template must not use |safe",
}

#: Every Markup( in webapp/, with why the markup is ours and the text in it is escaped.
MARKUP_ALLOWED = {
    ("webapp/review/views.py", 'Markup("<br>").join(escape(line)'):
        "review_lines: a literal <br> joins lines that are each escaped first",
    ("webapp/formdefs/markup.py", "return Markup(SLOT.sub(text, cached[2]))"):
        "a skeleton the GOV.UK macros rendered (autoescaped), its placeholders replaced by escaped text",
}

#: Every "html" param handed to a govuk macro (which outputs it with | safe), with what fills it.
HTML_PARAMS_ALLOWED = {
    ("partials/review/_response.html", r'"html": response_html'):
        "a {% set %} block (autoescaped) around the response, which review_lines escapes line by line",
    ("templates/review/conflict.html", r'"html": unsent \| review_lines'):
        "review_lines escapes every line of what the caseworker typed (see MARKUP_ALLOWED)",
    ("templates/review/submission.html", r'"html": answer_value\(row\.value, row\["items"\]\)'):
        "answer_value (partials/forms/_answers.html): autoescaped markup; each line through review_lines",
    ("partials/drafts/check.html", r'"html": answer_value\(row\.value_text, row\.items\)'):
        "answer_value (partials/forms/_answers.html): autoescaped markup; each line through review_lines",
    ("partials/attachments/draft_files.html", r'"key": \{"html": key\}'):
        "key is a {% set %} block, autoescaped: the file name is escaped inside our link",
    ("partials/attachments/draft_files.html", r'"value": \{"html": value\}'):
        "value is a {% set %} block, autoescaped: kind, size and description are escaped",
    ("partials/accounts/details_fields.html", r'"conditional": \{"html": professional_html\}'):
        "a {% set %} block of WTForms fields rendered by govuk-frontend-wtf (escaped values)",
    ("partials/forms/_fields.html", r'\{"html": label_html\b'):
        "label_html is a {% set %} block (autoescaped) around the form definition's label",
    ("partials/forms/_fields.html", r'conditional=\{"html": conditional_html\}'):
        "a {% set %} block: the definition's reveal text (escaped) and nested fields rendered by macros",
    ("templates/accounts/register_account.html",
     r'"label": \{"html": form\.\w+\.label\.text ~ required_marker\(true\)\}'):
        "the form's own label text (our code), joined by ~ under autoescape (so escaped), and our asterisk",
    ("partials/accounts/details_fields.html", r'"html": required\(form\.\w+\)'):
        "required(): the form's own label text, autoescaped, and our asterisk markup",
    ("partials/accounts/wrong_password_warning.html", r'"html": warning_html'):
        "a {% set %} block (autoescaped): fixed words, a number of tries and a url_for link",
    ("partials/forms/_fields.html", r'govukButton\(\{"html": "Remove<span'):
        "our markup around the form definition's item label (council-authored data, not user input) "
        "and a loop number",
}


def template_files():
    for folder, prefix in TEMPLATE_DIRS.items():
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file():
                yield prefix + path.relative_to(ROOT / folder).as_posix(), path


def occurrences(paths, pattern: str):
    for path in paths:
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if re.search(pattern, line):
                yield path.relative_to(ROOT).as_posix(), number, line


def check_allowed(found, allowed: dict, *, regex: bool) -> None:
    used = set()
    for relative, number, line in found:
        match = next((key for key in allowed if key[0] == relative
                      and (re.search(key[1], line) if regex else key[1] in line)), None)
        assert match, f"{relative}:{number} is not in the allow-list; say why it is safe or escape it: {line}"
        used.add(match)
    assert used == set(allowed), f"allow-list entries that no longer match anything: {set(allowed) - used}"


def test_weasyprint_is_70_or_newer():
    """Older WeasyPrint had URL-fetching and attachment holes; the PDF code relies on 70's url_fetcher."""
    assert Version(version("weasyprint")) >= Version("70")


def test_every_template_loads_with_autoescape_on(app):
    names = list(template_files())
    assert len(names) > 50
    for name, path in names:
        # The PDF template has its own environment (webapp/pdf/document.py); everything else is Flask's.
        env = document._environment() if name == document.TEMPLATE_NAME else app.jinja_env
        env.get_template(name)  # it compiles, under this name, in the environment that renders it
        autoescape = env.autoescape(name) if callable(env.autoescape) else env.autoescape
        if name.endswith(".txt"):
            # Plain-text emails: no markup to inject into, and escaping would show "&amp;" to the reader.
            assert name.startswith(EMAILS), f"{name}: plain-text templates belong under templates/{EMAILS}"
            continue
        assert autoescape is True, f"{name} renders with autoescape off"
        assert not re.search(r"{%-?\s*autoescape\s+false", path.read_text()), f"{name} turns autoescape off"
    emails = [name for name, _ in names if name.startswith(EMAILS)]
    assert emails and all(name.endswith(".txt") for name in emails), emails


def test_the_pdf_environment_autoescapes_even_strings():
    env = document._environment()
    assert env.autoescape(document.TEMPLATE_NAME) is True
    assert env.autoescape(None) is True  # default_for_string
    assert env.from_string("{{ v }}").render(v="<b>x</b>") == "&lt;b&gt;x&lt;/b&gt;"


def test_the_app_environment_escapes_what_it_renders(app):
    with app.test_request_context():
        from flask import render_template_string

        assert render_template_string("{{ v }}", v='"><img src=x onerror=alert(1)>') == \
            "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;"


def test_every_safe_filter_is_accounted_for():
    paths = [path for _, path in template_files()]
    check_allowed(occurrences(paths, r"\|\s*safe\b"), SAFE_ALLOWED, regex=False)


def test_every_markup_in_the_code_is_accounted_for():
    paths = sorted((ROOT / "webapp").rglob("*.py"))
    check_allowed(occurrences(paths, r"\bMarkup\("), MARKUP_ALLOWED, regex=False)


def test_every_html_param_to_a_govuk_macro_is_accounted_for():
    paths = [path for _, path in template_files()]
    check_allowed(occurrences(paths, r"[\"']html[\"']\s*[:=]|\bhtml=\{"), HTML_PARAMS_ALLOWED, regex=True)
