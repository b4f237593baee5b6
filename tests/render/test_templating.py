"""Templates: data-folder overrides win, HTML is escaped, the sandbox holds."""

from __future__ import annotations

from decimal import Decimal

import pytest

from learncli.errors import DataError
from learncli.render.templating import Templates


def test_a_data_folder_template_overrides_the_default_by_name(tmp_path):
    (tmp_path / "README.md").write_text("mine: {{ who }}\n")
    templates = Templates(tmp_path)
    assert templates.render("README.md", who="Ann") == "mine: Ann\n"
    assert templates.source_of("README.md") == tmp_path / "README.md"


def test_html_is_autoescaped_and_text_is_not(tmp_path):
    (tmp_path / "x.html").write_text("<p>{{ name }}</p>")
    (tmp_path / "x.txt").write_text("{{ name }}")
    templates = Templates(tmp_path)
    assert templates.render("x.html", name="<script>alert(1)</script>") == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
    assert templates.render("x.txt", name="O'Neil & <Co>") == "O'Neil & <Co>"


@pytest.mark.parametrize(
    "body",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ name.__class__.__init__.__globals__ }}",
        "{{ (name|attr('__class__')).__base__ }}",
        "{{ '{0.__class__.__init__.__globals__}'.format(name) }}",
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    ],
)
def test_a_template_reaching_for_python_internals_fails_safely(tmp_path, body):
    (tmp_path / "evil.txt").write_text(body)
    with pytest.raises(DataError) as caught:
        Templates(tmp_path).render("evil.txt", name="Ann")
    [diag] = caught.value.diagnostics
    assert diag.code == "T001" and diag.path.endswith("evil.txt")


def test_an_undefined_value_is_an_error_with_its_line(tmp_path):
    (tmp_path / "t.txt").write_text("Hello\n{{ nobody }}\n")
    with pytest.raises(DataError) as caught:
        Templates(tmp_path).render("t.txt")
    [diag] = caught.value.diagnostics
    assert diag.line == 2 and "nobody" in diag.message


def test_a_syntax_error_names_the_line(tmp_path):
    (tmp_path / "t.txt").write_text("ok\n{% if %}\n")
    with pytest.raises(DataError) as caught:
        Templates(tmp_path).render("t.txt")
    assert caught.value.diagnostics[0].line == 2


def test_money_and_day_filters(tmp_path):
    from datetime import date

    (tmp_path / "t.txt").write_text("{{ fee|money('GBP') }} on {{ when|day }} / {{ when|long_day }}")
    out = Templates(tmp_path).render("t.txt", fee=Decimal("575"), when=date(2026, 12, 2))
    assert out == "£575.00 on Wed 2 Dec 2026 / Wednesday 2 December 2026"


# --- what a template may read ----------------------------------------------------------

SECRET = "SECRET-4c2 from outside the templates folder"


def render_error(folder, template="t.txt", **context):
    with pytest.raises(DataError) as caught:
        Templates(folder).render(template, **context)
    [diag] = caught.value.diagnostics
    assert diag.code == "T001"
    return diag


@pytest.fixture
def folder(tmp_path):
    templates = tmp_path / "data" / "templates"
    templates.mkdir(parents=True)
    (tmp_path / "secret.txt").write_text(SECRET)
    return templates


def test_an_include_of_a_link_to_a_file_outside_is_refused_and_never_printed(folder, tmp_path):
    (folder / "notes.txt").symlink_to(tmp_path / "secret.txt")
    (folder / "t.txt").write_text("Dear {{ who }},\n{% include 'notes.txt' %}\n")
    diag = render_error(folder, who="Ann")
    assert (diag.path, diag.line) == (str(folder / "t.txt"), 2)
    assert "includes 'notes.txt', which it cannot use" in diag.message and str(tmp_path / "secret.txt") in diag.message
    assert SECRET not in diag.message


def test_a_link_to_a_folder_outside_is_refused_too(folder, tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "x.txt").write_text(SECRET)
    (folder / "parts").symlink_to(tmp_path / "elsewhere")
    (folder / "t.txt").write_text("{% include 'parts/x.txt' %}")
    assert "which it cannot use" in render_error(folder).message


def test_a_link_that_stays_inside_is_followed(folder):
    (folder / "real.txt").write_text("shared {{ who }}")
    (folder / "alias.txt").symlink_to(folder / "real.txt")
    (folder / "t.txt").write_text("{% include 'alias.txt' %}")
    assert Templates(folder).render("t.txt", who="Ann") == "shared Ann"


def test_an_include_of_etc_passwd_is_t001_naming_the_include_at_its_line(folder):
    (folder / "t.txt").write_text("ok\n\n{% include '/etc/passwd' %}\n")
    diag = render_error(folder)
    assert diag.line == 3 and diag.path == str(folder / "t.txt")
    assert "the template includes '/etc/passwd', which it cannot use" in diag.message
    assert "root:" not in diag.message


@pytest.mark.parametrize(
    "name",
    ["../secret.txt", "a/../../secret.txt", "C:\\secret.txt", "..\\secret.txt", "x:y", "a\x00b", "//etc/passwd", ""],
)
def test_names_that_are_not_relative_are_refused(folder, name):
    (folder / "t.txt").write_text("{% include name %}")
    diag = render_error(folder, name=name)
    assert "which it cannot use" in diag.message and diag.line == 1


def test_a_refused_include_is_not_hidden_by_ignore_missing(folder):
    (folder / "t.txt").write_text("{% include '/etc/passwd' ignore missing %}")
    assert "cannot use" in render_error(folder).message


def test_a_missing_include_names_the_include_not_the_template(folder):
    (folder / "t.txt").write_text("a\n{% include 'nothere.txt' %}")
    diag = render_error(folder)
    assert diag.line == 2 and "includes 'nothere.txt', which it cannot use: there is no such template" in diag.message


def test_a_missing_parent_is_named_as_extended(folder):
    (folder / "t.txt").write_text("{% extends 'base.txt' %}")
    assert "extends 'base.txt'" in render_error(folder).message


def test_an_error_inside_an_included_template_names_that_file_and_line(folder):
    (folder / "part.txt").write_text("one\ntwo {{ nobody }}\n")
    (folder / "t.txt").write_text("{% include 'part.txt' %}")
    diag = render_error(folder)
    assert (diag.path, diag.line) == (str(folder / "part.txt"), 2)


def test_a_fifo_or_a_device_is_refused_without_blocking(folder):
    import os

    os.mkfifo(folder / "pipe.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    for name in ("pipe.txt", "zero.txt"):
        (folder / "t.txt").write_text(f"{{% include '{name}' %}}")
        assert "which it cannot use" in render_error(folder).message


def test_a_huge_template_is_refused(folder):
    from learncli.render.confine import TEMPLATE_LIMIT

    (folder / "big.txt").write_text("x" * (TEMPLATE_LIMIT + 1))
    (folder / "t.txt").write_text("{% include 'big.txt' %}")
    assert "limit" in render_error(folder).message


def test_a_shipped_template_can_be_included_from_the_data_folder(folder):
    (folder / "t.txt").write_text("{% include 'README.md' %}")
    assert Templates(folder).render("t.txt")


def test_an_unknown_top_level_template_is_still_not_found(folder):
    from learncli.errors import NotFound

    with pytest.raises(NotFound):
        Templates(folder).render("nothing-here.txt")


def test_an_edited_template_is_read_again(folder):
    import os

    templates = Templates(folder)
    (folder / "t.txt").write_text("one")
    assert templates.render("t.txt") == "one"
    (folder / "t.txt").write_text("two")
    os.utime(folder / "t.txt", ns=(1, 10**9 * 2_000_000_000))
    assert templates.render("t.txt") == "two"


# --- templates that never finish -------------------------------------------------------

EXPLOSIVE = [
    "{{ (9999999999*'a')|length }}",
    "{{ ('a' * 1000000 * 1000000)|length }}",
    "{{ ([1] * 9999999999)|length }}",
    "{{ 'a' * 2 ** 40 }}",
    "{{ 9 ** (9 ** 9) }}",
    "{{ (2 ** 90000) * (2 ** 90000) }}",
    "{{ '%999999999s' % 'a' }}",
    "{{ '%*s' % (999999999, 'a') }}",
    "{{ '%.999999999f' % 1.5 }}",
    "{{ '{:>999999999}'.format('a') }}",
    "{{ '{:{}}'.format('a', 999999999) }}",
    "{{ '{:.999999999f}'.format(1.5) }}",
    "{{ 'a'.center(999999999) }}",
    "{{ 'a'.ljust(999999999) }}",
    "{{ 'a'.zfill(999999999) }}",
    "{{ ('\t' * 1000).expandtabs(999999999) }}",
    "{{ 'a'|center(999999999) }}",
    "{{ 'a\\nb'|indent(999999999) }}",
    "{{ range(10)|batch(999999999, 'x')|list }}",
    "{{ range(10)|slice(999999999)|list }}",
    "{{ '%999999999s'|format('a') }}",
    "{{ ('a' * 1000000)|replace('a', 'bb') }}",
    "{{ ('a' * 1000000).replace('', 'b') }}",
    "{{ ['a' * 1000000, 'b']|join }}",
    "{{ ','.join(['a' * 999999, 'b']) }}",
    "{{ [['a'] * 600000, ['b'] * 600000]|sum(start=[]) }}",
    "{{ range(10 ** 9)|list }}",
    "{{ lipsum(1000000) }}",
    "{% set ns = namespace(x='ab') %}{% for i in range(40) %}{% set ns.x = ns.x ~ ns.x %}{% endfor %}",
    "{% set ns = namespace(x='ab') %}{% for i in range(40) %}{% set ns.x = ns.x + ns.x %}{% endfor %}",
    "{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}",
    "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}",
]


@pytest.mark.parametrize("body", EXPLOSIVE)
def test_an_explosive_template_is_stopped_quickly_at_its_line(folder, body):
    import time

    (folder / "t.txt").write_text(f"Invoice\n{body}\n")
    started = time.monotonic()
    diag = render_error(folder)
    assert time.monotonic() - started < 5
    assert diag.line == 2 and diag.path == str(folder / "t.txt")
    assert "stopped" in diag.message or "failed" in diag.message


def test_a_template_that_loops_for_ever_is_stopped_by_the_clock(folder, monkeypatch):
    import signal
    import time

    from learncli.render import bounds

    monkeypatch.setattr(bounds, "TIME_LIMIT", 0.5)
    before = signal.getsignal(signal.SIGALRM)
    (folder / "t.txt").write_text("a\n{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n")
    started = time.monotonic()
    diag = render_error(folder)
    assert time.monotonic() - started < 3
    assert diag.line == 2 and "ran for more than 0.5 seconds" in diag.message
    assert signal.getsignal(signal.SIGALRM) is before and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_the_memory_limit_is_put_back(folder):
    import resource

    before = resource.getrlimit(resource.RLIMIT_AS)
    (folder / "t.txt").write_text("{{ 'a' * 10 }}")
    assert Templates(folder).render("t.txt") == "a" * 10
    assert resource.getrlimit(resource.RLIMIT_AS) == before


def test_what_a_template_may_build_within_the_bounds_still_works(folder):
    (folder / "t.txt").write_text(
        "{{ ('ab' * 3)|length }} {{ 2 ** 10 }} {{ '%5s|' % 'x' }} {{ '{:>4}'.format(7) }} {{ 'x'|center(5) }}|"
        "{{ range(3)|join(',') }} {{ [1, 2] + [3] }} {{ 'a' ~ 'b' }} {{ 'aXa'|replace('X', '-') }}"
    )
    assert Templates(folder).render("t.txt") == "6 1024     x|    7   x  |0,1,2 [1, 2, 3] ab a-a"
