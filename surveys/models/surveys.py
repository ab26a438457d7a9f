"""Surveys (and group sessions' polls), their single-use links and their anonymous responses.

A survey version is an ordered list of questions, each with its choices. A response holds
the survey version, how it came (an invitation or an open link), the Monday of the week
it was sent and its answers: no column or key reaches a request, an assignment, a
supporter or a user (a schema test walks the foreign keys to prove it). An invitation
link is stored only as the hash of its token, with the survey and the day it was sent,
and its row is deleted when the survey is answered: nothing links a response to a token.

Every text a respondent reads is stored twice, in English and in French side by side;
the French one shows when the page is in French and it is filled in.
"""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

TEXT_ANSWER_MAX_LENGTH = 500
SCALE_MIN, SCALE_MAX = 1, 5
CODE_PATTERN = r"^[a-z][a-z0-9_]*$"

code_validator = RegexValidator(
    CODE_PATTERN, _("Use lowercase letters, digits and underscores, starting with a letter.")
)


def in_language(english: str, french: str) -> str:
    """Return the French text when the active language is French and it is filled in."""
    language = (translation.get_language() or "").split("-")[0]
    return french if language == "fr" and french.strip() else english


class SurveyKind(models.TextChoices):
    POST_SUPPORT = "post_support", _("Post-support survey")
    AWARENESS = "awareness", _("Awareness survey")


class PollKind(models.TextChoices):
    """A group session's two polls: each is a survey of its own, made for that session."""

    ENTRANCE = "entrance_poll", _("Entrance poll")
    EXIT = "exit_poll", _("Exit poll")


POLL_KINDS = tuple(PollKind.values)
POLL_CODE_LENGTH = 10


class Survey(models.Model):
    """One version of a survey. Once it has responses, its questions keep their meaning:
    an administrator edits a copy, a new version, and results stay per version.

    A poll is a survey too: one of a group session's two (`group_session`, `kind` one of
    `PollKind`), answered at `/polls/<code>/`. Its questions are the session's own copy of
    the defaults, edited for that session alone; polls have no versions and are never "in
    use" the way the program's surveys are.
    """

    kind = models.CharField(_("kind"), max_length=24, choices=SurveyKind.choices + PollKind.choices)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    is_active = models.BooleanField(
        _("in use"),
        default=False,
        help_text=_("The version people are asked to answer; one per kind."),
    )
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True)
    intro_en = models.TextField(_("introduction (English)"), max_length=1000, blank=True)
    intro_fr = models.TextField(_("introduction (French)"), max_length=1000, blank=True)
    group_session = models.ForeignKey(
        "surveys.GroupSession",
        verbose_name=_("group session"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        editable=False,
        related_name="polls",
    )
    # Short, random and easy to paste in a chat: the poll's address, /polls/<code>/.
    code = models.CharField(_("poll code"), max_length=16, blank=True, editable=False)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "version"],
                condition=Q(group_session__isnull=True),
                name="survey_kind_version_unique",
            ),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(is_active=True), name="survey_one_in_use_per_kind"
            ),
            # A poll belongs to a session and has a code; a survey of the program has neither.
            models.CheckConstraint(
                condition=(
                    (Q(kind__in=POLL_KINDS, group_session__isnull=False) & ~Q(code=""))
                    | (~Q(kind__in=POLL_KINDS) & Q(group_session__isnull=True, code=""))
                ),
                name="survey_poll_of_a_session",
            ),
            models.CheckConstraint(
                condition=Q(is_active=False) | ~Q(kind__in=POLL_KINDS),
                name="survey_poll_never_in_use",
            ),
            models.UniqueConstraint(
                fields=["code"], condition=~Q(code=""), name="survey_poll_code_unique"
            ),
            models.UniqueConstraint(
                fields=["group_session", "kind"],
                condition=Q(group_session__isnull=False),
                name="survey_one_poll_of_each_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title_en} (v{self.version})"

    @property
    def title(self) -> str:
        return in_language(self.title_en, self.title_fr)

    @property
    def intro(self) -> str:
        return in_language(self.intro_en, self.intro_fr)

    @property
    def is_poll(self) -> bool:
        return self.kind in POLL_KINDS


class Poll(Survey):
    """A group session's poll, as the admin lists it apart from the program's surveys."""

    class Meta:
        proxy = True
        verbose_name = _("poll")
        verbose_name_plural = _("polls")


class Question(models.Model):
    """One question of a survey version, in its place."""

    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Several choices")
        SCALE = "scale", _("Scale from 1 to 5")
        TEXT = "text", _("Short optional text (500 characters)")

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    code = models.CharField(
        _("code"),
        max_length=40,
        validators=[code_validator],
        help_text=_("A short name that stays the same across versions, to compare results."),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text_en = models.CharField(_("question (English)"), max_length=300)
    text_fr = models.CharField(_("question (French)"), max_length=300, blank=True)
    scale_low_en = models.CharField(_("label of 1 (English)"), max_length=60, blank=True)
    scale_low_fr = models.CharField(_("label of 1 (French)"), max_length=60, blank=True)
    scale_high_en = models.CharField(_("label of 5 (English)"), max_length=60, blank=True)
    scale_high_fr = models.CharField(_("label of 5 (French)"), max_length=60, blank=True)
    is_required = models.BooleanField(_("answer required"), default=False)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "code"], name="question_code_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=["single", "multiple", "scale", "text"]),
                name="question_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(code__regex=CODE_PATTERN), name="question_code_valid"
            ),
            # Written answers are always optional: nobody must write to be counted.
            models.CheckConstraint(
                condition=~Q(kind="text") | Q(is_required=False), name="question_text_optional"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def text(self) -> str:
        return in_language(self.text_en, self.text_fr)

    @property
    def scale_low(self) -> str:
        return in_language(self.scale_low_en, self.scale_low_fr)

    @property
    def scale_high(self) -> str:
        return in_language(self.scale_high_en, self.scale_high_fr)

    def scale_options(self) -> list[tuple[int, str]]:
        """Return the scale's values with their labels: the two ends are labelled."""
        ends = {SCALE_MIN: self.scale_low, SCALE_MAX: self.scale_high}
        return [
            (value, f"{value} \N{EN DASH} {ends[value]}" if ends.get(value) else str(value))
            for value in range(SCALE_MIN, SCALE_MAX + 1)
        ]

    @property
    def has_choices(self) -> bool:
        return self.kind in (self.Kind.SINGLE, self.Kind.MULTIPLE)


class Choice(models.Model):
    """One answer offered by a single- or several-choice question."""

    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="choices"
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    code = models.CharField(_("code"), max_length=40, validators=[code_validator])
    text_en = models.CharField(_("choice (English)"), max_length=200)
    text_fr = models.CharField(_("choice (French)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["question", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["question", "code"], name="choice_code_unique"),
            models.CheckConstraint(condition=Q(code__regex=CODE_PATTERN), name="choice_code_valid"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def text(self) -> str:
        return in_language(self.text_en, self.text_fr)


class SurveyToken(models.Model):
    """A single-use invitation link: only its hash, the survey and the day it was sent.

    No column says whom it was sent to. The row is deleted when the survey is answered
    through it (in the same transaction as the response) or when it expires.
    """

    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="+")
    invited_on = models.DateField()

    class Meta:
        verbose_name = _("survey link")
        verbose_name_plural = _("survey links")
        indexes = [models.Index(fields=["invited_on"], name="surveytoken_invited_on_idx")]

    def __str__(self) -> str:
        return f"link of {self.invited_on.isoformat()}"


class Response(models.Model):
    """One anonymous set of answers to a survey version.

    A random primary key, not a counter, and the week rather than the moment: nothing
    orders responses finer than the week they were sent in.
    """

    class Channel(models.TextChoices):
        INVITED = "invited", _("Invited")
        OPEN_LINK = "open_link", _("Open link")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.PROTECT, related_name="responses"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    submitted_week = models.DateField(_("week of"), help_text=_("The Monday of its week."))
    # A random key of the form page: the same form sent twice saves one response.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        indexes = [models.Index(fields=["survey", "channel"], name="response_survey_channel_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=["invited", "open_link"]), name="response_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(submitted_week__iso_week_day=1), name="response_week_is_a_monday"
            ),
        ]

    def __str__(self) -> str:
        return f"response of the week of {self.submitted_week.isoformat()}"


class Answer(models.Model):
    """One answer of a response: a choice (one row per choice ticked), a scale value or text."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    choice = models.ForeignKey(
        Choice, on_delete=models.PROTECT, null=True, blank=True, related_name="answers"
    )
    value = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(SCALE_MIN), MaxValueValidator(SCALE_MAX)],
    )
    text = models.CharField(max_length=TEXT_ANSWER_MAX_LENGTH, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [models.Index(fields=["question", "choice"], name="answer_question_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(choice__isnull=False, value__isnull=True, text="")
                    | Q(choice__isnull=True, value__isnull=False, text="")
                    | (Q(choice__isnull=True, value__isnull=True) & ~Q(text=""))
                ),
                name="answer_one_kind",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=SCALE_MIN, value__lte=SCALE_MAX),
                name="answer_value_on_scale",
            ),
            models.UniqueConstraint(
                fields=["response", "question", "choice"], name="answer_choice_once"
            ),
            models.UniqueConstraint(
                fields=["response", "question"],
                condition=Q(choice__isnull=True),
                name="answer_value_or_text_once",
            ),
        ]

    def __str__(self) -> str:
        return "answer"
