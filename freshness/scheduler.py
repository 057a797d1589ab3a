"""Moved to the kernel: ``maillage.scheduler``. This name stays only for the modules not yet moved
(agenda/tests/test_tasks.py); remove it when they import ``maillage.scheduler``."""

from maillage.scheduler import claim, period_start, periodic_jobs, run_due  # noqa: F401
