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
