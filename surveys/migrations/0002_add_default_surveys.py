"""The surveys a program starts with, in use at once: the post-support survey and the
awareness survey. Added only where no survey of the kind exists, so an administrator's
edits (and their new versions) are kept; production never runs `seed_demo`.

French texts are left empty: the French translation fills them in beside the English.
"""

from django.db import migrations

YES_MAYBE_NO = [("yes", "Yes"), ("maybe", "Maybe"), ("no", "No")]
HEARD_FROM = [
    ("colleague", "From a colleague"),
    ("leader", "From a leader or manager"),
    ("website", "On a website or in a newsletter"),
    ("event", "At a meeting, a talk or an event"),
    ("poster", "On a poster or a card"),
    ("other", "Some other way"),
]

SURVEYS = [
    {
        "kind": "post_support",
        "title_en": "How was peer support for you?",
        "intro_en": (
            "A few questions about the support you received; about two minutes. "
            "Your answers help the program do better for the next colleague who reaches out."
        ),
        "questions": [
            {
                "code": "useful",
                "kind": "scale",
                "is_required": True,
                "text_en": "How useful was peer support for you?",
                "scale_low_en": "Not useful at all",
                "scale_high_en": "Very useful",
            },
            {
                "code": "contacted_in_time",
                "kind": "single",
                "text_en": "Did your peer supporter reach out within the time we said?",
                "choices": [
                    ("yes", "Yes"),
                    ("no", "No, it took longer"),
                    ("not_sure", "I don't remember"),
                    ("not_applicable", "Does not apply: I reached a supporter myself or in a group"),
                ],
            },
            {
                "code": "safe_respected",
                "kind": "single",
                "text_en": "Did you feel safe and respected in your conversations?",
                "choices": [("yes", "Yes"), ("mostly", "Mostly"), ("no", "No")],
            },
            {
                "code": "recommend",
                "kind": "single",
                "text_en": "Would you recommend peer support to a colleague?",
                "choices": YES_MAYBE_NO,
            },
            {
                "code": "use_again",
                "kind": "single",
                "text_en": "Would you reach out again if you needed support in the future?",
                "choices": YES_MAYBE_NO,
            },
            {
                "code": "heard_from",
                "kind": "multiple",
                "text_en": "How did you hear about the program?",
                "choices": HEARD_FROM,
            },
            {
                "code": "improve",
                "kind": "text",
                "text_en": "Is there anything we could do better?",
            },
        ],
    },
    {
        "kind": "awareness",
        "title_en": "Physician peer support: have you heard of it?",
        "intro_en": (
            "A few questions for every physician, whether or not you have ever used peer "
            "support; about two minutes. Your answers help the program reach colleagues "
            "who could use it."
        ),
        "questions": [
            {
                "code": "heard_of",
                "kind": "single",
                "is_required": True,
                "text_en": "Before today, had you heard of the physician peer support program?",
                "choices": [("yes", "Yes"), ("no", "No"), ("not_sure", "Not sure")],
            },
            {
                "code": "used",
                "kind": "single",
                "text_en": "Have you ever talked with one of its peer supporters?",
                "choices": [("yes", "Yes"), ("no", "No"), ("prefer_not", "Prefer not to say")],
            },
            {
                "code": "satisfied",
                "kind": "scale",
                "text_en": "If you have, how satisfied were you?",
                "scale_low_en": "Not satisfied at all",
                "scale_high_en": "Very satisfied",
            },
            {
                "code": "would_use",
                "kind": "single",
                "text_en": (
                    "Would you reach out to a peer supporter if something at work or in life "
                    "was weighing on you?"
                ),
                "choices": YES_MAYBE_NO,
            },
            {
                "code": "heard_from",
                "kind": "multiple",
                "text_en": "How did you hear about it?",
                "choices": [*HEARD_FROM, ("not_heard", "I had not heard of it")],
            },
            {
                "code": "more_likely",
                "kind": "text",
                "text_en": "What would make you more likely to reach out?",
            },
        ],
    },
]


def add_default_surveys(apps, schema_editor):
    Survey = apps.get_model("surveys", "Survey")
    Question = apps.get_model("surveys", "Question")
    Choice = apps.get_model("surveys", "Choice")
    for definition in SURVEYS:
        if Survey.objects.filter(kind=definition["kind"]).exists():
            continue
        survey = Survey.objects.create(
            kind=definition["kind"],
            version=1,
            is_active=True,
            title_en=definition["title_en"],
            intro_en=definition["intro_en"],
        )
        for position, spec in enumerate(definition["questions"], start=1):
            question = Question.objects.create(
                survey=survey,
                position=position,
                code=spec["code"],
                kind=spec["kind"],
                is_required=spec.get("is_required", False),
                text_en=spec["text_en"],
                scale_low_en=spec.get("scale_low_en", ""),
                scale_high_en=spec.get("scale_high_en", ""),
            )
            Choice.objects.bulk_create(
                Choice(question=question, position=number, code=code, text_en=text)
                for number, (code, text) in enumerate(spec.get("choices", []), start=1)
            )


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_create_surveys")]

    operations = [migrations.RunPython(add_default_surveys, migrations.RunPython.noop)]
