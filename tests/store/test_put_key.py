"""Adding keys to hand-written mappings keeps the comments that follow them in place."""

from __future__ import annotations

from datetime import date

from learncli.store import edits
from learncli.store.roundtrip import RoundTrip, put_key

TEXT = """\
participants:
  - name: Priya Raman
    email: priya.raman@example.org
    registered: 2026-07-20

  # Withdrew in August: service restructure.
  - name: Tom Whitfield
    email: tom.whitfield@example.org

attendance:
  1:
    priya.raman@example.org: present  # on time
  3:
    priya.raman@example.org: late

# Commitments follow.
commitments: []
"""


def test_a_new_key_goes_above_the_comment_that_introduces_the_next_item():
    doc = RoundTrip(TEXT)
    edits.withdraw_participant(doc.data, "priya.raman@example.org", date(2026, 12, 2))
    assert "    registered: 2026-07-20\n    status: withdrawn\n    withdrawn: 2026-12-02\n\n  # Withdrew in August" in doc.dump()


def test_sessions_are_inserted_in_number_order_and_the_trailing_comment_stays_last():
    doc = RoundTrip(TEXT)
    edits.set_marks(doc.data, 2, {"priya.raman@example.org": "absent"})
    edits.set_marks(doc.data, 4, {"priya.raman@example.org": {"status": "late", "minutes": 150}})
    out = doc.dump()
    assert (
        "  1:\n    priya.raman@example.org: present  # on time\n"
        "  2:\n    priya.raman@example.org: absent\n"
        "  3:\n    priya.raman@example.org: late\n"
        "  4:\n    priya.raman@example.org: {status: late, minutes: 150}\n"
        "\n# Commitments follow.\ncommitments: []\n"
    ) in out


def test_put_key_after_a_flow_mapping_keeps_the_braces_closed():
    doc = RoundTrip("marks:\n  a@example.org: {status: late, minutes: 3}\n\n# after\nnext: 1\n")
    put_key(doc.data["marks"], "b@example.org", "present")
    assert doc.dump() == "marks:\n  a@example.org: {status: late, minutes: 3}\n  b@example.org: present\n\n# after\nnext: 1\n"
