"""`learn session brief`: the page the facilitators read before a session."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from io import BytesIO

import yaml
from pypdf import PdfReader

from learncli.domain.brief import Unpaid, build_brief
from learncli.render.templating import Templates
from learncli.store.folder import DataFolder
from tests.layout import boxes_with_class, lines, render, text

TODAY = ("--today", "2026-11-30")


def after_session_5(data_dir) -> dict[str, str]:
    """email -> text of each commitment made after session 5, straight from the file."""
    data = yaml.safe_load((data_dir / "cohorts" / "2026-autumn.yaml").read_text())
    return {c["email"]: c["text"] for c in data["commitments"] if c["session"] == 5}


def test_brief_for_autumn_session_6_lists_each_commitment_from_after_session_5(learn, data_dir):
    expected = after_session_5(data_dir)
    assert len(expected) == 8
    payload = json.loads(learn(*TODAY, "session", "brief", "2026-autumn", "6", "--json").stdout)
    assert (payload["session"], payload["of"], payload["date"], payload["start"], payload["end"]) == (6, 6, "2026-12-02", "09:30", "12:30")
    assert payload["theme"] == "Making learning a habit" and payload["days"] == 2
    assert payload["previous"] == {"session": 5, "date": "2026-11-18", "theme": "Connecting learning cycles", "recorded": True}
    people = {p["email"]: p for p in payload["participants"]}
    assert len(people) == 9 and "tom.whitfield@example.org" not in people
    got = {email: p["commitment"]["text"] for email, p in people.items() if p["commitment"]}
    assert got == expected
    assert {p["commitment"]["status"] for p in people.values() if p["commitment"]} == {"open"}
    assert people["fatima.alsayed@example.org"]["commitment"] is None
    missed = {email: p["previous_mark"]["status"] for email, p in people.items() if p["missed_previous"]}
    assert missed == {"ann.oneil@example.org": "excused", "chidi.okafor@example.org": "absent"}
    # The bundled ledger has no autumn invoices yet: all nine owe the fee, none "has paid".
    assert {(u["email"], u["invoice"], u["balance"]) for u in payload["unpaid"]} == {(e, None, "575.00") for e in people}
    assert payload["withdrawn"] == ["Tom Whitfield"]


def test_brief_in_the_terminal(learn, data_dir):
    result = learn(*TODAY, "session", "brief", "2026-autumn", "6")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "session 6 of 6" in out and "Wednesday 2 December 2026, 09:30–12:30" in out and "in 2 days" in out
    # Sentences name Ann as she is spoken of; the payments, like her invoice, as written.
    assert "Missed session 5" in out and "Chidi Okafor (absent)" in out and "Ann O'Neil (excused)" in out
    assert "No commitment recorded: Fatima Al-Sayed" in out
    assert "O'Neil, Ann: not invoiced yet, £575.00 outstanding" in out


def test_brief_markdown_has_one_row_per_commitment(learn, data_dir):
    result = learn(*TODAY, "session", "brief", "2026-autumn", "6", "--format", "md", "-o", "-")
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ") and "to ask about" in line]
    assert len(rows) == 8
    texts = after_session_5(data_dir)
    names = {"ann.oneil@example.org": "O'Neil, Ann", "peggy.lowe@example.org": 'Margaret "Peggy" Lowe'}
    for email, name in names.items():
        assert any(row.startswith(f"| {name} |") and texts[email] in row for row in rows)


def test_the_briefs_sentences_name_people_as_spoken_and_its_tables_as_written(learn, data_dir):
    path = data_dir / "cohorts" / "2026-autumn.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("  - name: Chidi Okafor\n", "  - name: Okafor, Chidi\n    display_name: Dr Chidi Okafor\n")
    text = text.replace("name: Tom Whitfield", "name: Whitfield, Tom")
    path.write_text(text, encoding="utf-8")
    md = learn(*TODAY, "session", "brief", "2026-autumn", "6", "--format", "md", "-o", "-")
    assert md.exit_code == 0, md.output
    lines = md.stdout.splitlines()
    assert "- Ann O'Neil: excused" in lines and "- Dr Chidi Okafor: absent" in lines
    assert "Withdrawn: Tom Whitfield." in lines
    assert any(line.startswith("| O'Neil, Ann | ") for line in lines)  # the table of who is registered
    assert any(line.startswith("| Okafor, Chidi | ") for line in lines)
    assert "Ann O'Neil |" not in md.stdout
    html = learn(*TODAY, "session", "brief", "2026-autumn", "6", "--format", "html", "-o", "-").stdout
    assert "<li>Ann O&#39;Neil: excused</li>" in html and "<td>O&#39;Neil, Ann</td>" in html
    terminal = learn(*TODAY, "session", "brief", "2026-autumn", "6").stdout
    assert "Dr Chidi Okafor (absent)" in terminal and "Withdrawn: Tom Whitfield" in terminal
    people = {p["email"]: p for p in json.loads(learn(*TODAY, "session", "brief", "2026-autumn", "6", "--json").stdout)["participants"]}
    assert (people["ann.oneil@example.org"]["name"], people["ann.oneil@example.org"]["display_name"]) == ("O'Neil, Ann", "Ann O'Neil")


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1] if self.stack else None}>"
        self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1] == "td":
            self.cells.append(data)


def test_brief_html_goes_to_out_briefs_is_well_formed_and_escaped(learn, data_dir):
    path = data_dir / "cohorts" / "2026-autumn.yaml"
    path.write_text(path.read_text().replace("role: Volunteer Coordinator", "role: <b>Coordinator</b> & co"))
    result = learn(*TODAY, "session", "brief", "2026-autumn", "6", "--format", "html")
    assert result.exit_code == 0, result.output
    target = data_dir / "out" / "briefs" / "2026-autumn-session-6.html"
    html = target.read_text(encoding="utf-8")
    assert "&lt;b&gt;Coordinator&lt;/b&gt; &amp; co" in html
    parser = _Collect()
    parser.feed(html.split("<body>", 1)[1].split("</body>", 1)[0])
    assert not parser.stack
    for text in after_session_5(data_dir).values():
        assert text in parser.cells


def test_a_data_folder_template_overrides_the_brief(learn, data_dir):
    (data_dir / "templates").mkdir()
    (data_dir / "templates" / "session-brief.md").write_text("{{ brief.title }} / {{ brief.with_commitment|length }} commitments\n")
    result = learn(*TODAY, "session", "brief", "2026-autumn", "6", "--format", "md", "-o", "-")
    assert result.stdout == "Leading with Learning — Autumn 2026 / 8 commitments\n"


def test_the_first_session_has_no_previous_one(learn):
    payload = json.loads(learn("--today", "2026-09-20", "session", "brief", "2026-autumn", "1", "--json").stdout)
    assert payload["previous"] is None
    assert all(p["commitment"] is None and not p["missed_previous"] for p in payload["participants"])
    assert learn("--today", "2026-09-20", "session", "brief", "2026-autumn", "1", "--format", "md", "-o", "-").exit_code == 0


def test_bad_session_and_format_are_clear_errors(learn):
    assert "no session 7" in learn(*TODAY, "session", "brief", "2026-autumn", "7").stderr
    assert learn(*TODAY, "session", "brief", "2026-autumn", "6", "--format", "pdf").exit_code == 2


def test_unpaid_invoices_from_the_ledger_appear_against_each_person(data_dir):
    folder = DataFolder(data_dir)
    config, cohort = folder.config(), folder.cohort("2026-autumn")
    owed = [
        Unpaid("ann.oneil@example.org", "LWL-2026-0007", Decimal("575.00"), "GBP", date(2026, 9, 9)),
        Unpaid("former@example.org", "LWL-2026-0012", Decimal("287.50")),
    ]
    brief = build_brief(cohort, config, 6, date(2026, 11, 30), unpaid=owed)
    assert [p.unpaid for p in brief.people if p.unpaid] == [[owed[0]]]
    templates = Templates(folder.templates_dir)
    md = templates.render("session-brief.md", brief=brief)
    assert "| O'Neil, Ann | LWL-2026-0007 | £575.00 | Wed 9 Sep 2026 |" in md
    assert "| former@example.org | LWL-2026-0012 | £287.50 |" in md
    html = templates.render("session-brief.html", brief=brief)
    assert "LWL-2026-0007" in html and "£575.00" in html
    everyone_paid = build_brief(cohort, config, 6, date(2026, 11, 30), unpaid=[])
    assert "Everyone has paid." in templates.render("session-brief.md", brief=everyone_paid)


def test_the_brief_reads_who_has_not_paid_from_the_ledger(learn, data_dir):
    assert learn("--today", "2026-08-01", "invoice", "run", "2026-autumn").exit_code == 0
    listed = json.loads(learn("invoice", "list", "--cohort", "2026-autumn", "--json").stdout)
    ann = next(i for i in (listed["invoices"] if isinstance(listed, dict) else listed) if i["participant"] == "ann.oneil@example.org")
    assert learn("payment", "record", ann["number"], "--amount", "575.00", "--date", "2026-08-20", "--method", "bank").exit_code == 0
    assert learn("payment", "record", "LWL-2026-0013", "--amount", "200.00", "--date", "2026-08-21", "--method", "card").exit_code == 0

    brief = json.loads(learn("--today", "2026-11-30", "session", "brief", "2026-autumn", "6", "--json").stdout)
    owed = {u["email"]: (u["invoice"], u["balance"]) for u in brief["unpaid"]}
    assert "ann.oneil@example.org" not in owed
    assert owed["sian.evans@example.org"] == ("LWL-2026-0013", "375.00")
    assert len(owed) == 8 and all(invoice for invoice, _ in owed.values())  # nine invoiced, one paid in full


def test_the_brief_says_payments_are_unknown_when_the_ledger_is_broken(learn, data_dir):
    ledger = data_dir / "invoices" / "2026.yaml"
    ledger.write_text(ledger.read_text() + "  - invoice: [broken\n")
    result = learn("--today", "2026-11-30", "session", "brief", "2026-autumn", "6", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["unpaid"] is None
    assert "ledger has errors" in result.stderr


# A full cohort, as long as the brief gets: sixteen people (the course's capacity) with
# long names, organisations and roles, session 4 of 6, and every section of the brief
# filled: missed session 3 with reasons, a long commitment from nearly everyone (some
# already reviewed, with a note), commitments still open from earlier, unpaid invoices,
# someone withdrawn, notes on the cohort and on people.
FULL_TODAY = ("--today", "2026-11-02")
ORGANISATIONS = (
    "Northshire County Council Children's Services Directorate",
    "Eastbridge City Council",
    "Lowmoor and District NHS Foundation Trust",
    "Riverside Community Trust for Learning and Wellbeing",
    "Greenfields Voluntary Action",
    "Westvale District Council Adult Social Care",
    "Vale Housing Association",
)
ROLES = (
    "Head of Workforce Development and Learning",
    "Policy and Strategy Officer",
    "Learning and Development Business Partner",
    "Team Manager, Children in Care",
    "Organisation development consultant",
)
FIRST = ("Anne-Marie", "Oluwaseun", "Siobhán", "Maximilian", "Bartholomew", "Krystyna", "Jean-Baptiste", "Precious")
LAST = ("Fitzgerald-Montgomery", "Adeyemi-Whitehouse", "Ní Dhomhnaill", "Vandenberghe", "Wojciechowska", "Richardson")
COMMITMENTS = (
    "Hold a fortnightly learning review with the locality team leads, using the questions from session 3, "
    "and write up what we change as a result so the service board can see it",
    "Ask two frontline practitioners what gets in the way of them trying something new, then take one of "
    "those obstacles to the directorate management team with a proposal to remove it",
    "Redesign the induction for new social workers around a learning cycle: plan, try, reflect and share, "
    "and pilot it with the three people starting in November",
)
REVIEWS = {3: ("done", None), 7: ("partly", "Started with the managers; the practitioners' sessions move to January"), 11: ("not-done", None)}


def full_cohort(learn, data_dir) -> str:
    """Writes cohorts/full.yaml as above, invoices it, and records who paid: its id."""
    people = [
        {
            "name": f"{FIRST[i % len(FIRST)]} {LAST[i % len(LAST)]}",
            "email": f"person{i:02d}@full.example.org",
            "organisation": ORGANISATIONS[i % len(ORGANISATIONS)],
            "role": ROLES[i % len(ROLES)],
        }
        for i in range(1, 17)
    ]
    people[2]["notes"] = "Joins from a shared office: may need to move rooms at the break."
    people[9]["notes"] = "Asked for the slides in advance (screen reader); sent on Friday."
    people.append({"name": "Wilhelmina Ashworth-Pemberton", "email": "left@full.example.org", "organisation": ORGANISATIONS[0],
                   "status": "withdrawn", "withdrawn": date(2026, 10, 1)})
    emails = [p["email"] for p in people[:16]]
    attendance: dict[int, dict] = {n: dict.fromkeys(emails, "present") for n in (1, 2, 3)}
    attendance[3][emails[4]] = {"status": "absent", "note": "Called into a safeguarding strategy meeting at short notice"}
    attendance[3][emails[8]] = {"status": "excused", "note": "Annual leave, booked before the course dates were set"}
    attendance[3][emails[12]] = "absent"
    commitments = [
        {"email": e, "session": 3, "text": COMMITMENTS[i % len(COMMITMENTS)], "factor": ("capability", "motivation", "opportunity")[i % 3],
         **({"status": REVIEWS[i][0]} if i in REVIEWS else {}), **({"note": REVIEWS[i][1]} if i in REVIEWS and REVIEWS[i][1] else {})}
        for i, e in enumerate(emails)
        if i != 5
    ]
    commitments += [{"email": emails[i], "session": 2, "text": COMMITMENTS[(i + 1) % len(COMMITMENTS)]} for i in (1, 6)]
    cohort = {
        "course": "leading-with-learning",
        "title": "Leading with Learning — Autumn 2026, Northshire and Eastbridge partnership cohort",
        "notes": "Breakout rooms in threes today: mix the councils with the health and voluntary sector people. "
        "Gabriel opens, Roger runs the second half; leave ten minutes at the end for the commitments.",
        "sessions": [{"date": date.fromisoformat(d)} for d in ("2026-09-23", "2026-10-07", "2026-10-21", "2026-11-04", "2026-11-18", "2026-12-02")],
        "zoom": {"url": "https://us02web.zoom.us/j/87654321098?pwd=ExAmPlE2", "meeting_id": "876 5432 1098", "passcode": "LwL; autumn"},
        "participants": people,
        "attendance": attendance,
        "commitments": commitments,
    }
    (data_dir / "cohorts" / "full.yaml").write_text(yaml.safe_dump(cohort, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert learn("--today", "2026-08-01", "invoice", "run", "full").exit_code == 0
    issued = json.loads(learn("invoice", "list", "--cohort", "full", "--json").stdout)
    for invoice in (issued["invoices"] if isinstance(issued, dict) else issued)[3:]:
        paid = learn("payment", "record", invoice["number"], "--amount", "575.00", "--date", "2026-09-01", "--method", "bank")
        assert paid.exit_code == 0, paid.output
    return "full"


def test_a_full_cohort_brief_prints_on_one_a4_page_with_each_review_on_one_line(learn, data_dir):
    cohort = full_cohort(learn, data_dir)
    result = learn(*FULL_TODAY, "session", "brief", cohort, "4", "--format", "html")
    assert result.exit_code == 0, result.output
    html = (data_dir / "out" / "briefs" / f"{cohort}-session-4.html").read_text(encoding="utf-8")
    for section in ("Registered (16)", "Withdrawn:", "Missed session 3", "Commitments from after session 3",
                    "No commitment recorded", "Still open from earlier gaps", "LWL-2026-0012", "Notes", "sent on Friday"):
        assert section in html  # every part of the brief is there to take its room

    document = render(html, data_dir)
    pdf = PdfReader(BytesIO(document.write_pdf()))
    assert len(pdf.pages) == 1
    box = pdf.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 portrait, in points

    [page] = document.pages
    reviews = [cell for cell in boxes_with_class(page, "review") if cell.element.tag == "td"]
    assert [lines(cell) for cell in reviews] == [1] * 15
    assert sorted(text(cell) for cell in reviews) == sorted(["to ask about"] * 12 + ["done", "partly", "not-done"])
    # The review's note goes with the commitment, where it can wrap.
    assert "Started with the managers" in pdf.pages[0].extract_text()
