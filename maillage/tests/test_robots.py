def test_robots_txt_keeps_crawlers_out_of_the_named_pages_in_every_language(client, settings):
    settings.ROBOTS_DISALLOW = ["printing:index", "pages:home"]
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for code in ("fr", "nl", "en"):
        assert f"Disallow: /{code}/print/" in lines
        assert f"Disallow: /{code}/" in lines


def test_the_health_check_reaches_the_database(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}
