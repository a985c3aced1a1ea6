"""Alert events, their outbox, email delivery, subscriptions and time-based events."""
