"""Personal data (issue 15): subject access, erasure of one person, purging a finished
cohort. Everything a finished cohort can produce is rendered first; afterwards every file
of the data folder (out/ and .learn-cache/ included) is read as a person would read it,
and none of the erased people may be found outside the ledger."""

from __future__ import annotations

import email
import json
import re
from email import policy
from pathlib import Path

import yaml

from tests.smtp_server import smtp_server

ROOT = Path(__file__).resolve().parents[2]
AFTER = ("--today", "2026-07-01")


def spring_people(data_dir: Path) -> list[dict]:
    return yaml.safe_load((data_dir / "cohorts" / "2026-spring.yaml").read_text())["participants"]


def render_everything(learn, data_dir: Path, monkeypatch) -> None:
    """Invoices, emails (rendered, and sent: the send log), invitations (and Eleanor's
    uninvitation, in the calendar state), certificates and a brief for 2026-spring."""
    invitations = str(data_dir / "out" / "invitations")
    steps = [
        ("--today", "2026-03-25", "calendar", "export", "2026-spring", "--per-participant", invitations, "--cancel"),
        (*AFTER, "invoice", "run", "2026-spring"),
        ("--today", "2026-04-01", "email", "render", "joining", "2026-spring"),
        (*AFTER, "email", "render", "follow-up", "2026-spring", "--session", "6"),
        (*AFTER, "email", "send", "follow-up", "2026-spring", "--session", "6"),
        (*AFTER, "calendar", "export", "2026-spring", "--per-participant", invitations),
        (*AFTER, "completion", "certificates", "2026-spring"),
        (*AFTER, "session", "brief", "2026-spring", "6", "-o", str(data_dir / "out" / "briefs" / "2026-spring-session-6.html")),
        (*AFTER, "validate"),  # fills .learn-cache/
    ]
    with smtp_server() as running:
        for name, value in running.env().items():
            monkeypatch.setenv(name, value)
        for step in steps:
            result = learn(*step)
            assert result.exit_code == 0, (step, result.output)
    assert "grace.adeyemi@example.org" in (data_dir / "email-log" / "2026-spring.yaml").read_text()
    assert "eleanor.shaw@example.org" in (data_dir / "calendar-state" / "2026-spring.yaml").read_text()
    assert any((data_dir / "out" / "emails" / "2026-spring").rglob("*.eml"))
    assert any((data_dir / "out" / "invitations").glob("*-session-1.ics"))
    assert any((data_dir / "out" / "certificates" / "2026-spring").iterdir())
    assert any((data_dir / ".learn-cache").glob("*.json"))


def as_read(path: Path) -> str:
    """A file as a person reads it: an .eml decoded, an .ics unfolded."""
    raw = path.read_bytes()
    if path.suffix == ".eml":
        message = email.message_from_bytes(raw, policy=policy.default)
        parts = [f"{k}: {v}" for k, v in message.items()]
        parts += [(p.get_payload(decode=True) or b"").decode("utf-8", "replace") for p in message.walk() if not p.is_multipart()]
        return "\n".join(parts)
    text = raw.decode("utf-8", "replace")
    return re.sub(r"\r?\n[ \t]", "", text) if path.suffix == ".ics" else text


def needles(person: dict) -> list[str]:
    name = person["name"]
    prose = " ".join(reversed([part.strip() for part in name.split(",")])) if "," in name else name
    return [person["email"], name, prose, *person.get("aliases", [])]


def findings(data_dir: Path, people: list[dict], *, skip_ledger: bool) -> list[tuple[str, str]]:
    found = []
    for path in sorted(p for p in data_dir.rglob("*") if p.is_file()):
        relative = path.relative_to(data_dir).as_posix()
        if skip_ledger and relative.startswith("invoices/"):
            continue
        text = as_read(path).lower()
        found += [(relative, n) for person in people for n in needles(person) if n.lower() in text]
    return found


def figures(learn) -> tuple[str, str, int]:
    """Revenue, contributions and the spring cohort's attendance rate."""
    revenue = learn(*AFTER, "report", "revenue", "--json")
    contributions = learn(*AFTER, "report", "contributions", "--json")
    attendance = learn(*AFTER, "attend", "report", "2026-spring", "--json")
    assert revenue.exit_code == 0 and contributions.exit_code == 0 and attendance.exit_code == 0
    return revenue.stdout, contributions.stdout, json.loads(attendance.stdout)["rate"]


def test_forget_leaves_one_person_only_in_the_ledger_until_its_retention_ends(learn, data_dir, monkeypatch):
    render_everything(learn, data_dir, monkeypatch)
    grace = next(p for p in spring_people(data_dir) if p["email"] == "grace.adeyemi@example.org")
    others = [p for p in spring_people(data_dir) if p is not grace and p.get("status") != "withdrawn"]
    before = figures(learn)
    cohort_path = data_dir / "cohorts" / "2026-spring.yaml"
    cohort_path.write_text(cohort_path.read_text().replace("# Spring 2026 cohort of Leading with Learning.", "# Spring 2026 cohort of Leading with Learning, with Grace and the others."))
    present_3 = sum(1 for v in yaml.safe_load(cohort_path.read_text())["attendance"][3].values() if v == "present")
    text_before = cohort_path.read_text()

    preview = learn(*AFTER, "participant", "forget", "2026-spring", "grace.adeyemi@example.org", "--dry-run")
    assert preview.exit_code == 0, preview.output
    assert cohort_path.read_text() == text_before

    result = learn(*AFTER, "participant", "forget", "2026-spring", "grace.adeyemi@example.org")
    assert result.exit_code == 0, result.output
    assert "LWL-2026-0005 (issued 2026-03-02) until 2032-03-31" in result.stdout
    assert findings(data_dir, [grace], skip_ledger=True) == []
    assert "Grace Adeyemi" in (data_dir / "invoices" / "2026.yaml").read_text()
    # Everyone else's files are still there; the comments of the file too, Grace's name aside.
    assert (data_dir / "out" / "certificates" / "2026-spring" / "david.oyelaran@example.org.html").exists()
    # The comment above her entry went with it; one elsewhere lost her name; the rest stayed.
    assert "Invoices to Greenfields" not in cohort_path.read_text()
    assert "# Spring 2026 cohort of Leading with Learning, with [erased] and the others." in cohort_path.read_text()
    assert "# Rory asked to be listed surname first" in cohort_path.read_text()
    after = yaml.safe_load(cohort_path.read_text())
    assert after["forgotten"]["people"] == 1 and after["forgotten"]["invoices"] == ["LWL-2026-0005"]
    kept_3 = sum(1 for v in after["attendance"][3].values() if v == "present")
    assert kept_3 + after["forgotten"]["attendance"][3]["present"] == present_3
    report = json.loads(learn(*AFTER, "attend", "report", "2026-spring", "--json").stdout)
    assert report["sessions"][2]["erased"] == {"present": 1}
    assert "grace.adeyemi@example.org" not in [p["email"] for p in report["participants"]]
    assert findings(data_dir, others, skip_ledger=True)  # nobody else was erased
    assert learn(*AFTER, "validate").exit_code == 0
    assert figures(learn) == before


def test_purge_of_a_finished_cohort_leaves_none_of_its_people_once_the_ledger_retention_is_over(learn, data_dir, monkeypatch):
    render_everything(learn, data_dir, monkeypatch)
    people = spring_people(data_dir)
    before = figures(learn)
    later = ("--today", "2033-06-01")  # the spring invoices' retention ended on 2032-03-31
    ledger = data_dir / "invoices" / "2026.yaml"
    ledger_before = ledger.read_text()

    preview = learn(*later, "participant", "purge", "--before", "2026-07-01", "--dry-run")
    assert preview.exit_code == 0, preview.output
    assert "would erase from 2026-spring" in preview.stdout and "LWL-2026-0010" in preview.stdout
    assert ledger.read_text() == ledger_before

    result = learn(*later, "participant", "purge", "--before", "2026-07-01")
    assert result.exit_code == 0, result.output
    assert findings(data_dir, people, skip_ledger=False) == []
    surnames = ["Oyelaran", "Shaw", "Łucja"]
    assert not [s for s in surnames if s.lower() in ledger.read_text().lower()]
    # The ledger kept its comments and every number, date and amount.
    assert "# The invoice ledger for 2026" in ledger.read_text()
    entries = yaml.safe_load(ledger.read_text())["entries"]
    old = yaml.safe_load(ledger_before)["entries"]
    assert [(e.get("invoice") or e.get("payment") or e.get("credit_note"), e.get("total"), e.get("amount")) for e in entries] == \
        [(e.get("invoice") or e.get("payment") or e.get("credit_note"), e.get("total"), e.get("amount")) for e in old]
    # The autumn cohort, not finished before the date, is untouched.
    assert "ann.oneil@example.org" in (data_dir / "cohorts" / "2026-autumn.yaml").read_text()
    assert learn(*later, "validate").exit_code == 0
    assert figures(learn) == before


def test_validate_warns_of_a_finished_cohort_kept_past_retention(learn, data_dir):
    result = learn("--today", "2028-08-01", "validate", "--json")
    found = [d for d in json.loads(result.stdout)["diagnostics"] if d["code"] == "P003"]
    assert len(found) == 1 and found[0]["path"].endswith("2026-spring.yaml") and found[0]["line"] > 1
    assert "learn participant purge --before 2026-08-01" in found[0]["message"]
    assert not [d for d in json.loads(learn("--today", "2028-06-01", "validate", "--json").stdout)["diagnostics"] if d["code"] == "P003"]


def readme_shape() -> dict:
    text = (ROOT / "README.md").read_text()
    block = text.split("<!-- export-shape -->", 1)[1].split("```json", 1)[1].split("```", 1)[0]
    return json.loads(block)


def same_keys(documented, actual, where="export") -> None:
    if isinstance(documented, dict):
        assert isinstance(actual, dict), where
        for key in documented:
            assert key in actual, f"{where}.{key} is documented but missing"
            if actual[key] not in (None, [], {}):
                same_keys(documented[key], actual[key], f"{where}.{key}")
    elif isinstance(documented, list) and documented:
        for item in actual:
            same_keys(documented[0], item, f"{where}[]")


def test_export_of_one_participant_holds_their_cohort_po_attendance_commitments_and_invoices(learn, data_dir, tmp_path):
    assert learn(*AFTER, "invoice", "run", "2026-spring").exit_code == 0  # renders the invoices
    target = tmp_path / "rory.json"
    result = learn("participant", "export", "rory.mcallister@example.org", "-o", str(target))
    assert result.exit_code == 0, result.output
    document = json.loads(target.read_text())
    assert json.loads(learn("participant", "export", "rory.mcallister@example.org", "--json").stdout) == document
    [cohort] = document["cohorts"]
    assert cohort["cohort"] == "2026-spring"
    assert cohort["participant"]["po"] == "ECC-PO-30917"
    assert cohort["attendance"]["3"] == {"status": "left-early"}
    assert len(cohort["attendance"]) == 6
    assert [c["session"] for c in cohort["commitments"]] == [1, 2, 3, 4, 5, 6]
    assert cohort["files"] == ["out/invoices/LWL-2026-0001.html"]
    [invoice] = document["invoices"]
    assert invoice["invoice"]["invoice"] == "LWL-2026-0001" and invoice["status"] == "paid"
    assert invoice["payments"][0]["reference"] == "ECC REMIT 30917"
    documented = readme_shape()
    same_keys(documented, document)
    # Nothing undocumented either, at the levels the export itself shapes.
    assert set(document) == set(documented)
    assert set(cohort) == set(documented["cohorts"][0])
    assert set(invoice) == set(documented["invoices"][0])
    text = learn("participant", "export", "rory.mcallister@example.org")
    assert "ECC-PO-30917" in text.stdout and "LWL-2026-0001" in text.stdout
    assert learn("participant", "export", "nobody@example.org").exit_code == 1


def test_a_bad_retention_setting_is_reported_at_its_line(learn, data_dir):
    courses = data_dir / "courses.yaml"
    courses.write_text(courses.read_text() + "retention:\n  financial_year_end: 13-01\n")
    result = learn("validate")
    assert result.exit_code == 1
    line = len(courses.read_text().splitlines())
    assert f"courses.yaml:{line}:23: F003 error: retention → financial_year_end: '13-01' is not a day of the year as MM-DD" in result.output


def test_forget_keeps_the_comments_about_what_follows_the_person(learn, data_dir):
    path = data_dir / "cohorts" / "2026-spring.yaml"
    for email in ("ben.ashworth@example.org", "david.oyelaran@example.org", "rory.mcallister@example.org"):
        assert learn(*AFTER, "participant", "forget", "2026-spring", email).exit_code == 0
    text = path.read_text()
    # Above Grace (below Ben), above attendance: (below David), and no longer above anyone.
    assert "  # Invoices to Greenfields go to their finance team, not to Grace.\n  - name: Grace Adeyemi" in text
    assert "    registered: 2026-03-09\n\n# Attendance per session, from the Zoom participants report" in text
    assert "Rory" not in text and "participants:\n  - name: Ciarán O'Rourke" in text
    assert learn(*AFTER, "validate").exit_code == 0
