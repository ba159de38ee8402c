"""markdown-it plugins of our own, for the documentation dialects mdit-py-plugins does not cover.

Each is a plugin like those of mdit-py-plugins (``md.use(plugin)``) with tests of its own
(tests/test_md_plugins.py): heading attributes, GitHub alerts, content tabs, MDX import lines,
and file includes (mdBook, pymdown snippets, FastAPI's ``{* file *}``).
"""

from .alerts import alerts_plugin
from .heading_attrs import heading_attrs_plugin
from .includes import IncludeResolver, includes_plugin
from .mdx import mdx_plugin
from .tabs import tabs_plugin

__all__ = ["IncludeResolver", "alerts_plugin", "heading_attrs_plugin", "includes_plugin", "mdx_plugin", "tabs_plugin"]
