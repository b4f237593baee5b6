"""Who gets which email: the plans for cancelled sessions, late joiners and the payment gate."""

from __future__ import annotations

from datetime import date

import pytest

from learncli.domain.emails import plan_emails, time_label
from learncli.domain.invoicing import Ledger
from learncli.errors import Refused
from learncli.store.folder import DataFolder


def test_time_label():
    assert time_label("Europe/London") == "UK time"
    assert time_label("Europe/Berlin") == "Europe/Berlin time"


@pytest.fixture
def autumn(data_dir):
    folder = DataFolder(data_dir)
    return folder.config(), folder.cohort("2026-autumn")


def test_a_reminder_after_a_cancelled_session_recalls_the_action_from_the_one_before(autumn):
    config, cohort = autumn
    cohort.sessions[3].cancelled = True  # session 4 did not happen
    plan = plan_emails("reminder", cohort, config, date(2026, 11, 10), session=5, ledger=Ledger([]), include_unpaid=True)
    ann = next(d for d in plan.drafts if d.participant.email == "ann.oneil@example.org")
    assert ann.context["previous"]["number"] == 3
    assert ann.context["commitment"] is None  # Ann recorded nothing after session 3
    sian = next(d for d in plan.drafts if d.participant.email == "sian.evans@example.org")
    assert sian.context["commitment"]["text"].startswith("Write down the purpose")


def test_a_follow_up_points_at_the_next_session_that_runs(autumn):
    config, cohort = autumn
    cohort.sessions[5].cancelled = True
    plan = plan_emails("follow-up", cohort, config, date(2026, 11, 19), session=5, ledger=Ledger([]), include_unpaid=True)
    assert all(d.context["next"] is None for d in plan.drafts)
    cohort.sessions[5].cancelled = False
    plan = plan_emails("follow-up", cohort, config, date(2026, 11, 19), session=5, ledger=Ledger([]), include_unpaid=True)
    assert {d.context["next"]["number"] for d in plan.drafts} == {6}


def test_joining_needs_a_session_that_runs(autumn):
    config, cohort = autumn
    for session in cohort.sessions:
        session.cancelled = True
    with pytest.raises(Refused, match="every session"):
        plan_emails("joining", cohort, config, date(2026, 9, 1), ledger=Ledger([]), include_unpaid=True)
