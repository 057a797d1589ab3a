"""Merging duplicate entries (moderators).

- ``merges:index``: probable duplicate pairs to review and past merges (with Undo).
- ``merges:compare`` (kwargs ``kept``, ``other``: actor slugs): the two entries side by side, one
  radio per field, then "Merge". Link here from any "probable duplicate" shown to moderators,
  e.g. ``{% url 'merges:compare' kept=actor.slug other=candidate.slug %}``.
- ``merges:undo`` (kwarg ``pk``: the merge's id): POST only.
"""

from django.urls import path

from . import views

app_name = "merges"
urlpatterns = [
    path("", views.index, name="index"),
    path("merge/<int:pk>/undo/", views.undo, name="undo"),
    path("<slug:kept>/<slug:other>/", views.compare, name="compare"),
]
