"""Gone: the events' and projects' data versions are bumped by their owners' write functions
(``agenda.services``, ``projects.services``) through ``maillage.changes``, and named in
``maillage.data_version``. These two names remain only until their last importers
(``api.services``, ``printing.services``) read them from ``maillage.data_version``; then this module
is deleted."""

from maillage.data_version import EVENTS, PROJECTS

__all__ = ["EVENTS", "PROJECTS"]
