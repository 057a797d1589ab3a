from . import easy


def easy_reading(request):
    """The visitor's "easy reading" choice (a cookie): larger text, pictograms, short sentences."""
    return {"EASY_READING": easy.is_on(request)}
