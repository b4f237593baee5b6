"""How names read in a sentence: the sort form turned round, everything else as written."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from learncli.models.cohort import Participant
from learncli.prose_names import ORGANISATION_WORDS, SUFFIXES, display_name, first_name


@pytest.mark.parametrize(
    ("name", "shown", "first"),
    [
        ("O'Neil, Ann", "Ann O'Neil", "Ann"),
        ("  O'Neil ,  Ann Marie ", "Ann Marie O'Neil", "Ann"),
        ("van der Berg, Anna", "Anna van der Berg", "Anna"),
        ('Lowe, Margaret "Peggy"', 'Margaret "Peggy" Lowe', "Peggy"),
        ('Margaret "Peggy" Lowe', 'Margaret "Peggy" Lowe', "Peggy"),
        ("Margaret “Peggy” Lowe", "Margaret “Peggy” Lowe", "Peggy"),
        ("Ó Briain, Dónal", "Dónal Ó Briain", "Dónal"),
        ("Dónal Ó Briain", "Dónal Ó Briain", "Dónal"),
        ("Prince", "Prince", "Prince"),
        # A suffix or letters after the name: the comma is not a sort form.
        ("John Smith, Jr.", "John Smith, Jr.", "John"),
        ("Smith, Jr.", "Smith, Jr.", "Smith"),
        ("Henry Ford, III", "Henry Ford, III", "Henry"),
        ("Ann O'Neil, Ph.D.", "Ann O'Neil, Ph.D.", "Ann"),
        ("Ann O'Neil, PhD OBE", "Ann O'Neil, PhD OBE", "Ann"),
        ("Priya Raman, MBE", "Priya Raman, MBE", "Priya"),
        ("Sam Lee, BA (Hons)", "Sam Lee, BA (Hons)", "Sam"),
        # A single letter after the comma is an initial, not a numeral.
        ("Smith, V", "V Smith", "V"),
        # An organisation or a team, not a person.
        ("Northshire County Council, Accounts Payable", "Northshire County Council, Accounts Payable", "Northshire"),
        ("Acme Ltd, Training", "Acme Ltd, Training", "Acme"),
        ("Team 2, Operations", "Team 2, Operations", "Team"),
        # Not exactly one comma, or an empty side.
        ("Smith, John, Jr.", "Smith, John, Jr.", "Smith"),
        ("O'Neil,", "O'Neil,", "O'Neil"),
        (", Ann", ", Ann", "Ann"),
    ],
)
def test_names_in_prose(name, shown, first):
    assert display_name(name) == shown
    assert first_name(name) == first


# Words of a name: letters (any script), apostrophes and hyphens inside, never a comma.
word = st.text(alphabet=st.characters(categories=("Lu", "Ll", "Lo")), min_size=1, max_size=8).map(str.capitalize)
words = st.lists(word, min_size=1, max_size=3).map(" ".join)
plain = words.filter(lambda w: not ({x.lower() for x in w.split()} & (SUFFIXES | ORGANISATION_WORDS)))


@given(surname=plain, given_names=plain)
def test_a_sort_form_turns_round_and_greets_by_the_first_given_name(surname, given_names):
    assert display_name(f"{surname}, {given_names}") == f"{given_names} {surname}"
    assert first_name(f"{surname}, {given_names}") == given_names.split()[0]
    # Turning round once is enough: the result reads the same again.
    assert display_name(display_name(f"{surname}, {given_names}")) == f"{given_names} {surname}"


@given(name=words)
def test_a_name_without_a_comma_is_shown_as_written(name):
    assert display_name(name) == name
    assert first_name(name) == name.split()[0]


@given(surname=plain, given_names=plain, suffix=st.sampled_from(sorted(SUFFIXES)).map(str.upper))
def test_a_suffix_after_the_comma_keeps_the_name_as_written(surname, given_names, suffix):
    name = f"{given_names} {surname}, {suffix}"
    assert display_name(name) == name
    assert first_name(name) == given_names.split()[0]


@given(parts=st.lists(plain, min_size=3, max_size=4))
def test_two_commas_or_more_keep_the_name_as_written(parts):
    name = ", ".join(parts)
    assert display_name(name) == name


def test_a_participants_display_name_overrides_the_rule():
    ann = Participant(name="O'Neil, Ann", email="ann.oneil@example.org")
    assert (ann.prose_name, ann.first_name) == ("Ann O'Neil", "Ann")
    annie = Participant(name="O'Neil, Ann", email="ann.oneil@example.org", display_name="Annie O'Neil-Byrne")
    assert (annie.prose_name, annie.first_name) == ("Annie O'Neil-Byrne", "Annie")
    jr = Participant(name="Smith, Jr.", email="j@example.org", display_name="John Smith Jr.")
    assert (jr.prose_name, jr.first_name) == ("John Smith Jr.", "John")
