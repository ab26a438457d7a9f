"""Intake: requests and colleague referrals, the colleague's confirmation, the access log."""
