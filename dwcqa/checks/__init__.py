"""Checks: the registry, and running them over an archive."""

from dwcqa.checks.registry import ArchiveFinding, BdqTest, Check, all_checks, archive_check, get, record_check

__all__ = ["ArchiveFinding", "BdqTest", "Check", "all_checks", "archive_check", "get", "record_check"]
