"""The test suite's settings: the development configuration, whatever the shell exports.

pytest-django imports this module (``pyproject.toml``) before any conftest; the suite's other
test-time settings (fast hashes, tasks run at once...) are in the root ``conftest.py``.
"""

import os

os.environ["DEBUG"] = "on"

from maillage.settings import *  # noqa: E402, F403
