"""Notification service: every e-mail the platform sends."""
