"""Signing in and what each role may do: sessions, CSRF, rate limits, the authorization table."""
