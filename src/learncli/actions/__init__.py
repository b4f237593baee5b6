"""Use cases: the orchestration of one command (load, decide, save) when it grows past a few
lines, so the command in `cli/` stays thin. Below `cli/`, above domain/store/render; no
Typer, no printing: they return what happened and the command renders it."""
