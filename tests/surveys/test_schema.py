"""Unlinkable by construction: the database itself cannot tie an answer to anyone.

Walks the foreign keys Postgres holds (not the models' idea of them): from a link, a
response or an answer, every table reached must be one of them or a survey definition;
nothing outside points into them; and none of their columns is of an identifier kind or
keeps a moment finer than a day.
"""

import re

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

# The tables of anonymous answers. A group session's poll answers are rows of these too:
# a poll is a survey of its own (`surveys_survey.group_session`), answered like any.
ANONYMOUS = {"surveys_surveytoken", "surveys_response", "surveys_answer"}
# What answers may point to: the surveys' definitions (a poll's included).
DEFINITIONS = {"surveys_survey", "surveys_question", "surveys_choice"}
# Definitions that may name people (a group session names its facilitators): reaching
# one is allowed, walking on from it is not.
NAMED_DEFINITIONS: set[str] = {"surveys_groupsession"}
# The rest of the app: a session's series and its facilitators (who run it, never who came).
GROUP_DEFINITIONS = {"surveys_groupseries", "surveys_groupsession_facilitators"}
# Words of a column that would record who came to a group.
ATTENDANCE_WORDS = {
    "attend",
    "attended",
    "attendee",
    "attendees",
    "attendance",
    "participant",
    "participants",
    "register",
    "registered",
    "registration",
    "rsvp",
    "present",
    "came",
    "joined",
}

IDENTIFIER_WORDS = {
    "name",
    "email",
    "mail",
    "phone",
    "ip",
    "address",
    "addr",
    "user",
    "request",
    "assignment",
    "supporter",
    "case",
    "token",
}
IDENTIFIER_TYPES = {"inet", "cidr", "macaddr"}
MOMENT_TYPES = {"timestamp with time zone", "timestamp without time zone", "time"}


def foreign_keys() -> list[tuple[str, str]]:
    """Return (from table, to table) for every foreign key in the public schema."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT source.relname, target.relname
            FROM pg_constraint AS c
            JOIN pg_class AS source ON source.oid = c.conrelid
            JOIN pg_class AS target ON target.oid = c.confrelid
            JOIN pg_namespace AS n ON n.oid = source.relnamespace
            WHERE c.contype = 'f' AND n.nspname = 'public'
            """
        )
        return [(source, target) for source, target in cursor.fetchall()]


def columns(table: str) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT column_name, data_type FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name = %s
            """,
            [table],
        )
        return [(name, data_type) for name, data_type in cursor.fetchall()]


def reachable_from(start: set[str], edges: list[tuple[str, str]]) -> set[str]:
    seen = set(start)
    frontier = list(start)
    while frontier:
        table = frontier.pop()
        if table in NAMED_DEFINITIONS:
            continue
        for source, target in edges:
            if source == table and target not in seen:
                seen.add(target)
                frontier.append(target)
    return seen


def test_the_walk_sees_the_real_keys() -> None:
    edges = foreign_keys()
    # The walk would miss everything if it read nothing: these keys must be there.
    assert ("surveys_answer", "surveys_response") in edges
    assert ("surveys_response", "surveys_survey") in edges
    assert ("intake_supportrequest", "supporters_supporter") in edges
    assert {"surveys_surveytoken", "surveys_response", "surveys_answer"} <= {
        source for source, _target in edges
    }


def test_answers_reach_only_answers_and_survey_definitions() -> None:
    reached = reachable_from(ANONYMOUS, foreign_keys())
    assert reached - ANONYMOUS - DEFINITIONS - NAMED_DEFINITIONS == set()


def test_no_table_outside_the_answers_points_into_them() -> None:
    pointing_in = {source for source, target in foreign_keys() if target in ANONYMOUS}
    assert pointing_in <= ANONYMOUS


def test_the_walk_would_catch_a_key_to_a_request() -> None:
    edges = [*foreign_keys(), ("surveys_response", "intake_supportrequest")]
    reached = reachable_from(ANONYMOUS, edges)
    assert "intake_supportrequest" in reached
    assert "supporters_supporter" in reached  # and everything the request reaches


@pytest.mark.parametrize("table", sorted(ANONYMOUS))
def test_no_answer_table_holds_an_identifier_column(table: str) -> None:
    found = columns(table)
    assert found, f"{table} has no columns: is the name right?"
    for name, data_type in found:
        if table == "surveys_surveytoken" and name == "token_hash":
            continue  # the hash of a random link, never the link or anything about a person
        words = set(re.split(r"[_\W]+", name.lower()))
        assert not words & IDENTIFIER_WORDS, f"{table}.{name} looks like an identifier"
        assert data_type not in IDENTIFIER_TYPES, f"{table}.{name} is an address"


@pytest.mark.parametrize("table", sorted(ANONYMOUS))
def test_no_answer_table_keeps_a_moment_finer_than_a_day(table: str) -> None:
    for name, data_type in columns(table):
        assert data_type not in MOMENT_TYPES, f"{table}.{name} is a {data_type}"


def test_responses_and_answers_have_random_keys_not_counters() -> None:
    # A counter would order responses finer than their week.
    assert dict(columns("surveys_response"))["id"] == "uuid"
    assert dict(columns("surveys_answer"))["id"] == "uuid"


def surveys_tables() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT table_name FROM information_schema.tables
            WHERE table_schema = 'public' AND table_name LIKE %s
            """,
            ["surveys\\_%"],
        )
        return {name for (name,) in cursor.fetchall()}


def test_every_table_of_the_app_is_classified() -> None:
    # A new table (another place poll answers might go) must be classified here first.
    assert surveys_tables() == ANONYMOUS | DEFINITIONS | NAMED_DEFINITIONS | GROUP_DEFINITIONS


def test_a_poll_answer_reaches_its_poll_and_its_session_and_nothing_else() -> None:
    edges = foreign_keys()
    assert ("surveys_survey", "surveys_groupsession") in edges
    reached = reachable_from({"surveys_response", "surveys_answer"}, edges)
    assert reached == {
        "surveys_response",
        "surveys_answer",
        "surveys_survey",
        "surveys_question",
        "surveys_choice",
        "surveys_groupsession",
    }
    # And the session itself points only to its series: its people are in a table of their
    # own that points into it, which no answer reaches.
    assert {target for source, target in edges if source == "surveys_groupsession"} == {
        "surveys_groupseries"
    }


def test_only_the_facilitators_table_reaches_a_user() -> None:
    to_users = {
        source
        for source, target in foreign_keys()
        if source.startswith("surveys_") and target == "accounts_user"
    }
    assert to_users == {"surveys_groupsession_facilitators"}


@pytest.mark.parametrize(
    "table", sorted(ANONYMOUS | DEFINITIONS | NAMED_DEFINITIONS | GROUP_DEFINITIONS)
)
def test_no_table_of_the_app_records_attendance(table: str) -> None:
    found = columns(table)
    assert found, f"{table} has no columns: is the name right?"
    for name, _data_type in found:
        words = set(re.split(r"[_\W]+", name.lower()))
        assert not words & ATTENDANCE_WORDS, f"{table}.{name} looks like attendance"


def test_the_attendance_check_would_catch_a_column() -> None:
    assert {"attendee"} & set(re.split(r"[_\W]+", "attendee_count"))
