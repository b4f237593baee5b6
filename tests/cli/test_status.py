"""`learn status`: the one screen."""

from __future__ import annotations

import json


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
