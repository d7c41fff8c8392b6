"""The invalidation stream: events, the Bus and its backends, the after-commit hook, the SSE route."""
