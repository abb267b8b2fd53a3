"""Error messages made outside the web layer (paging, feedback validation, rate limits, org ids,
unknown articles and help contexts) reach an API client and a reader in their language, while the
English text stays what it was."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

FRENCH = {"Accept-Language": "fr-FR"}
GERMAN = {"Accept-Language": "de-DE"}


def _message(response: object) -> str:
    return response.json()["error"]["message"]  # type: ignore[attr-defined]


@pytest.mark.parametrize(("params", "headers", "said"), [
    ({"page": "x"}, {}, "'page' must be a whole number from 1 to 100, not 'x'"),
    ({"page": "x"}, FRENCH, "'page' doit être un nombre entier de 1 à 100, et non 'x'"),
    ({"page": "x"}, GERMAN, "'page' muss eine ganze Zahl von 1 bis 100 sein, nicht 'x'"),
    ({"locale": "xx-YY"}, {}, "'locale' must be one of en-US, de-DE, fr-FR, not 'xx-YY'"),
    ({"locale": "xx-YY"}, FRENCH, "'locale' doit être l'un de en-US, de-DE, fr-FR, et non 'xx-YY'"),
    ({"locale": "xx-YY"}, GERMAN, "'locale' muss eines von en-US, de-DE, fr-FR sein, nicht 'xx-YY'"),
])
def test_a_search_parameter_the_site_refuses(client: TestClient, params: dict[str, str], headers: dict[str, str],
                                             said: str) -> None:
    response = client.get("/api/v1/search", params={"q": "sign in", **params}, headers=headers)
    assert response.status_code == 400 and _message(response) == said


def test_a_page_size_out_of_range_in_french_on_the_api_and_the_page(client: TestClient) -> None:
    api = client.get("/api/v1/search", params={"q": "sign in", "per_page": "0"}, headers=FRENCH)
    assert api.status_code == 400
    assert _message(api).startswith("'per_page' doit être compris entre 1 et ") and _message(api).endswith(", et non 0")
    page = client.get("/search", params={"q": "sign in", "per_page": "0"}, headers=FRENCH)
    assert page.status_code == 400 and '<html lang="fr-FR">' in page.text
    assert "&#39;per_page&#39; doit être compris entre 1 et " in page.text
    english = client.get("/api/v1/search", params={"q": "sign in", "per_page": "0"})
    assert _message(english).startswith("'per_page' must be from 1 to ") and _message(english).endswith(", not 0")


@pytest.mark.parametrize(("body", "headers", "said"), [
    ({"article_id": "sign-in"}, GERMAN, "'helpful' ist erforderlich und muss true oder false sein"),
    ({"article_id": "sign-in"}, {}, "'helpful' is required and must be true or false"),
    ({"article_id": "sign-in", "helpful": True, "colour": "red"}, FRENCH,
     "champ inconnu 'colour'\u00a0; champs autorisés\u00a0: "),
    ({"article_id": "sign-in", "helpful": False, "reasons": ["Loved it"]}, FRENCH,
     "raison inconnue 'Loved it' pour une réponse «\u00a0Non\u00a0»\u00a0; choisissez parmi\u00a0: "),
    ({"article_id": "sign-in", "helpful": True, "reasons": ["Loved it"]}, GERMAN,
     "unbekannter Grund 'Loved it' für die Antwort „Ja“; wählen Sie aus: resolved, clear"),
    ({"article_id": "sign-in", "helpful": True, "comment": "x" * 5000}, GERMAN, "'comment' hat 5000 Zeichen; erlaubt sind höchstens "),
    ({"article_id": "sign-in", "helpful": True, "org": "not an org!"}, FRENCH,
     "'org' doit compter de 1 à 64 lettres, chiffres, '.', '_' ou '-'"),
])
def test_feedback_that_does_not_validate(client: TestClient, body: dict[str, object], headers: dict[str, str], said: str) -> None:
    response = client.post("/api/v1/feedback", json=body, headers=headers)
    assert response.status_code == 400
    assert _message(response).startswith(said)


def test_an_org_header_that_is_not_an_org_id_names_the_header_in_german(client: TestClient) -> None:
    response = client.get("/api/v1/search", params={"q": "sign in"}, headers={**GERMAN, "X-Helpsvc-Org": "no spaces allowed"})
    assert response.status_code == 400
    assert _message(response) == "'X-Helpsvc-Org' muss aus 1 bis 64 Buchstaben, Ziffern, '.', '_' oder '-' bestehen"


def test_too_many_searches_in_french(make_app: Callable[..., TestClient]) -> None:
    client = make_app(rate_limit_search=1)
    assert client.get("/api/v1/search", params={"q": "sign in"}).status_code == 200
    refused = client.get("/api/v1/search", params={"q": "sign in"}, headers=FRENCH)
    assert refused.status_code == 429 and refused.headers["Retry-After"].isdigit()
    assert _message(refused) == f"trop de requêtes (search)\u00a0; réessayez dans {refused.headers['Retry-After']} secondes"


def test_an_unknown_article_and_help_context_in_french(client: TestClient) -> None:
    api = client.get("/api/v1/articles/no-such-article", headers=FRENCH)
    assert api.status_code == 404 and _message(api) == "aucun article avec l'identifiant 'no-such-article'"
    page = client.get("/articles/no-such-article", headers=FRENCH)
    assert page.status_code == 404 and "aucun article avec l&#39;identifiant &#39;no-such-article&#39;" in page.text
    context = client.get("/api/v1/contexts/client.nowhere", headers=FRENCH)
    assert context.status_code == 404 and _message(context) == "aucun article n'est associé au contexte d'aide 'client.nowhere'"
    helpful = client.get("/help/context/client.nowhere", headers=GERMAN)
    assert helpful.status_code == 404 and "dem Hilfekontext &#39;client.nowhere&#39; ist kein Artikel zugeordnet" in helpful.text
    english = client.get("/api/v1/articles/no-such-article")
    assert _message(english) == "no article with id 'no-such-article'"
