"""`learn completion`: who completed a cohort, and their certificates.

A cohort of three is built here through the commands a facilitator uses (attend mark,
commit add and review), so what counts as complete is set by the test, not read back
from the code: Ada comes to everything and reviews every commitment, Ben misses
session 3, Cleo is excused from session 4.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.layout import boxes_with_class, margins, render

AFTER = ("--today", "2026-12-03")  # the day after session 6 (Wed 2 Dec 2026)
ADA, BEN, CLEO = (f"person00{i}@trio.example.org" for i in (1, 2, 3))


@pytest.fixture
def trio(learn, make_cohort):
    make_cohort("trio", 3, name=lambda i: ["Ada Lovelace", "Ben <b>Okri</b>", "Cleo Ó Súilleabháin"][i - 1])
    for session in range(1, 7):
        present = [ADA, BEN, CLEO]
        if session == 3:
            present.remove(BEN)
            assert learn(*AFTER, "attend", "mark", "trio", "3", BEN, "--status", "absent").exit_code == 0
        if session == 4:
            present.remove(CLEO)
            assert learn(*AFTER, "attend", "mark", "trio", "4", CLEO, "--status", "excused").exit_code == 0
        status = "late" if session == 2 else "present"  # late still counts as attended
        result = learn(*AFTER, "attend", "mark", "trio", str(session), *present, "--status", status)
        assert result.exit_code == 0, result.output
    for session in (1, 2):
        assert learn(*AFTER, "commit", "add", "trio", ADA, "--session", str(session), f"Try thing {session}").exit_code == 0
    assert learn(*AFTER, "commit", "review", "trio", ADA, "--session", "1", "--status", "done").exit_code == 0
    assert learn(*AFTER, "commit", "review", "trio", ADA, "--session", "2", "--status", "partly").exit_code == 0
    # After the last session: carried on with, never reviewed, and that is fine.
    assert learn(*AFTER, "commit", "add", "trio", ADA, "--session", "6", "Keep going").exit_code == 0
    return "trio"


def report(learn, *args: str, made_up: bool = False) -> dict:
    result = learn(*args, "completion", "report", "trio", "--json", *(["--made-up"] if made_up else []))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def states(payload: dict) -> dict[str, str]:
    return {line["email"]: line["state"] for line in payload["lines"]}


def test_after_the_last_session_only_who_came_to_everything_has_completed(learn, trio):
    payload = report(learn, *AFTER)
    assert payload["finished"] is True and payload["completed"] == 1
    assert states(payload) == {ADA: "complete", BEN: "incomplete", CLEO: "incomplete"}
    by_email = {line["email"]: line for line in payload["lines"]}
    assert (by_email[ADA]["attended"], by_email[ADA]["held"]) == (6, 6)
    assert (by_email[ADA]["commitments"], by_email[ADA]["reviewed"]) == (2, 2)
    assert by_email[BEN]["missed"] == [{"session": 3, "date": "2026-10-21", "status": "absent"}]
    assert by_email[CLEO]["missed"] == [{"session": 4, "date": "2026-11-04", "status": "excused"}]
    text = learn(*AFTER, "completion", "report", "trio")
    assert "3 (absent)" in text.stdout and "1 of 3 completed" in text.stderr


def test_an_excused_absence_made_up_counts(learn, trio):
    payload = report(learn, *AFTER, made_up=True)
    assert states(payload) == {ADA: "complete", BEN: "incomplete", CLEO: "complete"}
    cleo = next(line for line in payload["lines"] if line["email"] == CLEO)
    assert (cleo["attended"], cleo["made_up"], cleo["missed"]) == (6, [4], [])


def test_a_commitment_left_open_after_its_review_keeps_someone_from_completing(learn, trio):
    assert learn(*AFTER, "commit", "add", "trio", ADA, "--session", "4", "Ask the team").exit_code == 0
    ada = next(line for line in report(learn, *AFTER)["lines"] if line["email"] == ADA)
    assert (ada["state"], ada["unreviewed"], ada["commitments"], ada["reviewed"]) == ("incomplete", [4], 3, 2)
    assert learn(*AFTER, "commit", "review", "trio", ADA, "--session", "4", "--status", "not-done").exit_code == 0
    assert states(report(learn, *AFTER))[ADA] == "complete"  # reviewed, whatever the outcome


def test_before_the_end_nobody_has_completed_yet(learn, trio, data_dir):
    payload = report(learn, "--today", "2026-11-19")  # after session 5
    assert payload["finished"] is False
    assert states(payload) == {ADA: "on-track", BEN: "incomplete", CLEO: "incomplete"}
    refused = learn("--today", "2026-11-19", "completion", "certificates", "trio")
    assert refused.exit_code == 1
    assert "session 6 (Wed 2 Dec 2026) is still to come" in refused.stderr
    assert not (data_dir / "out" / "certificates").exists()


def test_a_past_session_with_nothing_recorded_is_said_not_guessed(learn, make_cohort):
    make_cohort("blank", 2)
    payload = json.loads(learn(*AFTER, "completion", "report", "blank", "--json").stdout)
    assert payload["finished"] is False and payload["unrecorded"] == [1, 2, 3, 4, 5, 6]
    assert {line["state"] for line in payload["lines"]} == {"not-recorded"}


def test_certificates_for_those_who_completed(learn, trio, data_dir):
    result = learn(*AFTER, "completion", "certificates", "trio", "--made-up")
    assert result.exit_code == 0, result.output
    folder = data_dir / "out" / "certificates" / "trio"
    assert sorted(p.name for p in folder.iterdir()) == [f"{ADA}.html", f"{CLEO}.html"]
    page = (folder / f"{CLEO}.html").read_text(encoding="utf-8")
    assert "Cleo Ó Súilleabháin" in page and "Leading with Learning" in page
    assert "Wednesday 23 September 2026" in page and "Wednesday 2 December 2026" in page
    assert "Making learning a habit" in page and "Gabriel Eichsteller" in page
    assert "1 participant(s) did not complete" in result.stderr


def test_a_certificate_names_the_person_as_a_sentence_would(learn, trio, data_dir):
    path = data_dir / "cohorts" / "trio.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('name: "Ada Lovelace"', 'name: "Lovelace, Ada"')
    text = text.replace('name: "Cleo Ó Súilleabháin"', 'name: "Ó Súilleabháin, Cleo"\n    display_name: Cleo O\'Sullivan')
    path.write_text(text, encoding="utf-8")
    assert learn(*AFTER, "completion", "certificates", "trio", "--made-up").exit_code == 0
    folder = data_dir / "out" / "certificates" / "trio"
    ada = (folder / f"{ADA}.html").read_text(encoding="utf-8")
    assert '<h1 class="name">Ada Lovelace</h1>' in ada and "Lovelace, Ada" not in ada
    cleo = (folder / f"{CLEO}.html").read_text(encoding="utf-8")
    assert '<h1 class="name">Cleo O&#39;Sullivan</h1>' in cleo and "Súilleabháin" not in cleo
    # The report, a table, keeps the name as written.
    lines = {line["email"]: line["name"] for line in report(learn, *AFTER)["lines"]}
    assert lines[ADA] == "Lovelace, Ada"


def test_a_certificate_escapes_the_name_and_refuses_who_did_not_complete(learn, trio, data_dir):
    refused = learn(*AFTER, "completion", "certificates", "trio", "--participant", BEN)
    assert refused.exit_code == 1 and "has not completed" in refused.stderr
    assert learn(*AFTER, "participant", "withdraw", "trio", CLEO).exit_code == 0
    withdrawn = learn(*AFTER, "completion", "certificates", "trio", "--participant", CLEO, "--made-up")
    assert withdrawn.exit_code == 1 and "has withdrawn from trio" in withdrawn.stderr
    # Ben's name holds markup; with the absence made up by hand, his page shows it as text.
    assert learn(*AFTER, "attend", "mark", "trio", "3", BEN, "--status", "present", "--note", "caught up").exit_code == 0
    assert learn(*AFTER, "completion", "certificates", "trio", "--participant", BEN).exit_code == 0
    page = (data_dir / "out" / "certificates" / "trio" / f"{BEN}.html").read_text(encoding="utf-8")
    assert "Ben &lt;b&gt;Okri&lt;/b&gt;" in page and "<b>Okri" not in page


def test_certificates_as_pdf_and_dry_run(learn, trio, tmp_path):
    target = tmp_path / "pdfs"
    dry = learn(*AFTER, "completion", "certificates", "trio", "--format", "pdf", "-o", target, "--dry-run")
    assert dry.exit_code == 0 and not target.exists()
    assert learn(*AFTER, "completion", "certificates", "trio", "--format", "pdf", "-o", target).exit_code == 0
    [pdf] = target.iterdir()
    assert pdf.name == f"{ADA}.pdf" and pdf.read_bytes().startswith(b"%PDF-")


def test_each_certificate_is_one_landscape_a4_page_with_its_frame_in_the_middle(learn, trio, data_dir, tmp_path):
    cohort = data_dir / "cohorts" / "trio.yaml"
    cohort.write_text(cohort.read_text().replace(
        f"    email: {CLEO}\n", f"    email: {CLEO}\n    organisation: Northshire County Council Children's Services Directorate\n"))
    for fmt in ("pdf", "html"):
        result = learn(*AFTER, "completion", "certificates", "trio", "--made-up", "--format", fmt, "-o", tmp_path / fmt)
        assert result.exit_code == 0, result.output
    pdfs = sorted((tmp_path / "pdf").iterdir())
    assert [p.name for p in pdfs] == [f"{ADA}.pdf", f"{CLEO}.pdf"]
    for path in pdfs:
        pages = PdfReader(path).pages
        assert len(pages) == 1
        assert (round(float(pages[0].mediabox.width)), round(float(pages[0].mediabox.height))) == (842, 595)

    for path in sorted((tmp_path / "html").iterdir()):
        document = render(path.read_text(encoding="utf-8"), data_dir)
        [page] = document.pages
        [frame] = boxes_with_class(page, "frame")
        around = margins(page, frame)
        assert around.left > 20  # inside the sheet, clear of the printer's edge
        for side in (around.right, around.top, around.bottom):
            assert abs(side - around.left) < 1, around
        # and what it frames sits halfway down it
        [inside] = boxes_with_class(page, "inside")
        content = margins(page, inside)
        assert abs(content.top - content.bottom) < 1, content


def test_a_certificate_template_in_the_data_folder_replaces_the_default(learn, trio, data_dir):
    (data_dir / "templates").mkdir(exist_ok=True)
    (data_dir / "templates" / "certificate.html").write_text("<p>{{ participant.name }} finished {{ cohort.title }}</p>\n", encoding="utf-8")
    assert learn(*AFTER, "completion", "certificates", "trio").exit_code == 0
    page = Path(data_dir / "out" / "certificates" / "trio" / f"{ADA}.html").read_text(encoding="utf-8")
    assert page == "<p>Ada Lovelace finished Test cohort trio</p>\n"


def test_a_cohort_with_every_session_cancelled_has_nothing_to_complete(learn, make_cohort):
    make_cohort("called-off", 2)
    for session in range(1, 7):
        assert learn("cohort", "cancel-session", "called-off", str(session)).exit_code == 0
    for command in (("completion", "report", "called-off"), ("completion", "certificates", "called-off")):
        result = learn(*AFTER, *command)
        assert result.exit_code == 1 and "every session of called-off is cancelled" in result.stderr
