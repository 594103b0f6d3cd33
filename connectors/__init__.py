"""Connectors: sources (files today) read into canonical record sets, with what was normalised."""

from fundcheck.connectors.file_connector import FileConnector, read_operations
from fundcheck.connectors.mapping_profiles import (
    MappingProfile,
    ProfileMatch,
    detect_profile,
    list_profiles,
    load_mapping,
)
from fundcheck.connectors.rules import READER_RULES

__all__ = [
    "READER_RULES",
    "FileConnector",
    "MappingProfile",
    "ProfileMatch",
    "detect_profile",
    "list_profiles",
    "load_mapping",
    "read_operations",
]
