"""Fixtures of the advise tests: the review's text comes from the knowledge-base tests."""

from tests.kb.conftest import seed_text  # noqa: F401  (skips when ../shared is absent)
