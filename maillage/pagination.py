"""One way to page a list: the page asked for, within bounds, as one ``Page`` that the pagination
template (``includes/pagination.html``), the API's envelope and the HSDS envelope all read.

Three things differ between lists and are parameters, not copies: where the objects come from (a
queryset or list sliced here, or ids the caller fetches itself, as the directory's index does:
``frame``), and what a page past the last one gives (``past_last``): the last page with a notice
(pages people read), an error (the API), or an empty page (HSDS, whose clients walk until
``last_page``).
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .params import page_number

LAST = "last"
ERROR = "error"
EMPTY = "empty"


class NoSuchPage(Exception):
    """A page past the last one was asked for with ``past_last=ERROR``."""

    def __init__(self, number, num_pages):
        self.number, self.num_pages = number, num_pages
        super().__init__(
            _("There is no page %(page)s: the last page is %(pages)s.") % {"page": number, "pages": num_pages}
        )


@dataclass
class Page:
    """One page of ``count`` items, ``per_page`` a page. Reads like Django's ``Page`` (and is its own
    ``paginator``) so templates written for a Paginator keep working."""

    number: int
    num_pages: int
    count: int
    per_page: int
    object_list: list = field(default_factory=list)

    @property
    def paginator(self):
        return self

    @property
    def offset(self):
        """Index of the page's first item in the whole list."""
        return (self.number - 1) * self.per_page

    def has_other_pages(self):
        return self.num_pages > 1

    def has_previous(self):
        return self.number > 1

    def has_next(self):
        return self.number < self.num_pages

    def previous_page_number(self):
        return self.number - 1

    def next_page_number(self):
        return self.number + 1

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)


def frame(count, per_page, number, *, past_last=LAST, notices=None):
    """The page ``number`` (from 1) of ``count`` items, without its objects: for lists whose caller
    fetches the page itself (from ``page.offset``, ``page.per_page``). An empty list has one page.
    Past the last page: see the module's docstring; with ``past_last=LAST`` a notice is added to
    ``notices`` when given."""
    num_pages = max(1, -(-count // per_page))
    number = max(1, number)
    if number > num_pages:
        if past_last == ERROR:
            raise NoSuchPage(number, num_pages)
        if past_last == LAST:
            if notices is not None:
                notices.append(_("There is no page %(page)s; showing the last page.") % {"page": number})
            number = num_pages
    return Page(number=number, num_pages=num_pages, count=count, per_page=per_page)


def paginate(items, per_page, number, *, past_last=LAST, notices=None):
    """The page ``number`` of ``items`` (a queryset: one count and one sliced query; or a list)."""
    count = len(items) if isinstance(items, list | tuple) else items.count()
    page = frame(count, per_page, number, past_last=past_last, notices=notices)
    page.object_list = list(items[page.offset : page.offset + per_page]) if count else []
    return page


def page_of_request(params, items, per_page, notices=None):
    """A list page as people read it: ``page`` from the query string (the first page, with a notice,
    when it is not a page number), the last page (with a notice) when past it."""
    notices = [] if notices is None else notices
    return paginate(items, per_page, page_number(params, notices), notices=notices)
