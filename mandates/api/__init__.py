"""The REST API under ``/api/v1/`` for other systems (and people, with their session)."""
