"""The typesetting core: data is never markup, fonts are the package's, QR codes read back."""

import pytest

from printing.typesetting import TypesettingError, qr_svg, render, render_apart

from . import pdfcheck


def _smoke(**overrides):
    url = "https://maillage.example/fr/directory/le-forum/"
    data = {"title": "Répertoire", "lang": "fr", "body": "Texte", "qr": qr_svg(url), "url": url, "footer": "Maillage"}
    return render("smoke", {**data, **overrides})


def test_user_text_is_printed_as_typed_never_read_as_markup():
    pdf = _smoke(title="La «Maison» #set text(red) [x]", body="*pas en gras* $x$ _souligné_ @ref <label>")
    content = pdfcheck.text(pdf)
    assert "La «Maison» #set text(red) [x]" in content
    assert "*pas en gras* $x$ _souligné_ @ref <label>" in content


def test_qr_code_reads_back_as_the_url():
    pdf = _smoke()
    assert pdfcheck.qr_codes(pdf) == ["https://maillage.example/fr/directory/le-forum/"]


def test_a_well_laid_out_page_passes_the_page_check():
    pdfcheck.check_pages(_smoke())


def test_page_check_fails_on_an_empty_page():
    with pytest.raises(pytest.fail.Exception, match="page 1 is empty"):
        pdfcheck.check_pages(_typst('#set page(paper: "a4")\n#box()'))


def test_page_check_fails_on_ink_at_the_edge():
    source = '#set page(paper: "a4", margin: 0pt)\n#rect(width: 100%, height: 3cm, fill: black)'
    with pytest.raises(pytest.fail.Exception, match="overflows at the top edge"):
        pdfcheck.check_pages(_typst(source))


def test_typeset_apart_in_a_child_process_gives_the_same_document():
    url = "https://maillage.example/fr/directory/le-forum/"
    data = {"title": "Répertoire «à part»", "lang": "fr", "body": "*pas en gras*", "qr": qr_svg(url), "url": url}
    pdf = render_apart("smoke", {**data, "footer": "Maillage"})
    assert pdfcheck.text(pdf) == pdfcheck.text(render("smoke", {**data, "footer": "Maillage"}))
    assert pdfcheck.qr_codes(pdf) == [url]
    assert pdfcheck.reader(pdf).metadata.title == "Répertoire «à part»"


def test_an_error_in_the_child_process_comes_back_with_typsts_message():
    with pytest.raises(TypesettingError, match=r"smoke\.typ: .*title"):
        render_apart("smoke", {"lang": "fr"})  # no title
    with pytest.raises(TypesettingError, match="no such template"):
        render_apart("../settings", {})


def test_a_child_process_that_takes_too_long_is_stopped(monkeypatch):
    from printing import typesetting

    monkeypatch.setattr(typesetting, "APART_TIMEOUT", 0.001)
    with pytest.raises(TypesettingError, match="not typeset within"):
        render_apart("smoke", {"title": "T", "lang": "fr", "body": "", "qr": qr_svg("x"), "url": "x"})


def _typst(source):
    import typst

    return typst.compile(source.encode(), format="pdf")
