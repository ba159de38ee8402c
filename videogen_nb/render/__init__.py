"""Slides and video: layout blocks, slide designs, fonts, themes, and the encoders.

What a scene kind of one's own needs to draw its slide is here: the blocks
(``Paragraph``, ``CodeBlock``, ``TableBlock``, ``ImageBlock`` ..., or a
``Block`` subclass whose ``layout`` returns drawing operations) and the slide
designs (``ContentSlide``, ``TitleSlide``, ``PictureSlide``).
"""

from .blocks import (
    Block,
    CodeBlock,
    Columns,
    Env,
    ImageBlock,
    OptionBlock,
    Paragraph,
    PictureOp,
    Placed,
    QuoteBlock,
    ShapeOp,
    TableBlock,
    TextOp,
    label,
)
from .designs import ContentSlide, PictureSlide, SlideDesign, TitleSlide

__all__ = [
    "Block",
    "CodeBlock",
    "Columns",
    "ContentSlide",
    "Env",
    "ImageBlock",
    "OptionBlock",
    "Paragraph",
    "PictureOp",
    "PictureSlide",
    "Placed",
    "QuoteBlock",
    "ShapeOp",
    "SlideDesign",
    "TableBlock",
    "TextOp",
    "TitleSlide",
    "label",
]
