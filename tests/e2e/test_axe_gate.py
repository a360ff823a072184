"""The accessibility gate itself: it must fail on a page with a WCAG violation."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_axe_check_reports_a_missing_alt_text_and_a_missing_label(journey):
    journey.page.goto("/")
    journey.page.evaluate(
        """() => {
            const img = document.createElement('img');
            img.src = '/static/vendor/kern/fonts/none.png';
            document.querySelector('main').append(img);
            const input = document.createElement('input');
            document.querySelector('main').append(input);
        }"""
    )
    with pytest.raises(AssertionError) as failure:
        journey.check("kaputte Seite")
    assert "image-alt" in str(failure.value)
    assert "label" in str(failure.value)
