"""Territory: a region and its communes. Data, not code: another city loads the same way."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name


class Commune(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="communes")
    nis_code = models.CharField(_("NIS code"), max_length=5, unique=True)
    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=200)
    # Centre of the commune: where approximate locations are placed.
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    population = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")

    def __str__(self):
        return self.name


class Boundary(models.Model):
    """A commune's outline (GeoJSON geometry, WGS84), kept apart so lists of communes stay light."""

    commune = models.OneToOneField(Commune, on_delete=models.CASCADE, related_name="boundary")
    geometry = models.JSONField()

    class Meta:
        verbose_name = _("boundary")
        verbose_name_plural = _("boundaries")

    def __str__(self):
        return str(self.commune)


class Postcode(models.Model):
    code = models.CharField(_("postcode"), max_length=10, unique=True)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="postcodes")

    class Meta:
        ordering = ["code"]
        verbose_name = _("postcode")
        verbose_name_plural = _("postcodes")

    def __str__(self):
        return self.code
