from django.apps import AppConfig


class MaillageConfig(AppConfig):
    """The kernel: what several apps share (change sets, data versions, caches, scheduler...)."""

    name = "maillage"
    verbose_name = "Maillage"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import changes  # noqa: F401  (connects history records to the open change set)

        post_migrate.connect(_everything_may_have_changed, sender=self)


def _everything_may_have_changed(using, **kwargs):
    """After migrations (a deployment, a data migration), every stored page and answer is of an
    older state: a new version of every kind of data makes them unused."""
    from . import data_version

    data_version.bump_on(using, *data_version.NAMES)
