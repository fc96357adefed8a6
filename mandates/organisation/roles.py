"""The roles people and systems hold, as Django groups. Migration 0002 creates them."""

SSR_STAFF = "SSR staff"
MANAGERS = "Managers"
API_CLIENTS = "API clients"
ADMINISTRATORS = "Administrators"

ALL_ROLES = (SSR_STAFF, MANAGERS, API_CLIENTS, ADMINISTRATORS)
