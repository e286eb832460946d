"""Candor's own JSON API, version 1: typed endpoints under /api/v1/ and their OpenAPI schema (issue 13 §2)."""
