"""Imported once by the render pool's fork server: what every sheet needs, loaded before the workers fork.

The workers are forked from that one process, so they share the fonts, the parsed stylesheet,
the template and the dosing data instead of loading them each (``handbook sheet --batch`` forks
its workers the same way). Importing this module loads them on purpose; nothing else imports it.
"""

from __future__ import annotations

import gc

from handbook.sheet.options import dosing_data, font_coverage
from handbook.sheet.render import load_shared_resources

load_shared_resources()
dosing_data()
font_coverage()
# What is loaded now lives as long as the workers: the collector need not walk it again (as in batch.py).
gc.freeze()
