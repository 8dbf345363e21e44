"""Notifications: the outbox, its channels, its delivery and the daily digest."""
