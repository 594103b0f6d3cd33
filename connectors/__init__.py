"""Connectors: sources (files today) read into canonical record sets, with what was normalised.

``read_source`` is the entry point: a complete record set, each record with its region and
period; ``read_operations`` is the bare reading, for tests of the reader itself."""

from fundcheck.connectors.file_connector import read_operations, read_source
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
    "MappingProfile",
    "ProfileMatch",
    "detect_profile",
    "list_profiles",
    "load_mapping",
    "read_operations",
    "read_source",
]
