"""The PDF renderer fetches files inside the data folder (decoded as WeasyPrint decodes
them), and writes no PDF when the document asks for anything else."""

from __future__ import annotations

import re
import shutil
import zlib
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from learncli.errors import LearnError
from learncli.render.invoices import to_pdf
from tests.conftest import BUNDLED, Learn

SECRET = "SECRET-e5b1c0 not for any invoice"
INVOICE = "LWL-2026-0001"


def png(path: Path) -> Path:
    from PIL import Image

    Image.new("RGB", (24, 12), (200, 30, 30)).save(path)
    return path


def images(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(BytesIO(pdf)).pages)


def everything_in(pdf: bytes) -> bytes:
    """The PDF's bytes with every Flate stream inflated, to search for what it embeds."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            pass
    return b"\n".join(parts)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A data folder whose path has a space (WeasyPrint writes it %20 in URLs)."""
    data = tmp_path / "my data"
    data.mkdir()
    png(data / "logo.png")
    (tmp_path / "secret.txt").write_text(SECRET)
    return data


def test_a_stylesheet_inside_the_data_folder_is_used(folder):
    (folder / "style.css").write_text("p { color: red; }")
    pdf = to_pdf('<link rel="stylesheet" href="style.css"><p>hello</p>', folder)
    assert pdf.startswith(b"%PDF-")


def test_anything_outside_the_data_folder_stops_the_document_and_is_named(folder, tmp_path):
    (folder / "style.css").write_text("p { color: red; }")
    (tmp_path / "secret.css").write_text("p { color: blue; }")
    html = (
        '<link rel="stylesheet" href="style.css">'
        f'<link rel="stylesheet" href="file://{tmp_path / "secret.css"}">'
        '<link rel="stylesheet" href="https://example.org/x.css"><p>hello</p>'
    )
    with pytest.raises(LearnError) as caught:
        to_pdf(html, folder)
    message = str(caught.value)
    assert message.startswith("the document was not written")
    assert "secret.css" in message and "example.org" in message
    assert "style.css" not in message


@pytest.mark.parametrize("src", ["logo.png", "./logo.png", "logo.png#top", "logo.png?v=2", "logo.png?v=2#top", "%6cogo.png"])
def test_a_logo_in_a_folder_whose_path_has_a_space_is_embedded(folder, src):
    pdf = to_pdf(f'<p><img src="{src}" alt="logo"></p>', folder)
    assert images(pdf) == 1


def test_a_logo_given_as_an_absolute_url_is_embedded(folder):
    pdf = to_pdf(f'<p><img src="{(folder / "logo.png").as_uri()}"></p>', folder)
    assert images(pdf) == 1


def test_a_link_inside_the_folder_to_a_file_outside_is_not_read(folder, tmp_path):
    (folder / "notes.txt").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(LearnError) as caught:
        to_pdf('<link rel="attachment" href="notes.txt"><p>x</p>', folder)
    assert "not written" in str(caught.value) and str(tmp_path / "secret.txt") in str(caught.value)


@pytest.mark.parametrize(
    "html",
    [
        '<a rel="attachment" href="file:///etc/passwd">terms</a>',
        '<link rel="attachment" href="file:///etc/passwd">',
        '<a href="file:///etc/passwd">terms</a>',
        '<img src="file:///etc/passwd">',
        '<img src="../secret.txt">',
        '<img src="%2e%2e/secret.txt">',
        '<a rel="attachment" href="%2e%2e/secret.txt">terms</a>',
        '<a rel="attachment" href="..%2fsecret.txt#logo.png">terms</a>',
        '<a rel="attachment" href="../secret.txt?/my data/logo.png">terms</a>',
        '<link rel="stylesheet" href="file://localhost/etc/passwd">',
        '<link rel="stylesheet" href="file://otherhost/etc/passwd">',
        '<img src="http://127.0.0.1:9/logo.png">',
        '<img src="ftp://example.org/logo.png">',
        '<style>@import url("file:///etc/passwd");</style>',
        '<style>p { background: url("../secret.txt") }</style><p>x</p>',
    ],
)
def test_a_url_that_leads_out_of_the_folder_is_never_read_and_no_pdf_is_made(folder, html):
    with pytest.raises(LearnError) as caught:
        to_pdf(html + "<p>invoice</p>", folder)
    assert str(caught.value).startswith("the document was not written: it uses ")


def test_a_missing_picture_is_not_a_silent_hole(folder):
    with pytest.raises(LearnError) as caught:
        to_pdf('<img src="missing.png">', folder)
    assert "missing.png" in str(caught.value)


def test_a_data_url_is_used(folder):
    import base64

    encoded = base64.b64encode((folder / "logo.png").read_bytes()).decode()
    assert images(to_pdf(f'<img src="data:image/png;base64,{encoded}">', folder)) == 1


# --- through the command --------------------------------------------------------------


def copy_with_template(tmp_path: Path, body: str) -> Path:
    data = tmp_path / "my data"
    shutil.copytree(BUNDLED, data, ignore=shutil.ignore_patterns("out", ".learn*"), dirs_exist_ok=True)
    (data / "templates").mkdir(exist_ok=True)
    shipped = (Path(__file__).parents[2] / "templates" / "invoice.html").read_text(encoding="utf-8")
    (data / "templates" / "invoice.html").write_text(shipped.replace("<body>", "<body>" + body, 1), encoding="utf-8")
    return data


def test_invoice_render_embeds_the_logo_of_a_folder_whose_path_has_a_space(tmp_path):
    data = copy_with_template(tmp_path, '<img src="logo.png" alt="logo">')
    png(data / "logo.png")
    target = tmp_path / "invoice.pdf"
    result = Learn(data)("invoice", "render", INVOICE, "--format", "pdf", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert images(target.read_bytes()) == 1


@pytest.mark.parametrize(
    "body",
    [
        '<a rel="attachment" href="file:///etc/passwd">terms</a>',
        '<a href="file:///etc/passwd">terms</a>',
        '<img src="file:///data/%2e%2e/etc/passwd">',
        '<img src="%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd">',
        '<a rel="attachment" href="../secret.txt#x">terms</a>',
    ],
)
def test_invoice_render_refuses_a_document_that_reaches_outside(tmp_path, body):
    data = copy_with_template(tmp_path, body)
    (tmp_path / "secret.txt").write_text(SECRET)
    target = tmp_path / "invoice.pdf"
    result = Learn(data)("invoice", "render", INVOICE, "--format", "pdf", "-o", str(target))
    assert result.exit_code == 1, result.output
    assert "the document was not written" in result.output and "internal error" not in result.output
    assert not target.exists()
    assert "root:" not in result.output and SECRET not in result.output


def test_what_a_refused_document_would_have_embedded_is_not_in_any_pdf(tmp_path):
    """The same attachment, allowed when inside: the check reads the bytes it checked."""
    data = copy_with_template(tmp_path, '<a rel="attachment" href="terms.txt">terms</a>')
    (data / "terms.txt").write_text("TERMS-7a1 pay within 30 days")
    target = tmp_path / "invoice.pdf"
    result = Learn(data)("invoice", "render", INVOICE, "--format", "pdf", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert b"TERMS-7a1" in everything_in(target.read_bytes())
