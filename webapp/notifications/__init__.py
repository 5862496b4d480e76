"""Email: messages rendered from templates, sent now or through an outbox that retries."""
