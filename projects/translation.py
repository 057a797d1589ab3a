from modeltranslation.translator import TranslationOptions, register
from simple_history import register as track_history

from maillage.models import ChangeSetRecord

from .models import Phase, Project, Update


@register(Project)
class ProjectTranslation(TranslationOptions):
    fields = ("title", "summary", "description")


@register(Phase)
class PhaseTranslation(TranslationOptions):
    fields = ("title", "description", "questions", "deliverables")


@register(Update)
class UpdateTranslation(TranslationOptions):
    fields = ("title", "body")


# History is registered after the translated fields exist, so every version keeps all languages.
# Themes are versioned too (participations keep their own history: Participation.history).
track_history(Project, excluded_fields=["updated"], m2m_fields=["themes"], bases=[ChangeSetRecord])
track_history(Phase, bases=[ChangeSetRecord])
track_history(Update, bases=[ChangeSetRecord])
