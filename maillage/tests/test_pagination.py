import pytest
from django.http import QueryDict

from maillage import pagination


def test_a_page_within_bounds_holds_its_slice():
    page = pagination.paginate(list(range(45)), 20, 2)
    assert (page.number, page.num_pages, page.count, page.offset) == (2, 3, 45, 20)
    assert page.object_list == list(range(20, 40))
    assert page.has_previous() and page.has_next() and page.has_other_pages()
    assert (page.previous_page_number(), page.next_page_number()) == (1, 3)
    # Templates written for Django's Paginator read page.paginator.count and .num_pages.
    assert (page.paginator.count, page.paginator.num_pages) == (45, 3)


def test_an_empty_list_has_one_empty_page():
    page = pagination.paginate([], 20, 1)
    assert (page.number, page.num_pages, page.count, list(page)) == (1, 1, 0, [])
    assert not page.has_other_pages()


def test_past_the_last_page_people_get_the_last_page_with_a_notice():
    notices = []
    page = pagination.paginate(list(range(45)), 20, 9, notices=notices)
    assert page.number == 3 and page.object_list == list(range(40, 45))
    assert len(notices) == 1 and "9" in notices[0]


def test_past_the_last_page_the_api_gets_an_error_and_hsds_an_empty_page():
    with pytest.raises(pagination.NoSuchPage) as error:
        pagination.paginate(list(range(45)), 20, 9, past_last=pagination.ERROR)
    assert (error.value.number, error.value.num_pages) == (9, 3)
    page = pagination.paginate(list(range(45)), 20, 9, past_last=pagination.EMPTY)
    assert (page.number, page.num_pages, page.object_list) == (9, 3, [])


def test_a_frame_pages_a_list_the_caller_fetches_itself():
    page = pagination.frame(50, 24, 3)
    assert (page.number, page.num_pages, page.offset, page.per_page, page.object_list) == (3, 3, 48, 24, [])


def test_a_request_page_that_is_not_a_number_is_the_first_with_a_notice():
    notices = []
    page = pagination.page_of_request(QueryDict("page=abc"), list(range(45)), 20, notices)
    assert page.number == 1 and len(notices) == 1


@pytest.mark.django_db
def test_a_queryset_is_counted_once_and_sliced_once(django_assert_num_queries):
    from django.contrib.auth.models import Group

    Group.objects.bulk_create(Group(name=f"g{i}") for i in range(5))
    with django_assert_num_queries(2):
        page = pagination.paginate(Group.objects.order_by("name"), 2, 2)
    assert [g.name for g in page] == ["g2", "g3"]
