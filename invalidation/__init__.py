"""The invalidation stream: events, the change-log tailer, the Bus, the SSE route."""
