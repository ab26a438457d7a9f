"""Accounts: the user model (email login, language), roles, sign-in with a second factor,
lockouts, sessions that end, and password links."""
