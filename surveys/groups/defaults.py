"""What a new group session starts with: its rules of engagement and its two polls.

Written in the program's own words from the group guide's rules and sample polls. Each
session keeps its own copy (the rules in its row, the polls as surveys of its own), so
editing one session never changes another, and answers keep the wording they were given
under. Polls' French texts start empty, as the program's surveys do: the French
translation fills them in beside the English.
"""

from dataclasses import dataclass

from django.utils.translation import gettext, gettext_noop

# Marked for translation: a session whose rules are left empty shows this, in the page's
# language; an administrator's own wording is stored on the session instead.
DEFAULT_RULES_EN = gettext_noop("""\
Welcome. A few words on how this group works:
- It is a drop-in conversation between colleagues, not therapy or medical care.
- Stay as long as you like and come back as often as you like: there is nothing to sign up for.
- Nobody keeps a list of who comes, and nothing said here is written down.
- The polls are anonymous: they count answers, never who gave them.
- You don't have to speak or turn your camera on. Listening is taking part too.
- Take away what you learn, but not who said it or the details of their story \
(the Chatham House rule).
- In a drop-in group nobody can promise what others will repeat: share what feels \
comfortable to you.""")


def default_rules() -> str:
    """Return the default rules of engagement in the active language."""
    return gettext(DEFAULT_RULES_EN)


@dataclass(frozen=True)
class QuestionDefault:
    code: str
    kind: str  # "single" or "multiple"
    text_en: str
    choices: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class PollDefault:
    kind: str
    title_en: str
    intro_en: str
    questions: tuple[QuestionDefault, ...]


ENTRANCE_POLL = PollDefault(
    kind="entrance_poll",
    title_en="Before we start",
    intro_en="One anonymous question: the facilitator shares the counts, never who chose what.",
    questions=(
        QuestionDefault(
            code="hopes",
            kind="multiple",
            text_en="What would you like to get from this group?",
            choices=(
                ("connect", "Time with colleagues who understand"),
                ("practice", "Information that helps with my practice"),
                ("share_experience", "A chance to talk about what I have been through"),
                ("help_others", "To pass on what I know, to help others"),
                ("curious", "To find out what the group is like"),
                ("something_else", "Something else (tell the group if you like)"),
                ("returning", "I have been to this group before"),
            ),
        ),
    ),
)

EXIT_POLL = PollDefault(
    kind="exit_poll",
    title_en="Before you go",
    intro_en="Two anonymous questions about today's group.",
    questions=(
        QuestionDefault(
            code="useful",
            kind="single",
            text_en="How useful was this group for you?",
            choices=(
                ("very_useful", "Very useful"),
                ("useful", "Useful"),
                ("somewhat", "Somewhat useful"),
                ("not_useful", "Not useful"),
            ),
        ),
        QuestionDefault(
            code="again",
            kind="single",
            text_en="Would you come to another session?",
            choices=(
                ("yes", "Yes, I will"),
                ("maybe", "Maybe"),
                ("no", "No, I don't think so"),
            ),
        ),
    ),
)

POLL_DEFAULTS = (ENTRANCE_POLL, EXIT_POLL)
