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
