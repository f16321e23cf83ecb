import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO not in sys.path:
    sys.path.insert(0, REPO)

# Catalog lifecycle rules compare dates with "today": no test depends on the real date. On this
# day every model version the example manifests use is current (catalog/models.yaml).
os.environ["FOUNDRY_KIT_TODAY"] = "2025-10-01"
