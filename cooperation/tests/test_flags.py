"""Country flags are the vendored flag-icons SVGs (cooperation/lib/flags.py), never emoji."""

from django.contrib.staticfiles import finders

from cooperation.lib.flags import flag_img
from cooperation.tests.factories import InstitutionFactory


def test_a_country_flag_is_a_vendored_svg_beside_the_name():
    html = flag_img("TR")
    assert html == '<img class="flag" src="/static/vendor/flag-icons/4x3/tr.svg" alt="" width="20" height="15">'
    assert finders.find("vendor/flag-icons/4x3/tr.svg")
    assert finders.find("vendor/flag-icons/LICENSE")


def test_an_unknown_or_odd_code_has_no_flag():
    assert flag_img("") == ""
    assert flag_img("ZZ") == ""
    assert flag_img("../x") == ""


def test_the_partner_page_shows_the_flag_image_not_an_emoji(client, office_user):
    partner = InstitutionFactory(name="Gazi University", country="TR")
    client.force_login(office_user)
    page = client.get(partner.get_absolute_url()).content.decode()
    assert 'src="/static/vendor/flag-icons/4x3/tr.svg"' in page
    assert "\U0001f1f9\U0001f1f7" not in page
