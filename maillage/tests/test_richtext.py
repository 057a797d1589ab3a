"""Contributors' rich text: plain text kept as typed, markup sanitised, plain copies for feeds."""

from maillage import richtext


def test_plain_text_is_kept_as_typed_and_escaped_once_on_pages():
    text = "Tom & Jerry\n\n<3 les voisins"
    assert richtext.clean(text) == text
    assert richtext.render(text) == "<p>Tom &amp; Jerry</p>\n\n<p>&lt;3 les voisins</p>"
    assert richtext.plain(text) == text


def test_markup_is_sanitised_and_keeps_its_paragraphs():
    text = 'Un <strong>atelier</strong> <script>alert(1)</script><a href="javascript:x">lien</a>\n\nsamedi'
    cleaned = richtext.clean(text)
    assert "<script>" not in cleaned and "javascript:" not in cleaned and "<strong>atelier</strong>" in cleaned
    assert richtext.render(cleaned).startswith("<p>Un <strong>atelier</strong>")
    assert "</p>\n\n<p>samedi</p>" in richtext.render(cleaned)


def test_plain_copy_has_no_tags_or_entities():
    assert richtext.plain("<p>Soupe &amp; jeux</p><ul><li>gratuit</li></ul>") == "Soupe & jeuxgratuit"


def test_meta_description_is_plain_text(client, db):
    from directory.tests.factories import ActorFactory

    actor = ActorFactory(description_fr="<p>Un <strong>atelier</strong> &amp; un café</p>")
    html = client.get(actor.get_absolute_url()).content.decode()
    assert '<meta name="description" content="Un atelier &amp; un café">' in html
