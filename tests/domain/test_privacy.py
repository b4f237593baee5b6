"""How long personal data is kept, and how names leave text (domain.privacy)."""

from __future__ import annotations

from datetime import date

from learncli.domain import privacy
from learncli.models.cohort import Cohort, Participant
from learncli.models.course import Retention


def test_the_ledger_keeps_an_invoice_six_years_after_the_end_of_its_financial_year():
    uk = Retention()
    assert privacy.ledger_kept_until(date(2026, 3, 2), uk) == date(2032, 3, 31)
    assert privacy.ledger_kept_until(date(2026, 3, 31), uk) == date(2032, 3, 31)
    assert privacy.ledger_kept_until(date(2026, 4, 1), uk) == date(2033, 3, 31)
    calendar_year = Retention(ledger_years=7, financial_year_end="12-31")
    assert privacy.ledger_kept_until(date(2026, 1, 1), calendar_year) == date(2033, 12, 31)


def test_people_are_kept_months_after_the_last_session_and_the_cutoff_purges_exactly_those_past_it():
    cohort = Cohort.model_validate({"course": "c", "sessions": [{"date": "2026-01-13"}, {"date": "2026-08-31"}]})
    assert privacy.people_kept_until(cohort, Retention()) == date(2028, 8, 31)
    assert privacy.people_kept_until(cohort, Retention(people_months=6)) == date(2027, 2, 28)
    assert privacy.retention_cutoff(date(2028, 9, 1), Retention()) == date(2026, 9, 1)
    assert cohort.last_date < privacy.retention_cutoff(date(2028, 9, 1), Retention())
    assert not cohort.last_date < privacy.retention_cutoff(date(2028, 8, 31), Retention())


def test_names_leave_the_comments_and_the_values_stay():
    ann = Participant.model_validate({"name": "O'Neil, Ann", "email": "ann.oneil@example.org", "aliases": ["Ann's iPad"]})
    who = privacy.identity(ann)
    text = (
        "# Ann O'Neil asked for invoices to go to ANN.ONEIL@example.org\n"
        "name: \"Ann # not a comment\"  # O'Neil's note\n"
        "role: Annual planning   # Annette is someone else\n"
    )
    assert privacy.redact_comments(text, who) == (
        "# [erased] [erased] asked for invoices to go to [erased]\n"
        "name: \"Ann # not a comment\"  # [erased]'s note\n"
        "role: Annual planning   # Annette is someone else\n"
    )


def test_the_counts_of_erased_people_add_up_with_those_already_forgotten():
    cohort = Cohort.model_validate({
        "course": "c", "sessions": [{"date": "2026-01-13"}, {"date": "2026-01-27"}],
        "participants": [{"name": "A", "email": "a@example.org"}, {"name": "B", "email": "b@example.org"}],
        "attendance": {1: {"a@example.org": "present", "b@example.org": "late"}, 2: {"b@example.org": "absent"}},
        "commitments": [{"email": "a@example.org", "session": 1, "text": "t", "status": "done"}],
        "forgotten": {"people": 1, "attendance": {1: {"present": 2}}, "invoices": ["X-1"]},
    })
    counts = privacy.counts_of(cohort, cohort.participants)
    merged = privacy.add_forgotten(cohort.forgotten, counts, ["X-2", "X-1"])
    assert merged == {
        "people": 3,
        "attendance": {1: {"late": 1, "present": 3}, 2: {"absent": 1}},
        "commitments": {"done": 1},
        "invoices": ["X-1", "X-2"],
    }
