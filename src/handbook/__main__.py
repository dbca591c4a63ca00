"""``python -m handbook`` runs the same CLI as the ``handbook`` script."""

import sys

from .cli import main

sys.exit(main())
