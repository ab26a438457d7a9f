"""The post-support survey invitation, sent once, SURVEY_DELAY_DAYS after a closure.

Only requests closed with support given ("support completed" or "referred on") are
invited, never one that asked not to be. The sweep claims each request (its
`survey_invited_at`) in the same transaction as the survey's new link and the outbox row,
with SKIP LOCKED, so two runs at once invite nobody twice. `surveys` keeps only the link's
hash, its survey and its day; this module writes nowhere which request got which link,
and the outbox row that carries it is blanked once sent.
"""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from core.claims import claim_rows
from intake.models import SupportRequest
from intake.selectors import requests
from programs.program import current
from programs.vocabulary import Outcome
from surveys.models import SurveyKind
from surveys.selectors import active_survey
from surveys.services import issue_invitation_token

from .. import emails
from .sweeps import SWEEP_BATCH_SIZE

logger = logging.getLogger(__name__)

INVITED_OUTCOMES = (Outcome.COMPLETED, Outcome.REFERRED_ON)


@transaction.atomic
def send_survey_invitations(*, now: datetime | None = None) -> int:
    """Invite each request closed with support given more than SURVEY_DELAY_DAYS ago, once.

    Side effects: per request, a single-use survey link (in `surveys`) and an email with it
    through the outbox; `survey_invited_at` is set. With no post-support survey in use,
    nobody is claimed: they are invited once one is.
    """
    now = now or timezone.now()
    if active_survey(SurveyKind.POST_SUPPORT) is None:
        return 0
    due = (
        requests()
        .filter(
            status=SupportRequest.Status.CLOSED,
            outcome__in=INVITED_OUTCOMES,
            survey_invited_at__isnull=True,
            no_survey=False,
            closed_at__lte=now - timedelta(days=current().survey_delay_days),
            scrubbed_at__isnull=True,
        )
        .exclude(email="")
    )
    claimed = claim_rows(
        due, order_by=("closed_at",), limit=SWEEP_BATCH_SIZE, values={"survey_invited_at": now}
    )
    for request in claimed:
        token = issue_invitation_token(now=now)
        if token is not None:
            emails.survey_invitation_to_requester(request, token=token)
    if claimed:
        logger.info("matching: sent %s survey invitations", len(claimed))
    return len(claimed)
