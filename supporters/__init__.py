"""The roster: supporters, their availability, invitations, "my profile", the public list."""
