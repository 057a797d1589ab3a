from django.conf import settings

from pages import easy


def site(request):
    return {
        "SITE_NAME": settings.SITE_NAME,
        "map_tiles": settings.MAP_TILE_URL,
        "map_attribution": settings.MAP_TILE_ATTRIBUTION,
        # The visitor's "easy reading" choice (a cookie): larger text, pictograms, short sentences.
        "EASY_READING": easy.is_on(request),
    }
