"""The program's system checks: warn, with DEBUG off, about a missing urgent number or contact."""

from typing import Any

from django.core.checks import Warning

from programs.checks import check_program_contact
from programs.program import current


def ids(messages: list[Any]) -> list[str]:
    return [message.id for message in messages]


def test_no_warning_when_everything_is_set(settings: Any) -> None:
    settings.DEBUG = False
    settings.PROGRAM_URGENT_PHONE = "604 555 0199"
    settings.PROGRAM_CONTACT_EMAIL = "program@example.org"
    settings.PROGRAM_CONTACT_PHONE = ""
    assert check_program_contact() == []


def test_an_unset_urgent_number_is_warned_about_with_debug_off(settings: Any) -> None:
    settings.DEBUG = False
    settings.PROGRAM_URGENT_PHONE = ""
    messages = check_program_contact()
    assert ids(messages) == ["programs.W001"]
    assert isinstance(messages[0], Warning)
    assert "PROGRAM_URGENT_PHONE" in messages[0].msg


def test_no_way_to_reach_the_program_is_warned_about_with_debug_off(settings: Any) -> None:
    settings.DEBUG = False
    settings.PROGRAM_URGENT_PHONE = "604 555 0199"
    settings.PROGRAM_CONTACT_EMAIL = ""
    settings.PROGRAM_CONTACT_PHONE = ""
    assert ids(check_program_contact()) == ["programs.W002"]
    settings.PROGRAM_CONTACT_PHONE = "604 555 0100"
    assert check_program_contact() == []


def test_a_development_site_is_not_warned(settings: Any) -> None:
    settings.DEBUG = True
    settings.PROGRAM_URGENT_PHONE = ""
    settings.PROGRAM_CONTACT_EMAIL = ""
    settings.PROGRAM_CONTACT_PHONE = ""
    assert check_program_contact() == []


def test_the_checks_are_registered() -> None:
    from django.core.checks.registry import registry

    assert check_program_contact in registry.get_checks()


def test_every_page_and_email_gets_the_contact_but_not_the_urgent_number(settings: Any) -> None:
    settings.PROGRAM_CONTACT_EMAIL = "program@example.org"
    settings.PROGRAM_CONTACT_PHONE = "+1 (604) 555-0100"
    settings.PROGRAM_URGENT_PHONE = "604 555 0199"
    program = current()
    email = program.email_context()
    assert email["program_contact_email"] == "program@example.org"
    assert email["program_contact_phone"] == "+1 (604) 555-0100"
    assert email["program_contact_tel"] == "+16045550100"
    assert email["discreet_subject"] is True
    page = program.page_context()
    assert page["program_contact_phone"] == "+1 (604) 555-0100"
    assert "604 555 0199" not in str(email) + str(page)
    assert program.urgent_context() == {"urgent_phone": "604 555 0199", "urgent_tel": "6045550199"}


def test_a_sender_name_that_names_the_program_is_warned_about(settings: Any) -> None:
    settings.DEBUG = False
    settings.PROGRAM_URGENT_PHONE = "604 555 0199"
    settings.PROGRAM_NAME = "Physician Peer Support Program"
    settings.DEFAULT_FROM_EMAIL = "Physician Peer Support Program <ps@example.org>"
    assert ids(check_program_contact()) == ["programs.W003"]
    settings.DEFAULT_FROM_EMAIL = "Medical Staff Office <ps@example.org>"
    assert check_program_contact() == []
    settings.DEFAULT_FROM_EMAIL = "Physician Peer Support Program <ps@example.org>"
    settings.DISCREET_SUBJECT = False
    assert check_program_contact() == []
