"""YAML for mapping and profile files, without anchors and aliases.

An alias repeats a node without copying its text, so a 1 KB file of nested aliases ("billion
laughs") expands into gigabytes. Mapping files never need them: any alias is refused.
"""

from __future__ import annotations

from typing import Any

import yaml


class _NoAliasLoader(yaml.SafeLoader):
    """The safe loader, refusing aliases before anything is expanded."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None,
                None,
                "YAML aliases (*name) are not allowed in a mapping file",
                event.start_mark,
            )
        return super().compose_node(parent, index)


def load_plain_yaml(text: str) -> Any:
    """Parse a YAML document that holds no alias (``yaml.YAMLError`` otherwise)."""
    return yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader subclass
