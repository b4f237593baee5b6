"""The validate cache never hides a change."""

from __future__ import annotations

import json
import os

#: The bundled data's two notes and its two warnings that the settings are fictional.
BUNDLED = ["D007", "D008", "S001", "S002"]


def _codes(result) -> list[str]:
    return sorted(d["code"] for d in json.loads(result.stdout)["diagnostics"])


def test_an_edit_that_keeps_size_and_mtime_is_still_seen(learn, data_dir):
    first = learn("--today", "2026-11-23", "validate", "--json")
    assert _codes(first) == BUNDLED
    assert (data_dir / ".learn-cache" / "validate.json").is_file()

    path = data_dir / "cohorts" / "2026-spring.yaml"
    stat = path.stat()
    text = path.read_text()
    edited = text.replace("- date: 2026-05-19", "- date: 2026-05-16")  # a Saturday; same length
    assert len(edited) == len(text)
    path.write_text(edited)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    second = learn("--today", "2026-11-23", "validate", "--json")
    assert second.exit_code == 1
    assert "D003" in _codes(second)


def test_the_cached_answer_equals_a_fresh_one(learn, data_dir):
    fresh = learn("--today", "2026-11-23", "validate", "--no-cache").stdout
    learn("--today", "2026-11-23", "validate")
    assert learn("--today", "2026-11-23", "validate").stdout == fresh


def test_another_date_is_another_answer(learn, data_dir):
    learn("--today", "2026-11-23", "validate")
    later = learn("--today", "2026-12-10", "validate", "--json")
    assert "A003" in _codes(later)  # session 6 (2 Dec) has passed with no attendance


def test_a_corrupt_or_unwritable_cache_is_ignored(learn, data_dir):
    learn("--today", "2026-11-23", "validate")
    (data_dir / ".learn-cache" / "validate.json").write_text("{not json")
    assert _codes(learn("--today", "2026-11-23", "validate", "--json")) == BUNDLED
    # A cache folder that cannot be written (here: a file where the folder should be).
    cache = data_dir / ".learn-cache"
    for child in cache.iterdir():
        child.unlink()
    cache.rmdir()
    cache.write_text("not a folder")
    assert _codes(learn("--today", "2026-11-23", "validate", "--json")) == BUNDLED
    assert cache.read_text() == "not a folder"
