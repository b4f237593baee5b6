"""The PDF renderer fetches nothing from outside the data folder."""

from __future__ import annotations

import logging


from learncli.render.invoices import to_pdf


def test_pdf_fetches_files_inside_the_data_folder_only(tmp_path, caplog):
    data = tmp_path / "data"
    data.mkdir()
    (data / "style.css").write_text("p { color: red; }")
    outside = tmp_path / "secret.css"
    outside.write_text("p { color: blue; }")
    html = (
        f'<link rel="stylesheet" href="file://{data / "style.css"}">'
        f'<link rel="stylesheet" href="file://{outside}">'
        '<link rel="stylesheet" href="https://example.org/x.css"><p>hello</p>'
    )
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = to_pdf(html, data)
    assert pdf.startswith(b"%PDF-")
    refused = [r.getMessage() for r in caplog.records if "not fetching" in r.getMessage()]
    assert any("secret.css" in m for m in refused)
    assert any("example.org" in m for m in refused)
    assert not any("style.css" in m for m in refused)
