"""The questionnaire snippet in the Wagtail admin: a provider's editors see their own
questionnaires and the core set, not another provider's."""

from evaluation.models import Questionnaire

from .conftest import make_questionnaire


def test_editors_see_their_questionnaires_and_the_core_set(
    client, editor_a, core, questionnaire, provider_b
):
    make_questionnaire([], title="Vest sin evaluering", provider=provider_b)
    client.force_login(editor_a)
    listing = client.get("/admin/snippets/evaluation/questionnaire/")
    assert listing.status_code == 200
    content = listing.content.decode()
    assert "Nord sin evaluering" in content and "Nasjonalt kjernesett" in content
    assert "Vest sin evaluering" not in content
    assert client.get("/admin/snippets/evaluation/questionnaire/add/").status_code == 200


def test_editors_change_only_their_own_questionnaires(
    client, editor_a, core, questionnaire, provider_b
):
    vest = make_questionnaire([], title="Vest sin evaluering", provider=provider_b)
    client.force_login(editor_a)
    base = "/admin/snippets/evaluation/questionnaire"
    assert client.get(f"{base}/edit/{questionnaire.pk}/").status_code == 200
    # Another provider's questionnaire and NAPHA's core set do not exist for this editor.
    for other in (vest, core):
        assert client.get(f"{base}/edit/{other.pk}/").status_code == 404
        assert client.post(f"{base}/edit/{other.pk}/", {"title": "Overtatt"}).status_code == 404
        assert client.post(f"{base}/delete/{other.pk}/").status_code == 404
    vest.refresh_from_db()
    core.refresh_from_db()
    assert vest.title == "Vest sin evaluering" and core.title == "Nasjonalt kjernesett"


def _questionnaire_form(title, provider, **extra):
    return {
        "title": title,
        "provider": provider.pk,
        "items-count": 0,
        "reminder_days": 5,
        "open_days": 21,
        "follow_up_months": 3,
        **extra,
    }


def test_editors_make_questionnaires_only_for_their_own_provider_and_courses(
    client, editor_a, provider_a, provider_b, course_a, course_b
):
    client.force_login(editor_a)
    add = "/admin/snippets/evaluation/questionnaire/add/"
    form = client.get(add).content.decode()
    assert "IPS ressurssenter Nord" in form and "Grunnkurs i IPS" in form
    assert "IPS ressurssenter Vest" not in form and "IPS ung" not in form

    refused = [
        _questionnaire_form("For Vest", provider_b),
        _questionnaire_form("Nord, Vest sitt kurs", provider_a, courses=[course_b.pk]),
    ]
    for data in refused:
        assert client.post(add, data).status_code == 200  # the form again, with the error
    assert not Questionnaire.objects.exists()

    # The core set's box is locked for them: ticking it anyway makes a provider questionnaire.
    data = _questionnaire_form("Nord", provider_a, courses=[course_a.pk], is_core="on")
    assert client.post(add, data).status_code == 302
    made = Questionnaire.objects.get()
    assert made.provider == provider_a and not made.is_core
    assert list(made.courses.all()) == [course_a]
