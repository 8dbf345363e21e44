"""The web's routes: the JSON API under /api/v1 and the Vietnamese pages."""
