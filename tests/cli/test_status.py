"""`learn status`: the one screen."""

from __future__ import annotations

import json
import re


def test_status_shows_the_autumn_cohort_and_its_last_session(learn):
    result = learn("--today", "2026-11-23", "status")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Autumn 2026" in out
    assert "session 6" in out
    assert "2 Dec 2026" in out
    assert "Making learning a habit" in out
    assert "in 9 days" in out
    assert "Spring 2026" not in out  # finished in June: hidden without --all
    assert "\x1b[" not in out  # plain when piped


def test_status_json_has_next_session_and_days(learn):
    result = learn("--today", "2026-11-23", "status", "--json")
    payload = json.loads(result.stdout)
    [autumn] = payload["cohorts"]
    assert autumn["id"] == "2026-autumn"
    assert autumn["state"] == "running"
    assert autumn["next"] == {
        "number": 6, "date": "2026-12-02", "start": "09:30", "end": "12:30",
        "theme": "Making learning a habit", "days": 9, "makes_up": None,
    }
    assert autumn["registered"] == 9 and autumn["withdrawn"] == 1
    assert payload["hidden_finished"] == 1


def test_status_honours_today_before_the_spring_cohort(learn):
    payload = json.loads(learn("--today", "2026-04-01", "status", "--json").stdout)
    ids = [c["id"] for c in payload["cohorts"]]
    assert ids == ["2026-spring", "2026-autumn"]
    spring = payload["cohorts"][0]
    assert spring["state"] == "upcoming" and spring["next"]["number"] == 1 and spring["next"]["days"] == 13


def test_a_broken_cohort_does_not_stop_status_for_the_others(learn, data_dir):
    (data_dir / "cohorts" / "2026-spring.yaml").write_text("course: [unclosed\n")
    result = learn("--today", "2026-11-23", "status", "--all")
    assert result.exit_code == 0
    assert "Autumn 2026" in result.stdout
    assert "2026-spring.yaml has errors" in result.stderr


def _copies_of_autumn(data_dir, weeks: list[int]) -> list[str]:
    """Copies of the autumn cohort, each `weeks[i]` weeks later, as cohorts `copy-i`."""
    from datetime import date, timedelta

    text = (data_dir / "cohorts" / "2026-autumn.yaml").read_text(encoding="utf-8")
    days = sorted(set(re.findall(r"date: (\d{4}-\d{2}-\d{2})", text)))
    ids = []
    for i, shift in enumerate(weeks):
        moved = text
        for day in sorted(days, reverse=shift > 0):
            later = date.fromisoformat(day) + timedelta(weeks=shift)
            moved = moved.replace(f"date: {day}", f"date: {later.isoformat()}")
        (data_dir / "cohorts" / f"copy-{i}.yaml").write_text(moved, encoding="utf-8")
        ids.append(f"copy-{i}")
    return ids


def test_with_many_current_cohorts_status_shows_the_ones_meeting_soonest_and_counts_the_rest(learn, data_dir):
    # autumn meets on 2 Dec; the copies 1 to 8 weeks later (each has sessions after the 23rd)
    ids = _copies_of_autumn(data_dir, [5, 1, 8, 3, 2, 7, 4, 6])
    every = json.loads(learn("--today", "2026-11-23", "status", "--json").stdout)
    soonest = sorted(every["cohorts"], key=lambda c: c["next"]["date"])
    assert len(soonest) == 9  # --json lists every current cohort, whatever the limit

    shown = learn("--today", "2026-11-23", "status", "--limit", "3")
    assert shown.exit_code == 0, shown.output
    named = re.findall(r"\((2026-autumn|copy-\d)\)", shown.stdout)
    assert sorted(named) == sorted(c["id"] for c in soonest[:3])
    words = " ".join(shown.stdout.split())  # as wrapped at 80 columns
    assert "6 more current cohort(s) not shown (6 running;" in words
    assert "`learn status --limit 0` shows them all" in words
    first, last = date_of(soonest[3]["next"]["date"]), date_of(soonest[-1]["next"]["date"])
    assert f"their next sessions from {first} to {last})" in words

    everything = learn("--today", "2026-11-23", "status", "--limit", "0")
    assert sorted(re.findall(r"\((2026-autumn|copy-\d)\)", everything.stdout)) == sorted(["2026-autumn", *ids])
    assert "more current cohort" not in everything.stdout
    assert sorted(re.findall(r"\((2026-autumn|2026-spring|copy-\d)\)", learn("--today", "2026-11-23", "status", "--all").stdout)) == sorted(
        ["2026-autumn", "2026-spring", *ids])
    # the default shows ten: all nine here
    assert "more current cohort" not in learn("--today", "2026-11-23", "status").stdout


def date_of(iso: str) -> str:
    """`Mon 4 Jan 2027`, as status writes a day."""
    from datetime import date

    day = date.fromisoformat(iso)
    return f"{day:%a} {day.day} {day:%b %Y}"
