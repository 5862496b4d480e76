"""The private clamd for the virus-scan tests (started once, only when a test asks for it)."""

from tests.clamd import clamd, clamd_socket  # noqa: F401
