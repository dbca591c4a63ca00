"""``python -m bench`` runs the benchmark (see bench)."""

import sys

from . import main

sys.exit(main())
