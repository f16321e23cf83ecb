"""The day the tests hold catalog lifecycle rules to. tests/conftest.py pins it for the entry
points (FOUNDRY_KIT_TODAY, which the CLI and the program read once); a test that calls the
validation below them hands it down, as an entry point does (`Project.today`)."""

from __future__ import annotations

import os
from datetime import date

from foundry_estate.catalog.checks import CatalogOptions

TODAY = date.fromisoformat(os.environ["FOUNDRY_KIT_TODAY"])
PINNED = CatalogOptions(today=TODAY)
