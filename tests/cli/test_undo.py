"""Corrections after the plan (issue 13): remove a mark set by mistake, undo a withdrawal,
and never bring a cancelled session back without saying so. Each through the CLI, with
the file's comments and layout kept and --dry-run writing nothing."""

from __future__ import annotations

import json

import yaml

TODAY = ("--today", "2026-11-20")


def cohort_file(data_dir):
    return data_dir / "cohorts" / "2026-autumn.yaml"


def loaded(data_dir) -> dict:
    return yaml.safe_load(cohort_file(data_dir).read_text())


def test_unmark_removes_only_the_named_marks_and_keeps_the_comments(learn, data_dir):
    path = cohort_file(data_dir)
    path.write_text(path.read_text().replace("  1:\n    ann.oneil@example.org: left-early\n",
                                             "  1:\n    # checked against the Zoom report by hand\n    ann.oneil@example.org: left-early\n"))
    before = path.read_text()
    marks_1 = dict(loaded(data_dir)["attendance"][1])

    preview = learn(*TODAY, "attend", "unmark", "2026-autumn", "1", "ann.oneil@example.org", "SIAN.EVANS@example.org", "--dry-run")
    assert preview.exit_code == 0, preview.output
    assert preview.stdout.startswith("would remove the marks of session 1 of 2026-autumn (Wed 23 Sep 2026): O'Neil, Ann (was left-early); Siân Evans (was late)")
    assert path.read_text() == before

    result = learn(*TODAY, "attend", "unmark", "2026-autumn", "1", "ann.oneil@example.org", "SIAN.EVANS@example.org")
    assert result.exit_code == 0, result.output
    del marks_1["ann.oneil@example.org"], marks_1["sian.evans@example.org"]
    assert loaded(data_dir)["attendance"][1] == marks_1
    assert "# checked against the Zoom report by hand" in path.read_text()
    assert [line for line in before.splitlines() if "ann.oneil@example.org: left-early" not in line and "sian.evans@example.org: late" not in line] == path.read_text().splitlines()
    assert learn(*TODAY, "validate").exit_code == 0
    grid = json.loads(learn(*TODAY, "attend", "report", "2026-autumn", "--json").stdout)
    ann = next(row for row in grid["participants"] if row["email"] == "ann.oneil@example.org")
    assert ann["marks"][0] == {"session": 1, "status": None, "minutes": None, "note": None}


def test_unmark_of_someone_without_a_mark_writes_nothing(learn, data_dir):
    before = cohort_file(data_dir).read_bytes()
    result = learn(*TODAY, "attend", "unmark", "2026-autumn", "1", "ann.oneil@example.org", "tom.whitfield@example.org")
    assert result.exit_code == 1
    assert "tom.whitfield@example.org has no mark for session 1 of 2026-autumn; nothing was written" in result.stderr
    assert cohort_file(data_dir).read_bytes() == before


def test_unmarking_everyone_of_a_session_leaves_it_unheld(learn, data_dir):
    emails = list(loaded(data_dir)["attendance"][5])
    result = learn(*TODAY, "attend", "unmark", "2026-autumn", "5", *emails)
    assert result.exit_code == 0, result.output
    assert 5 not in loaded(data_dir)["attendance"]
    assert learn(*TODAY, "validate").exit_code == 0


def test_withdraw_then_reinstate_gives_back_the_file_as_it_was(learn, data_dir):
    added = learn(*TODAY, "participant", "add", "2026-autumn", "--name", "Kai Nakamura", "--email", "kai.n@example.org", "--po", "PO-9")
    assert added.exit_code == 0, added.output
    registered = cohort_file(data_dir).read_bytes()
    assert learn(*TODAY, "participant", "withdraw", "2026-autumn", "kai.n@example.org").exit_code == 0
    assert learn(*TODAY, "participant", "reinstate", "2026-autumn", "kai.n@example.org", "--dry-run").exit_code == 0
    assert cohort_file(data_dir).read_bytes() != registered
    result = learn(*TODAY, "participant", "reinstate", "2026-autumn", "kai.n@example.org")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("reinstated Kai Nakamura <kai.n@example.org> on 2026-autumn (10 of 16)")
    assert cohort_file(data_dir).read_bytes() == registered


def test_reinstate_of_a_withdrawn_person_keeps_their_record_and_says_when_an_invoice_is_needed(learn, data_dir):
    assert learn(*TODAY, "participant", "add", "2026-autumn", "--name", "Kai Nakamura", "--email", "kai.n@example.org").exit_code == 0
    run = learn(*TODAY, "invoice", "run", "2026-autumn", "--json")
    number = next(i["number"] for i in json.loads(run.stdout)["issued"] if i["participant"] == "kai.n@example.org")
    assert learn(*TODAY, "invoice", "void", number, "--reason", "withdrew").exit_code == 0
    assert learn(*TODAY, "participant", "withdraw", "2026-autumn", "kai.n@example.org").exit_code == 0
    result = learn(*TODAY, "participant", "reinstate", "2026-autumn", "kai.n@example.org")
    assert result.exit_code == 0, result.output
    assert "learn invoice run 2026-autumn` issues a new one" in result.stderr
    again = json.loads(learn(*TODAY, "invoice", "run", "2026-autumn", "--json").stdout)
    assert [i["participant"] for i in again["issued"]] == ["kai.n@example.org"] and again["issued"][0]["number"] != number

    person = next(p for p in loaded(data_dir)["participants"] if p["email"] == "tom.whitfield@example.org")
    assert person["status"] == "withdrawn"
    assert learn(*TODAY, "participant", "reinstate", "2026-autumn", "tom.whitfield@example.org").exit_code == 0
    person = next(p for p in loaded(data_dir)["participants"] if p["email"] == "tom.whitfield@example.org")
    assert "status" not in person and "withdrawn" not in person and person["registered"].isoformat() == "2026-07-01"
    refused = learn(*TODAY, "participant", "reinstate", "2026-autumn", "tom.whitfield@example.org")
    assert refused.exit_code == 1 and "is not withdrawn from 2026-autumn" in refused.stderr
    assert learn(*TODAY, "validate").exit_code == 0


def test_a_cancelled_session_is_moved_only_with_reinstate_which_drops_the_cancellation(learn, data_dir):
    assert learn(*TODAY, "cohort", "cancel-session", "2026-autumn", "6", "--note", "facilitator ill").exit_code == 0
    before = cohort_file(data_dir).read_bytes()
    refused = learn(*TODAY, "cohort", "reschedule", "2026-autumn", "6", "2026-12-09")
    assert refused.exit_code == 1
    assert "session 6 of 2026-autumn is cancelled; nothing was written" in refused.stderr
    assert "learn cohort reschedule 2026-autumn 6 2026-12-09 --reinstate" in refused.stderr
    assert cohort_file(data_dir).read_bytes() == before

    result = learn(*TODAY, "cohort", "reschedule", "2026-autumn", "6", "2026-12-09", "--reinstate")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("reinstated cancelled session 6 of 2026-autumn from Wed 2 Dec 2026 to Wed 9 Dec 2026")
    session = loaded(data_dir)["sessions"][5]
    assert session["date"].isoformat() == "2026-12-09"
    assert "cancelled" not in session and "note" not in session
    assert learn(*TODAY, "validate").exit_code == 0

    again = learn(*TODAY, "cohort", "reschedule", "2026-autumn", "6", "2026-12-10", "--reinstate")
    assert again.exit_code == 1 and "is not cancelled" in again.stderr
