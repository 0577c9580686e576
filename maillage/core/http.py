"""The one outbound HTTP client (geocoder, feeds, other instances).

Every fetch the platform makes on the server side goes through `SafeHTTPClient` (or `fetch()`), which:

- accepts only ``http`` and ``https`` URLs;
- resolves the host name itself, refuses the request if **any** resolved address is loopback, private,
  link-local, multicast, reserved, unspecified or otherwise not globally routable, then connects to the
  address it has just checked (the check and the connection use the same address: no DNS-rebinding window).
  The Host header and the TLS SNI/certificate check keep the original host name;
- follows redirects itself (at most ``max_redirects``), re-checking scheme and address at every hop;
- ignores proxy environment variables (a proxy would connect on our behalf, past the check);
- applies connect/read timeouts (``MAILLAGE_HTTP_TIMEOUT``) and an overall deadline;
- streams the body and aborts past ``MAILLAGE_HTTP_MAX_BYTES``;
- sends a ``User-Agent`` naming the platform.

Errors form one hierarchy with French messages: `FetchError` ⊃ `UnsafeURLError`, `FetchTooLarge`,
`FetchTimeout`, `FetchHTTPError`.

Tests that talk to a fake server on 127.0.0.1 pass ``allow_loopback=True`` (or set
``MAILLAGE_HTTP_ALLOW_LOOPBACK = True``): only loopback is then allowed, private ranges stay refused.
``allow_loopback`` may also be a set of ports: loopback is then allowed on those ports only (a test server
redirecting to another loopback port is refused).
"""

from __future__ import annotations

import ipaddress
import json as jsonlib
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import httpcore
import httpx
from django.conf import settings

DEFAULT_USER_AGENT = "Maillage/0.1 (plateforme CLDESS; +https://maillage.example.org)"
REDIRECT_STATUSES = {301, 302, 303, 307, 308}


class FetchError(Exception):
    """An outbound fetch failed. `str(error)` is a French message fit for an animator."""

    default_message = "La ressource distante n'a pas pu être récupérée."

    def __init__(self, message: str | None = None, *, url: str = "") -> None:
        self.url = url
        super().__init__(message or self.default_message)


class UnsafeURLError(FetchError):
    default_message = (
        "Cette adresse n'est pas autorisée : seules les adresses publiques en http ou https le sont."
    )


class FetchTooLarge(FetchError):
    default_message = "La réponse distante dépasse la taille autorisée."


class FetchTimeout(FetchError):
    default_message = "Le serveur distant n'a pas répondu à temps."


class FetchHTTPError(FetchError):
    def __init__(self, status_code: int, *, url: str = "") -> None:
        self.status_code = status_code
        super().__init__(f"Le serveur distant a répondu avec une erreur (code {status_code}).", url=url)


def address_is_public(address: str, *, allow_loopback: bool = False) -> bool:
    """True when an IP address may be contacted: globally routable, or loopback when explicitly allowed."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        # ::ffff:127.0.0.1 and 6to4/Teredo embeddings hide an IPv4 address: judge that one.
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        elif ip.sixtofour is not None or ip.teredo is not None:
            return False
    if ip.is_loopback:
        return allow_loopback
    return not (
        ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def resolve_checked(host: str, port: int, *, allow_loopback: bool) -> list[str]:
    """Resolve `host` and return its addresses, refusing if any of them is not public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"Le nom « {host} » n'a pas pu être résolu.") from exc
    addresses: list[str] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        address = str(sockaddr[0])
        if not address_is_public(address, allow_loopback=allow_loopback):
            raise UnsafeURLError(
                f"L'adresse « {host} » mène à un réseau interne ({address}) : elle n'est pas autorisée."
            )
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise FetchError(f"Le nom « {host} » n'a pas pu être résolu.")
    return addresses


LoopbackPolicy = bool | frozenset[int]


def loopback_allowed(policy: LoopbackPolicy, port: int | None) -> bool:
    if isinstance(policy, bool):
        return policy
    return port is not None and port in policy


class GuardedNetworkBackend(httpcore.SyncBackend):
    """httpcore network backend that resolves, checks, then connects to the checked address.

    httpcore asks for a connection to (host name, port); we resolve it here, refuse it if any address is
    not public, and open the socket to the very address we checked. TLS (SNI and certificate) is started
    afterwards by httpcore on the original host name.
    """

    def __init__(self, *, allow_loopback: LoopbackPolicy) -> None:
        self.allow_loopback = allow_loopback

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        addresses = resolve_checked(host, port, allow_loopback=loopback_allowed(self.allow_loopback, port))
        last_error: Exception | None = None
        for address in addresses:
            try:
                return super().connect_tcp(
                    address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except httpcore.ConnectTimeout:
                raise
            except httpcore.ConnectError as exc:
                last_error = exc
        raise httpcore.ConnectError(str(last_error or "connexion impossible"))

    def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:  # pragma: no cover
        raise UnsafeURLError("Les connexions locales ne sont pas autorisées.")


class GuardedTransport(httpx.HTTPTransport):
    """httpx transport whose connection pool uses `GuardedNetworkBackend` and no proxy."""

    def __init__(self, *, allow_loopback: LoopbackPolicy, verify: Any = True) -> None:
        super().__init__(verify=verify, trust_env=False, retries=0)
        ssl_context = httpx.create_ssl_context(verify=verify, trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context,
            max_connections=10,
            max_keepalive_connections=5,
            keepalive_expiry=5.0,
            network_backend=GuardedNetworkBackend(allow_loopback=allow_loopback),
        )


@dataclass
class FetchResponse:
    """A fully read response (the body is already capped)."""

    url: str
    status_code: int
    headers: httpx.Headers
    content: bytes
    history: list[str] = field(default_factory=list)

    @property
    def encoding(self) -> str:
        content_type = self.headers.get("content-type", "")
        for part in content_type.split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                return value.strip('"')
        return "utf-8"

    @property
    def text(self) -> str:
        try:
            return self.content.decode(self.encoding, errors="replace")
        except LookupError:
            return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        try:
            return jsonlib.loads(self.content)
        except ValueError as exc:
            raise FetchError("La réponse distante n'est pas un JSON valide.", url=self.url) from exc

    @property
    def ok(self) -> bool:
        return 200 <= self.status_code < 300

    def raise_for_status(self) -> FetchResponse:
        if not self.ok:
            raise FetchHTTPError(self.status_code, url=self.url)
        return self


class SafeHTTPClient:
    """See the module docstring. Use as a context manager, or call `close()`."""

    def __init__(
        self,
        *,
        allow_loopback: bool | set[int] | frozenset[int] | None = None,
        timeout: float | None = None,
        max_bytes: int | None = None,
        max_redirects: int = 5,
        user_agent: str | None = None,
        verify: Any = True,
    ) -> None:
        if allow_loopback is None:
            allow_loopback = bool(getattr(settings, "MAILLAGE_HTTP_ALLOW_LOOPBACK", False))
        self.allow_loopback: LoopbackPolicy = (
            allow_loopback if isinstance(allow_loopback, bool) else frozenset(allow_loopback)
        )
        self.timeout = float(timeout if timeout is not None else settings.MAILLAGE_HTTP_TIMEOUT)
        self.max_bytes = int(max_bytes if max_bytes is not None else settings.MAILLAGE_HTTP_MAX_BYTES)
        self.max_redirects = max_redirects
        # The whole exchange (all hops, the whole body) must end within this deadline.
        self.deadline_seconds = self.timeout * 3
        self._client = httpx.Client(
            transport=GuardedTransport(allow_loopback=self.allow_loopback, verify=verify),
            timeout=httpx.Timeout(self.timeout, connect=self.timeout, read=self.timeout),
            follow_redirects=False,
            trust_env=False,
            headers={
                "User-Agent": user_agent or getattr(settings, "MAILLAGE_HTTP_USER_AGENT", DEFAULT_USER_AGENT)
            },
        )

    def __enter__(self) -> SafeHTTPClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    # -- checks --------------------------------------------------------------------------------------

    def check_url(self, url: str) -> httpx.URL:
        """Scheme and literal-address checks on a URL (host names are checked when connecting)."""
        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, TypeError, ValueError) as exc:
            raise UnsafeURLError(f"« {url} » n'est pas une adresse valide.", url=str(url)) from exc
        if parsed.scheme not in ("http", "https"):
            raise UnsafeURLError("Seules les adresses en http ou https sont autorisées.", url=str(url))
        host = parsed.host
        if not host:
            raise UnsafeURLError(f"« {url} » n'a pas de nom d'hôte.", url=str(url))
        if parsed.userinfo:
            raise UnsafeURLError(
                "Les adresses contenant un identifiant ne sont pas autorisées.", url=str(url)
            )
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        try:
            ipaddress.ip_address(host)
        except ValueError:
            pass
        else:
            if not address_is_public(host, allow_loopback=loopback_allowed(self.allow_loopback, port)):
                raise UnsafeURLError(
                    f"L'adresse {host} appartient à un réseau interne : elle n'est pas autorisée.",
                    url=str(url),
                )
        return parsed

    # -- requests ------------------------------------------------------------------------------------

    def get(self, url: str, **kwargs: Any) -> FetchResponse:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> FetchResponse:
        return self.request("POST", url, **kwargs)

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        data: Mapping[str, Any] | None = None,
        json: Any = None,
        content: bytes | None = None,
    ) -> FetchResponse:
        started = time.monotonic()
        history: list[str] = []
        current_url = str(self.check_url(url))
        request_headers = dict(headers or {})
        body_kwargs: dict[str, Any] = {"data": data, "json": json, "content": content}
        for _hop in range(self.max_redirects + 1):
            self.check_url(current_url)
            request = self._client.build_request(
                method, current_url, params=params, headers=request_headers, **body_kwargs
            )
            params = None  # already part of the URL for the next hops
            try:
                response = self._client.send(request, stream=True)
            except httpx.TimeoutException as exc:
                raise FetchTimeout(url=current_url) from exc
            except httpx.HTTPError as exc:
                raise FetchError(f"Connexion impossible à « {request.url.host} ».", url=current_url) from exc
            try:
                if response.status_code in REDIRECT_STATUSES and "location" in response.headers:
                    history.append(current_url)
                    next_url = urljoin(str(response.url), response.headers["location"])
                    if response.status_code == 303 or (
                        response.status_code in (301, 302) and method not in ("GET", "HEAD")
                    ):
                        method, body_kwargs = "GET", {"data": None, "json": None, "content": None}
                    if httpx.URL(next_url).host != httpx.URL(current_url).host:
                        request_headers.pop("Authorization", None)
                        request_headers.pop("authorization", None)
                    current_url = next_url
                    continue
                body = self._read_capped(response, started, current_url)
                return FetchResponse(
                    url=current_url,
                    status_code=response.status_code,
                    headers=response.headers,
                    content=body,
                    history=history,
                )
            finally:
                response.close()
        raise FetchError(f"Trop de redirections (plus de {self.max_redirects}).", url=url)

    def _read_capped(self, response: httpx.Response, started: float, url: str) -> bytes:
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchTooLarge(
                f"La réponse distante est trop volumineuse ({int(declared)} octets, "
                f"maximum {self.max_bytes}).",
                url=url,
            )
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > self.max_bytes:
                    raise FetchTooLarge(
                        f"La réponse distante dépasse la taille autorisée ({self.max_bytes} octets).", url=url
                    )
                if time.monotonic() - started > self.deadline_seconds:
                    raise FetchTimeout("Le serveur distant est trop lent à répondre.", url=url)
                chunks.append(chunk)
        except httpx.TimeoutException as exc:
            raise FetchTimeout(url=url) from exc
        except httpx.HTTPError as exc:
            raise FetchError("La réponse distante a été interrompue.", url=url) from exc
        return b"".join(chunks)


def fetch(
    url: str,
    *,
    method: str = "GET",
    allow_loopback: bool | set[int] | frozenset[int] | None = None,
    **kwargs: Any,
) -> FetchResponse:
    """One safe request with a short-lived client. See `SafeHTTPClient.request` for the arguments."""
    client_kwargs = {
        k: kwargs.pop(k) for k in ("timeout", "max_bytes", "max_redirects", "user_agent") if k in kwargs
    }
    with SafeHTTPClient(allow_loopback=allow_loopback, **client_kwargs) as client:
        return client.request(method, url, **kwargs)
