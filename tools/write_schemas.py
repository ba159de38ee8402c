"""Write the JSON Schema of metadata.json into schemas/ (run after changing VideoMetadata; a test compares)."""

from __future__ import annotations

import json
from pathlib import Path

from videogen_nb.models import VideoMetadata

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


def metadata_schema() -> dict:
    """The published schema: pydantic's, marked with the JSON Schema draft it follows."""
    schema = VideoMetadata.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **schema,
    }


if __name__ == "__main__":
    SCHEMAS.mkdir(exist_ok=True)
    path = SCHEMAS / "metadata.schema.json"
    path.write_text(json.dumps(metadata_schema(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {path}")
