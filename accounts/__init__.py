"""Accounts: the user model (email login, language), roles, sign-in, `client_ip`."""
