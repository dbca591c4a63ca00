"""``python -m handbook.bench`` runs the benchmark (see handbook.bench)."""

import sys

from . import main

sys.exit(main())
