"""The retention pass through a real Celery worker on the real broker."""

from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from accounts.models import User
from intake.models import SupportRequest
from intake.tasks import scrub_closed_requests
from matching.services import withdraw_request
from peersupport.celery import app
from tests.factories import SupportRequestFactory
from tests.helpers import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_worker_scrubs_the_requests_past_their_retention(
    _test_redis: str, administrator: User
) -> None:
    long_ago = timezone.now() - timedelta(days=45)
    request = SupportRequestFactory.create(submitted_at=long_ago)
    withdraw_request(request=request, reason="spam", withdrawn_by=administrator, now=long_ago)

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        scrub_closed_requests.delay()
        assert wait_for(
            lambda: SupportRequest.objects.filter(pk=request.pk, scrubbed_at__isnull=False).exists()
        )

    request.refresh_from_db()
    assert (request.name, request.email, request.phone) == ("", "", "")
