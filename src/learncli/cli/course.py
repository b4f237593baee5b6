"""`learn course list` and `learn course show`."""

from __future__ import annotations

import typer

from learncli.cli._common import CourseArg, JsonOpt, group, state

app = group("The courses defined in courses.yaml.")


@app.command("list")
def course_list(ctx: typer.Context, json_output: JsonOpt = False) -> None:
    """List the courses: id, title, sessions, times, fee.

    Example: learn course list --json
    """
    from learncli.cli._output import console, print_json
    from learncli.render.tables import course_table

    config = state(ctx).folder.config()
    if json_output:
        print_json([course_json(c) for c in config.courses])
        return
    console().print(course_table(config.courses))


@app.command("show")
def course_show(ctx: typer.Context, course_id: CourseArg, json_output: JsonOpt = False) -> None:
    """Show one course: its themes, times, fee, contribution, facilitators and rules.

    Example: learn course show leading-with-learning
    """
    from learncli.cli._output import console, print_json
    from learncli.domain.lookup import find_course
    from learncli.render.tables import course_detail

    app_state = state(ctx)
    config = app_state.folder.config()
    course = find_course(config, course_id)
    if json_output:
        print_json(course_json(course) | {"timezone": config.timezone})
        return
    console().print(course_detail(course, config))


def course_json(course: object) -> dict[str, object]:
    from learncli.cli._output import jsonable

    data = jsonable(course)
    assert isinstance(data, dict)
    data["sessions"] = len(data["themes"])
    return data
