"""The pages the load test asks for, as data: a label (a line of the figures), a path template, the URL name
it must resolve to, and the method. The journeys (locustfile.py) only ask for pages through this table, and
tests/bench/test_load_journeys.py resolves every template against the URL conf, so the load test cannot
silently rot into 404s when an address changes.

No Django and no locust here: the locust process imports this module, and so does the test.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    label: str
    path: str  # a template: {query}, {bbox}, {slug}, {event}, {need}, {year}
    view: str  # the URL name the path resolves to
    method: str = "GET"

    def url(self, **values: object) -> str:
        return self.path.format(**values)


# Around Grasse (« ouest,sud,est,nord »): a box holding about a third of the synthetic structures.
MAP_BBOX = "6.85,43.60,7.00,43.70"

PAGES: dict[str, Page] = {
    "home": Page("accueil", "/", "core:home"),
    "directory": Page("annuaire (recherche)", "/structures/?{query}", "actors:list"),
    "map": Page("annuaire (carte JSON)", "/structures/carte.json?bbox={bbox}&{query}", "actors:markers"),
    "profile": Page("fiche d'une structure", "/structures/{slug}/", "actors:detail"),
    "agenda": Page("agenda", "/agenda/", "events:list"),
    "event": Page("un rendez-vous", "/agenda/{event}/", "events:detail"),
    "register_form": Page("inscription (formulaire)", "/agenda/{event}/inscription/", "events:register"),
    "register": Page("inscription (POST)", "/agenda/{event}/inscription/", "events:register", "POST"),
    "unregister": Page(
        "désinscription (POST)", "/agenda/{event}/desinscription/", "events:unregister", "POST"
    ),
    "charter": Page("charte", "/charte/", "charter:home"),
    "plan": Page("plan d'actions", "/contrat/", "plan:index"),
    "needs": Page("besoins (liste)", "/besoins/", "needs:list"),
    "need": Page("un besoin", "/besoins/{need}/", "needs:detail"),
    "need_form": Page("signaler un besoin (formulaire)", "/besoins/signaler/", "needs:report"),
    "need_post": Page("signaler un besoin (POST)", "/besoins/signaler/", "needs:report", "POST"),
    "call": Page("un appel à projets", "/appels-a-projets/{year}/", "calls:call"),
    "figures": Page("tableau de bord (chiffres)", "/chiffres/", "dashboard:figures"),
    "my_space": Page("mon espace", "/compte/mon-espace/", "accounts:my_space"),
    "login_form": Page("connexion (formulaire)", "/compte/login/", "account_login"),
    "login": Page("connexion (POST)", "/compte/login/", "account_login", "POST"),
    "api": Page("API structures, sans clé", "/api/v1/structures?{query}", "api-1:list_structures"),
    "api_key": Page("API structures, avec clé", "/api/v1/structures?{query}", "api-1:list_structures"),
}

# The bare view (only in the URL conf when MAILLAGE_BENCH_OK_VIEW is on) and the page compared with it.
OK = Page("« ok » nu (plafond)", "/_banc/ok", "bench_ok")
CEILING_PAGE = "directory"
# The directory page of the ceiling run: the territory's whole directory, first page (the most asked).
CEILING_QUERY = ""
