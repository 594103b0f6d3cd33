"""Aggregate and partnership-agreement rules (Python, no GX).

Every check module is imported here explicitly, so that the registry is complete and a reader finds
every check in one place.
"""

from fundcheck.checks.base import CHECKS, Check, register

__all__ = ["CHECKS", "Check", "register"]
