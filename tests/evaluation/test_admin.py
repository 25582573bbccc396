"""The questionnaire snippet in the Wagtail admin: a provider's editors see their own
questionnaires and the core set, not another provider's."""

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
