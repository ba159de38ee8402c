"""``python -m videogen_nb`` is the ``videogen`` command."""

import sys

from .cli import main

sys.exit(main())
