"""Conflict copies left by sync services: reported by validate, never read as data, and
merged back with `learn merge BASE OURS THEIRS` taking the copy as THEIRS."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml

from learncli.resources import example_data_dir

TODAY = ("--today", "2026-11-20")

COPIES = {
    "Dropbox": "{stem} (Roger's conflicted copy 2026-11-18).yaml",
    "OneDrive": "{stem}-DESKTOP-ABC123.yaml",
    "Google Drive": "{stem} (1).yaml",
    "Nextcloud": "{stem} (conflicted copy 2026-11-18 101010).yaml",
    "Syncthing": "{stem}.sync-conflict-20261118-101010-ABCDEFG.yaml",
}


@pytest.mark.parametrize("service", list(COPIES))
@pytest.mark.parametrize("where", ["cohorts/2026-autumn.yaml", "invoices/2026.yaml"])
def test_a_conflict_copy_is_reported_and_not_read_as_data(learn, data_dir, service, where):
    def diagnostics() -> list[dict]:
        return json.loads(learn(*TODAY, "validate", "--json").stdout)["diagnostics"]

    before = diagnostics()
    original = data_dir / where
    copy = original.with_name(COPIES[service].format(stem=original.stem))
    shutil.copyfile(original, copy)
    result = learn(*TODAY, "validate", "--json")
    assert result.exit_code == 1
    after = json.loads(result.stdout)["diagnostics"]
    found = [d for d in after if d["code"] == "F008"]
    assert len(found) == 1 and copy.name in found[0]["message"] and original.name in found[0]["message"]
    assert service in found[0]["message"] and "learn merge" in found[0]["message"]
    # Nothing else changed: not a misnamed cohort, not a second ledger's duplicates.
    assert [d for d in after if d["code"] != "F008"] == before
    cohorts = learn(*TODAY, "cohort", "list", "--json")
    assert cohorts.exit_code == 0 and len(json.loads(cohorts.stdout)) == 2


def test_learn_merge_takes_a_conflict_copy_as_theirs(learn, data_dir, tmp_path):
    ours = data_dir / "cohorts" / "2026-autumn.yaml"
    base = tmp_path / "base.yaml"
    shutil.copyfile(example_data_dir() / "cohorts" / "2026-autumn.yaml", base)
    copy = ours.with_name("2026-autumn (1).yaml")
    copy.write_text(base.read_text().replace("    chidi.okafor@example.org: absent\n", "    chidi.okafor@example.org: excused\n"))
    assert learn(*TODAY, "attend", "mark", "2026-autumn", "6", "ann.oneil@example.org", "--status", "present").exit_code == 0
    merged = learn("merge", str(base), str(ours), str(copy), "cohorts/2026-autumn.yaml")
    assert merged.exit_code == 0, merged.output
    data = yaml.safe_load(ours.read_text())
    assert data["attendance"][5]["chidi.okafor@example.org"] == "excused"
    assert data["attendance"][6]["ann.oneil@example.org"] == "present"
    assert "# Sessions run on Wednesdays this time" in ours.read_text()


def test_a_merge_that_would_not_validate_leaves_ours_as_it_was(learn, data_dir, tmp_path):
    ours = data_dir / "cohorts" / "2026-autumn.yaml"
    base = tmp_path / "base.yaml"
    theirs = tmp_path / "theirs.yaml"
    base.write_text(ours.read_text())
    theirs.write_text(ours.read_text().replace("  1:\n    ann.oneil", "  1:\n    bogus: yes-please\n    ann.oneil", 1))
    before = ours.read_text()
    merged = learn("merge", str(base), str(ours), str(theirs), "data/cohorts/2026-autumn.yaml")
    assert merged.exit_code == 1
    assert "does not validate" in merged.output and ours.read_text() == before
