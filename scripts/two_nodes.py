"""Two web nodes behind nginx, sharing PostgreSQL, Redis and S3-compatible storage (#14, part 4).

Used by `scripts/check_deployment.py full` (the CI stage « deployment »), which starts moto's S3 server on
loopback, loads the demo, then serves it with two `maillage serve` instances on two loopback ports behind
one nginx (deploy/nginx.conf, one `server` line per node). The checks here address each node directly, as
nginx does (plain HTTP on loopback, `X-Forwarded-Proto: https`, the client's address in `X-Forwarded-For`),
and carry the person's cookies from one node to the other by hand — what a browser does when nginx sends its
next request elsewhere:

- the animator types her password on node A and their TOTP code on node B, then works on both;
- a logo uploaded through node A is linked by node B's page and downloaded from the S3 server;
- a structure archived through node A leaves node B's directory, map, export and API at once;
- the export's rate limit (30 per client per hour) counts the requests of both nodes together;
- node A killed (SIGKILL, its whole process group) while requests flow through nginx: none is lost.
"""

from __future__ import annotations

import concurrent.futures
import html
import io
import os
import re
import signal
import subprocess
import time
from collections.abc import Callable
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlsplit

import httpx

HOST = "localhost"
ANIMATOR = "camille.animatrice@demo.maillage.fr"  # moderates the directory and edits profiles
DEMO_PASSWORD = "maillage-demo"  # maillage/accounts/demo.py
EXPORT_LIMIT = 30  # maillage.actors.views.structure_export
BBOX = "5.5,43.0,8.0,44.5"  # wider than the demo territory


def say(message: str) -> None:
    print(message, flush=True)


class Browser:
    """One person's cookies, presented to whichever node answers (as nginx would spread the requests)."""

    def __init__(self, source: str) -> None:
        self.cookies: dict[str, str] = {}
        self.source = source  # the client's address, as nginx passes it

    def request(self, port: int, method: str, path: str, **kwargs) -> httpx.Response:
        headers = {
            "Host": HOST,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.source,
            "Origin": f"https://{HOST}",
            "Referer": f"https://{HOST}{path}",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = httpx.request(
            method,
            f"http://127.0.0.1:{port}{path}",
            headers=headers,
            timeout=90,
            follow_redirects=False,
            **kwargs,
        )
        for header in response.headers.get_list("set-cookie"):
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def get(self, port: int, path: str) -> httpx.Response:
        return self.request(port, "GET", path)

    def post(self, port: int, path: str, data: dict, files: dict | None = None) -> httpx.Response:
        return self.request(port, "POST", path, data=data, files=files)


class FormFields(HTMLParser):
    """What a browser would submit from the form whose action is `action` (inputs, selects, textareas)."""

    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action, self.inside, self.fields = action, False, []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("action", "") in (self.action, "")
        elif not self.inside:
            return
        elif tag == "input" and a.get("name") and a.get("type", "text") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value", "on" if a.get("type") == "checkbox" else "")))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.fields.append((self._textarea or "", ""))

    def handle_data(self, data: str) -> None:
        if self._textarea:
            name, value = self.fields[-1]
            self.fields[-1] = (name, value + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_data(page: str, action: str) -> dict[str, list[str]]:
    parser = FormFields(action)
    parser.feed(page)
    data: dict[str, list[str]] = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value.lstrip("\n"))
    return data


def csrf(page: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if not found:
        raise RuntimeError("aucun jeton CSRF dans la page")
    return found.group(1)


def totp_code(env: dict[str, str], maillage_bin: str, email: str) -> str:
    result = subprocess.run(  # noqa: S603 (our own command)
        [maillage_bin, "totp_code", email], env=env, capture_output=True, text=True, check=True
    )
    return re.findall(r"\b\d{6}\b", result.stdout)[-1]


def png_logo() -> bytes:
    from PIL import Image  # a dependency of Maillage (logos are re-encoded with it)

    buffer = io.BytesIO()
    Image.new("RGB", (96, 96), (30, 110, 80)).save(buffer, format="PNG")
    return buffer.getvalue()


# --- the checks --------------------------------------------------------------------------------------------


def check_session_across_nodes(
    a: int, b: int, env: dict[str, str], maillage_bin: str
) -> tuple[Browser, list]:
    """Password on node A, TOTP code on node B: the login carries over; the moderation page opens on both."""
    failures: list[str] = []
    person = Browser("127.0.0.31")
    page = person.get(a, "/compte/login/").text
    answer = person.post(
        a,
        "/compte/login/",
        {"login": ANIMATOR, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": csrf(page)},
    )
    step = urlsplit(answer.headers.get("location", "")).path
    say(f"  nœud A : identifiant et mot de passe → {answer.status_code} {step}")
    if answer.status_code != 302 or "2fa" not in step:
        return person, [f"connexion sur le nœud A : second facteur attendu, reçu {answer.status_code} {step}"]
    page = person.get(b, step).text  # the second step, on the other node
    answer = person.post(
        b, step, {"code": totp_code(env, maillage_bin, ANIMATOR), "csrfmiddlewaretoken": csrf(page)}
    )
    say(f"  nœud B : code TOTP → {answer.status_code} {answer.headers.get('location', '')}")
    for name, port in (("B", b), ("A", a)):
        moderation = person.get(port, "/structures/moderation/")
        if moderation.status_code != 200 or "Modération de l'annuaire" not in moderation.text:
            failures.append(
                f"nœud {name} : la page de modération répond {moderation.status_code} après connexion"
            )
    say(f"  session partagée : {'oui' if not failures else 'NON'}")
    return person, failures


def published_structures(port: int) -> list[dict]:
    response = httpx.get(
        f"http://127.0.0.1:{port}/api/v1/structures",
        headers={"Host": HOST, "X-Forwarded-Proto": "https"},
        timeout=60,
    )
    response.raise_for_status()
    return response.json()["items"]


def check_upload_across_nodes(
    person: Browser, a: int, b: int, slug: str, bucket_objects: Callable
) -> list[str]:
    """A logo sent through node A's edit form is linked by node B's profile and downloaded from S3."""
    failures: list[str] = []
    before = set(bucket_objects())
    action = f"/structures/{slug}/modifier/"
    page = person.get(a, action).text
    data = form_data(page, action)
    response = person.post(a, action, data=data, files={"logo_upload": ("logo.png", png_logo(), "image/png")})
    if response.status_code != 302:
        errors = re.findall(r'class="error[^"]*"[^>]*>([^<]+)', response.text)
        return [f"nœud A : modification avec logo refusée ({response.status_code}) {errors[:3]}"]
    added = sorted(set(bucket_objects()) - before)
    profile = person.get(b, f"/structures/{slug}/").text
    logo = re.search(r'class="profile-logo" src="([^"]+)"', profile)
    say(f"  logo : objets ajoutés au seau S3 {added}; nœud B affiche {logo.group(1) if logo else None}")
    if not added:
        failures.append("le logo envoyé au nœud A n'est pas dans le seau S3")
    if not logo:
        return [*failures, "le nœud B n'affiche pas le logo envoyé au nœud A"]
    url = html.unescape(logo.group(1))
    download = httpx.get(url, timeout=30)
    if download.status_code != 200 or not download.content.startswith((b"\x89PNG", b"RIFF", b"\xff\xd8")):
        failures.append(f"le logo lié par le nœud B ne se télécharge pas : {download.status_code} {url}")
    else:
        say(f"  logo téléchargé depuis {urlsplit(url).netloc} : {len(download.content)} octets")
    return failures


def presence(port: int, structure: dict, source: str) -> dict[str, bool]:
    """Where the structure shows on one node, for a visitor: list, map, export, API (list, detail)."""
    person = Browser(source)
    slug, name = structure["slug"], structure["name"]
    return {
        "annuaire": f"/structures/{slug}/" in person.get(port, f"/structures/?q={quote(name)}").text,
        "carte": f'"{slug}"' in person.get(port, f"/structures/carte.json?bbox={BBOX}").text,
        "export": name in person.get(port, "/structures/export.csv").text,
        "API (liste)": f'"{slug}"' in person.get(port, f"/api/v1/structures?q={quote(name)}").text,
        "API (fiche)": person.get(port, f"/api/v1/structures/{slug}").status_code == 200,
    }


def check_archive_across_nodes(person: Browser, a: int, b: int, structure: dict) -> list[str]:
    """Archived through node A (the profile's moderation form), gone from node B at once."""
    before = presence(b, structure, "127.0.0.41")
    say(f"  « {structure['name']} » avant, sur le nœud B : {before}")
    failures = [
        f"avant l'archivage, absente du nœud B : {where}" for where, shown in before.items() if not shown
    ]
    page = person.get(a, f"/structures/{structure['slug']}/").text
    action = re.search(r'action="(/structures/moderation/fiche/\d+/)"', page)
    if not action:
        return [*failures, "nœud A : pas de formulaire d'archivage sur la fiche pour la modération"]
    response = person.post(
        a,
        action.group(1),
        {"to": "archived", "reason": "Structure fermée.", "csrfmiddlewaretoken": csrf(page)},
    )
    after = presence(b, structure, "127.0.0.42")
    say(f"  après l'archivage sur le nœud A ({response.status_code}), sur le nœud B : {after}")
    return failures + [f"archivée sur A, encore sur B : {where}" for where, shown in after.items() if shown]


def check_rate_limit_across_nodes(a: int, b: int) -> list[str]:
    """The export's limit, one client alternating between the nodes: the 31st request is refused."""
    person = Browser("127.0.0.51")
    statuses = [
        person.get((a, b)[i % 2], "/structures/export.csv").status_code for i in range(EXPORT_LIMIT + 1)
    ]
    say(f"  limite de débit, un client sur les deux nœuds tour à tour : …{statuses[-3:]}")
    if statuses[:EXPORT_LIMIT] != [200] * EXPORT_LIMIT or statuses[-1] != 429:
        return [f"limite de débit sur deux nœuds : {EXPORT_LIMIT} × 200 puis 429 attendus, reçu {statuses}"]
    return []


def check_node_killed(https_port: int, victim: int, fetch: Callable) -> list[str]:
    """Requests through nginx while node A is killed (SIGKILL to its process group): all are answered."""
    statuses: list[int] = []

    def one(_: int) -> int:
        return fetch(https_port, "/structures/", source="127.0.0.61")[0]

    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(one, i) for i in range(40)]
        for done, future in enumerate(concurrent.futures.as_completed(futures), start=1):
            statuses.append(future.result())
            if done == 10:
                os.killpg(victim, signal.SIGKILL)
                say("  nœud A tué (SIGKILL) pendant que les requêtes passent par nginx")
    lost = [s for s in statuses if s != 200]
    say(f"  {len(statuses) - len(lost)} réponses 200 sur {len(statuses)}")
    return [f"nœud A tué : {len(lost)} requête(s) sans réponse 200 ({lost[:5]})"] if lost else []


def check_two_nodes(
    *,
    nodes: list[tuple[int, int]],
    https_port: int,
    env: dict[str, str],
    maillage_bin: str,
    bucket_objects: Callable[[], list[str]],
    fetch: Callable,
    media_root: Path,
) -> list[str]:
    """`nodes`: (port, process-group id) of node A and node B, both already answering."""
    (a, a_group), (b, _b_group) = nodes
    say("Deux nœuds : session, fichier, archivage, limite de débit, nœud tué")
    person, failures = check_session_across_nodes(a, b, env, maillage_bin)
    if failures:
        return failures
    structures = published_structures(b)
    if len(structures) < 2:
        return ["l'API du nœud B liste moins de deux structures publiées"]
    failures += check_upload_across_nodes(person, a, b, structures[0]["slug"], bucket_objects)
    local = [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []
    if local:
        failures.append(f"fichiers envoyés écrits sur le disque d'un nœud : {local[:3]}")
    failures += check_archive_across_nodes(person, a, b, structures[-1])
    failures += check_rate_limit_across_nodes(a, b)
    failures += check_node_killed(https_port, a_group, fetch)
    time.sleep(0.5)
    return failures
