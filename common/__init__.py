"""Small helpers shared by every app (the bottom layer: it imports no app)."""
