"""Fixtures for intake: valid form data, and the request factory."""

from typing import Any

import pytest


@pytest.fixture
def self_referral_data() -> dict[str, Any]:
    return {
        "name": "Sam",
        "email": "sam@example.org",
        "phone": "604 555 0123",
        "preferred_contact": "email",
        "modality": "phone",
        "language": "en",
        "career_stage": "early",
        "specialty_group": "emergency",
        "reasons": ["adverse_event", "burnout"],
        "best_times": "Weekdays after 6 pm",
        "acknowledge": "on",
        "submission_key": "0f6b1c55-6a3a-4c56-9d1e-1b2b3c4d5e6f",
    }


@pytest.fixture
def referral_data() -> dict[str, Any]:
    return {
        "colleague_name": "Dr. Morgan",
        "colleague_email": "morgan@example.org",
        "colleague_phone": "",
        "referrer_name": "Casey",
        "referrer_email": "casey@example.org",
        "consent_confirmed": "on",
        "preferred_contact": "email",
        "modality": "video",
        "language": "en",
        "reasons": ["conflict"],
        "submission_key": "1f6b1c55-6a3a-4c56-9d1e-1b2b3c4d5e6f",
    }
