"""The editor's stylesheet: JupyterLab's theme variables (light, dark, any other), with fallbacks elsewhere."""

from __future__ import annotations

import ipywidgets as widgets

# Every colour is a JupyterLab theme variable, so the editor follows the light and the dark theme
# (and Voila's); the fallback after the comma is for front ends without them (VS Code, Colab).
CSS = """
.videogen-editor { color: var(--jp-ui-font-color1, #1e293b); }
.videogen-editor .videogen-muted, .videogen-editor .videogen-muted * { color: var(--jp-ui-font-color2, #475569); }
.videogen-status table { border-collapse: collapse; margin: 4px 0; font-size: var(--jp-ui-font-size1, 13px); }
.videogen-status th, .videogen-status td { padding: 2px 10px 2px 4px; text-align: left;
  border-bottom: 1px solid var(--jp-border-color2, #e2e8f0); vertical-align: top; }
.videogen-status th { font-weight: 600; border-bottom: 1px solid var(--jp-border-color1, #94a3b8); }
.videogen-status td:nth-child(3), .videogen-status th:nth-child(3) { text-align: right; white-space: nowrap; }
.videogen-status td:nth-child(1), .videogen-status td:nth-child(2) { white-space: nowrap; }
.videogen-status code { background: transparent; color: inherit; }
.videogen-banner { padding: 4px 8px; border-radius: 4px; margin: 4px 0;
  background: var(--jp-warn-color3, #fef3c7); color: var(--jp-ui-font-color0, #111); }
.videogen-banner:empty { display: none; }
.videogen-error { color: var(--jp-error-color1, #b91c1c); }
.videogen-ok { color: var(--jp-success-color1, #15803d); }
.videogen-badge { display: inline-block; padding: 0 6px; border-radius: 8px; font-size: 11px; margin-left: 4px;
  background: var(--jp-warn-color2, #fde68a); color: #111; }
.videogen-card { border: 1px solid var(--jp-border-color2, #e2e8f0); border-radius: 4px; padding: 4px; }
.videogen-card.videogen-changed { border-color: var(--jp-warn-color1, #b45309); }
.videogen-card .widget-button { overflow: hidden; text-overflow: ellipsis; }
.videogen-row { border-bottom: 1px solid var(--jp-border-color2, #e2e8f0); padding-bottom: 6px; }
.videogen-stats { font-size: 12px; }
.videogen-busy { opacity: 0.85; }
.videogen-editor .jupyter-widgets.widget-html-content, .videogen-editor .widget-html-content { color: inherit; }
"""


def style_widget() -> widgets.HTML:
    """An HTML widget holding the stylesheet (a ``<style>`` element applies to the whole page)."""
    w = widgets.HTML(f"<style>{CSS}</style>", layout=widgets.Layout(height="0px", margin="0"))
    w.add_class("videogen-style")
    return w
