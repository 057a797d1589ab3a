from django.conf import settings


def site(request):
    return {
        "SITE_NAME": settings.SITE_NAME,
        "map_tiles": settings.MAP_TILE_URL,
        "map_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
