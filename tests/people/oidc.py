"""A real OpenID provider for the federated sign-in tests: tests/oidc_provider/server.js (panva's
oidc-provider) run by Node on a free port, and a small "browser" for its login page.

Keys and secrets are made here, at test time, and thrown away afterwards.
"""

import json
import os
import selectors
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

PROVIDER_DIR = Path(__file__).resolve().parent.parent / "oidc_provider"
STARTUP_SECONDS = 20


def node_or_skip():
    """The Node binary. Without Node the provider tests are skipped locally, but CI must run
    them (.ci/run installs the npm packages), so there they fail instead."""
    node = shutil.which("node")
    installed = (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir()
    if node and installed:
        return node
    reason = (
        "the federated sign-in tests need Node.js (20.19+)"
        if not node
        else f"the test OpenID provider is not installed: run `npm ci` in {PROVIDER_DIR}"
    )
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the federated sign-in tests, but {reason}.")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class TestProvider:
    """A running provider: its issuer, and the clients registered at it."""

    issuer: str
    process: subprocess.Popen
    log: Path
    secrets: dict = field(default_factory=dict)

    def set_clock(self, offset_seconds: int) -> None:
        """Move the provider's clock (and only its clock) ahead of the real time."""
        response = requests.post(
            f"{self.issuer}/__test__/clock", data={"offset_seconds": offset_seconds}, timeout=5
        )
        response.raise_for_status()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def client_key(tmp_dir: Path) -> tuple[Path, dict]:
    """A throwaway RSA key for private_key_jwt: the private PEM file for the site, the public
    JWK for the provider."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path = tmp_dir / "idporten-client-key.pem"
    path.write_bytes(pem)
    jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update({"kid": "ipskurs-test-client-key", "use": "sig", "alg": "RS256"})
    return path, jwk


def start_provider(node: str, clients: list[dict], tmp_dir: Path) -> TestProvider:
    """Start server.js with these clients; returns once it answers discovery."""
    last_error = ""
    for _attempt in range(3):
        port = free_port()
        log = tmp_dir / f"oidc-provider-{port}.log"
        env = {
            **os.environ,
            "PORT": str(port),
            "TEST_PROVIDER_CONFIG": json.dumps({"clients": clients, "testControls": True}),
        }
        with log.open("wb") as log_file:
            process = subprocess.Popen(  # noqa: S603 - fixed argv, our own server.js
                [node, "server.js"],
                cwd=PROVIDER_DIR,
                env=env,
                stdout=subprocess.PIPE,
                stderr=log_file,
            )
        issuer = _read_issuer(process)
        if issuer:
            provider = TestProvider(issuer=issuer, process=process, log=log)
            requests.get(f"{issuer}/.well-known/openid-configuration", timeout=5).raise_for_status()
            return provider
        process.kill()
        process.wait()
        last_error = log.read_text(errors="replace")
    raise RuntimeError(f"the test OpenID provider did not start:\n{last_error}")


def _read_issuer(process: subprocess.Popen) -> str | None:
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + STARTUP_SECONDS
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                return None
            if selector.select(timeout=0.2):
                line = process.stdout.readline()
                if line:
                    return json.loads(line)["issuer"]
                return None
        return None
    finally:
        selector.close()


class ProviderBrowser:
    """The person's browser at the provider: follows its redirects, picks a test person on its
    login page and stops at the redirect back to the site (which the Django test client takes
    over)."""

    def __init__(self, issuer: str):
        self.issuer = issuer
        self.session = requests.Session()

    def _at_provider(self, url: str) -> bool:
        return url.startswith(self.issuer)

    def follow(self, url: str, *, method="GET", data=None) -> requests.Response | str:
        """Requests ``url`` and follows redirects while they stay at the provider. Returns the
        page it stops at, or the URL of a redirect that leaves the provider."""
        response = self.session.request(method, url, data=data, allow_redirects=False, timeout=10)
        while response.is_redirect:
            target = urljoin(response.url, response.headers["Location"])
            if not self._at_provider(target):
                return target
            response = self.session.get(target, allow_redirects=False, timeout=10)
        return response

    def sign_in(self, authorization_url: str, person: str, acr: str | None = None) -> str:
        """Signs in as ``person`` and returns the redirect back to the site (the callback)."""
        page = self.follow(authorization_url)
        if isinstance(page, str):
            return page  # still signed in at the provider: straight back
        assert page.status_code == 200, page.text
        assert "/interaction/" in page.url, page.url
        data = {"person": person}
        if acr:
            data["acr"] = acr
        result = self.follow(page.url, method="POST", data=data)
        assert isinstance(result, str), getattr(result, "text", result)
        return result

    def confirm_logout(self, end_session_url: str) -> str:
        """Answers the provider's "sign out?" question; returns where it sends the browser."""
        page = self.follow(end_session_url)
        if isinstance(page, str):
            return page
        assert page.status_code == 200, page.text
        form = _form_fields(page.text, "op.logoutForm")
        action = urljoin(page.url, form.pop("__action__"))
        form["logout"] = "yes"
        result = self.follow(action, method="POST", data=form)
        return result if isinstance(result, str) else result.url


def _form_fields(html: str, form_id: str) -> dict:
    """The action and hidden inputs of one form (enough for oidc-provider's logout form)."""
    fields: dict = {}

    class Parser(HTMLParser):
        inside = False

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "form" and attrs.get("id") == form_id:
                self.inside = True
                fields["__action__"] = attrs.get("action", "")
            elif tag == "input" and self.inside and attrs.get("name"):
                fields[attrs["name"]] = attrs.get("value", "")

        def handle_endtag(self, tag):
            if tag == "form":
                self.inside = False

    Parser().feed(html)
    assert "__action__" in fields, html
    return fields


def query_of(url: str) -> dict:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def local_path(url: str) -> str:
    """A redirect back to the site, as the path + query the Django test client requests."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
