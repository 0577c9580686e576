"""The load test's journeys (locust), driven by bench/load/run.py; every address comes from journeys.PAGES.

- `Visitor` (anonymous): home, a directory search (the committed corpus), the map's JSON, a profile, the
  agenda and an event, the charter, the plan, the needs and one need, a call's page, the figures, the API.
- `Member` (signed in through the real login form, CSRF and all): registers to an event and cancels it,
  reports a need and opens it, the charter, the plan, a call, the figures, « mon espace », the API with a key.
- `OkOnly` and `DirectoryOnly`: the ceiling runs, no think time (the bare « ok » view, the directory page).

The server runs the production settings behind what nginx would send (X-Forwarded-Proto: https, a distinct
X-Forwarded-For per simulated person, MAILLAGE_TRUSTED_PROXIES=127.0.0.1): the rate limits are per person, as
in production, and the session and CSRF cookies are `Secure` — the cookie policy below sends them over the
loopback's plain HTTP as the browser would over the proxy's HTTPS.

Facts (accounts, slugs, events…) come from the JSON file named by LOAD_FACTS (bench/load/prepare.py).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import sys
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from urllib.parse import urlsplit

from locust import FastHttpUser, between, constant, task

sys.path.insert(0, str(Path(__file__).resolve().parent))
from journeys import CEILING_PAGE, CEILING_QUERY, MAP_BBOX, OK, PAGES, Page  # noqa: E402

FACTS = json.loads(Path(os.environ.get("LOAD_FACTS", "var/load/facts.json")).read_text())
THINK = float(os.environ.get("LOAD_THINK", "1"))
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PEOPLE = itertools.count()
ADDRESSES = itertools.count(1)


class ProxiedHttps(DefaultCookiePolicy):
    """Send `Secure` cookies over the loopback: the request is HTTPS for Django (X-Forwarded-Proto)."""

    def return_ok_secure(self, cookie, request) -> bool:  # noqa: ANN001
        return True


def queries() -> list[str]:
    return [q["qs"] for q in FACTS["queries"]]


class Person(FastHttpUser):
    abstract = True
    wait_time = between(THINK * 0.5, THINK * 1.5)

    def on_start(self) -> None:
        self.client.cookiejar.set_policy(ProxiedHttps())
        n = next(ADDRESSES)
        self.address = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
        self.origin = "https://" + urlsplit(self.host).netloc

    def page(
        self, key: str, expect: int = 200, data: dict | None = None, key_header: str = "", **values: object
    ) -> str:
        """Ask for PAGES[key]; any status but `expect` is an error. The body, or the redirect's target."""
        page: Page = PAGES.get(key, OK)
        url = page.url(**values)
        headers = {"X-Forwarded-For": self.address, "X-Forwarded-Proto": "https"}
        if key_header:
            headers["X-API-Key"] = key_header
        if page.method == "POST":
            headers["Referer"] = self.origin + url
        with self.client.request(
            page.method,
            url,
            name=page.label,
            data=data,
            headers=headers,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != expect:
                response.failure(f"HTTP {response.status_code} (attendu {expect})")
                return ""
            if expect == 302:
                return response.headers.get("Location", "")
            return response.text or ""

    def token(self, html: str) -> str:
        found = TOKEN.search(html)
        return found.group(1) if found else ""


class Visitor(Person):
    weight = 4

    @task(3)
    def home(self) -> None:
        self.page("home")

    @task(6)
    def directory(self) -> None:
        self.page("directory", query=random.choice(queries()))

    @task(2)
    def map(self) -> None:
        self.page("map", bbox=MAP_BBOX, query=random.choice(queries()))

    @task(4)
    def profile(self) -> None:
        self.page("profile", slug=random.choice(FACTS["slugs"]))

    @task(2)
    def agenda(self) -> None:
        self.page("agenda")
        if FACTS["events"]:
            self.page("event", event=random.choice(FACTS["events"]))

    @task(1)
    def charter(self) -> None:
        self.page("charter")

    @task(1)
    def plan(self) -> None:
        self.page("plan")

    @task(1)
    def needs(self) -> None:
        self.page("needs")
        if FACTS["needs"]:
            self.page("need", need=random.choice(FACTS["needs"]))

    @task(1)
    def call(self) -> None:
        if FACTS["calls"]:
            self.page("call", year=random.choice(FACTS["calls"]))

    @task(1)
    def figures(self) -> None:
        self.page("figures")

    @task(2)
    def api(self) -> None:
        self.page("api", query="")


class Member(Person):
    weight = 1

    def on_start(self) -> None:
        super().on_start()
        people = FACTS["people"]
        self.person = people[next(PEOPLE) % len(people)]
        token = self.token(self.page("login_form"))
        target = self.page(
            "login",
            expect=302,
            data={
                "login": self.person["email"],
                "password": self.person["password"],
                "csrfmiddlewaretoken": token,
            },
        )
        if target:
            self.page("my_space")

    @task(3)
    def register_and_cancel(self) -> None:
        if not FACTS["events"]:
            return
        event = random.choice(FACTS["events"])
        self.page("event", event=event)
        form = self.page("register_form", event=event)
        if self.page("register", expect=302, event=event, data={"csrfmiddlewaretoken": self.token(form)}):
            page = self.page("event", event=event)
            self.page("unregister", expect=302, event=event, data={"csrfmiddlewaretoken": self.token(page)})

    @task(2)
    def report_need(self) -> None:
        form = self.page("need_form")
        data = {
            "csrfmiddlewaretoken": self.token(form),
            "title": "Pas de bus le dimanche vers l'hôpital",
            "description": "Les personnes sans voiture ne peuvent pas se rendre aux visites du dimanche.",
            "category": random.choice(FACTS["need_categories"]),
            "communes": random.choice(FACTS["communes"]),
            "public_concerned": "personnes âgées sans voiture",
        }
        target = self.page("need_post", expect=302, data=data)
        found = re.search(r"/besoins/(\d+)/", target)
        if found:
            self.page("need", need=found.group(1))

    @task(2)
    def directory(self) -> None:
        self.page("directory", query=random.choice(queries()))
        self.page("profile", slug=random.choice(FACTS["slugs"]))

    @task(1)
    def charter_and_plan(self) -> None:
        self.page("charter")
        self.page("plan")

    @task(1)
    def call(self) -> None:
        if FACTS["calls"]:
            self.page("call", year=random.choice(FACTS["calls"]))

    @task(1)
    def dashboard(self) -> None:
        self.page("figures")
        self.page("my_space")

    @task(2)
    def api(self) -> None:
        self.page("api_key", key_header=self.person["api_key"], query="")


class OkOnly(Person):
    """The ceiling: the bare « ok » view, no think time."""

    wait_time = constant(0)

    @task
    def ok(self) -> None:
        self.page("ok")


class DirectoryOnly(Person):
    """The directory page alone, no think time, at the same concurrency as OkOnly."""

    wait_time = constant(0)

    @task
    def directory(self) -> None:
        self.page(CEILING_PAGE, query=CEILING_QUERY)


class DirectoryCorpus(Person):
    """The directory page over the whole committed corpus (facets, broad and rare words, misspellings), in
    random order, no think time: what the shared page cache gives when the queries vary."""

    wait_time = constant(0)

    @task
    def directory(self) -> None:
        self.page("directory", query=random.choice(queries()))
