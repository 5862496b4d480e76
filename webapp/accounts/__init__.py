"""Accounts: registration, emailed codes, sign-in, server-side sessions, terms, account details."""
