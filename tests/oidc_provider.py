"""A small OpenID Connect provider on a loopback port that behaves like TARA, for tests without the internet.

Built on authlib's JOSE library (joserfc) and its PKCE helper: real RS256 ID tokens with the claims TARA
documents (sub, profile_attributes{given_name, family_name, date_of_birth}, amr, acr, auth_time, nonce, aud,
iss, exp, iat), a discovery document, a JWKS, an authorize endpoint (it "authenticates" the person the test
chose at once and sends the browser back with a code) and a token endpoint (HTTP Basic client secret, the
redirect URI and the PKCE verifier checked, like TARA).

A test sets `provider.person` (who logs in) and `provider.tamper` (what to break in the next ID token:
"expired", "wrong_audience", "bad_signature", "wrong_nonce", "low_acr", "no_names", "eidas_without_acr";
"mobile_id_without_acr" is a good token as TARA may send it; or "user_cancel",
the person pressing "Cancel" at TARA).
"""

import base64
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

CLIENT_ID = "oskus-test-client"
CLIENT_SECRET = "test-secret-for-the-loopback-provider"


def person(code="EE38001085718", given_name="MARI-LIIS", family_name="MÄNNIK", date_of_birth="1980-01-08"):
    return {"sub": code, "given_name": given_name, "family_name": family_name, "date_of_birth": date_of_birth}


_KEYS: list = []


def _keys():
    """The provider's signing key and, with the same kid, another one (a token signed with it fails the
    signature check); made once per test run."""
    if not _KEYS:
        _KEYS.extend(RSAKey.generate_key(2048, parameters={"kid": "tara-test-key", "use": "sig", "alg": "RS256"})
                     for _ in range(2))
    return _KEYS


class FakeTara:
    def __init__(self):
        self.key, self.other_key = _keys()
        self.person = person()
        self.tamper = None
        self.codes: dict[str, dict] = {}
        self.authorize_requests: list[dict] = []
        self.token_requests = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    # --- what TARA answers ---------------------------------------------------------------------------

    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/oidc/authorize",
            "token_endpoint": f"{self.issuer}/oidc/token",
            "userinfo_endpoint": f"{self.issuer}/oidc/profile",
            "jwks_uri": f"{self.issuer}/oidc/jwks",
            "scopes_supported": ["openid", "idcard", "mid", "smartid", "eidas", "eidasonly", "email", "phone"],
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "claims_supported": ["sub", "given_name", "family_name", "date_of_birth", "email", "email_verified",
                                 "phone_number", "phone_number_verified"],
            "grant_types_supported": ["authorization_code"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            "ui_locales_supported": ["et", "en", "ru"],
            "acr_values_supported": ["low", "substantial", "high"],
        }

    def jwks(self) -> dict:
        return KeySet([self.key]).as_dict(private=False)

    def id_token(self, *, nonce: str | None) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "sub": self.person["sub"],
            "jti": secrets.token_hex(16),
            "iat": now,
            "exp": now + 40,
            "auth_time": now,
            "nbf": now,
            "amr": ["idcard"],
            "acr": "high",
            "at_hash": "not-checked",
            "profile_attributes": {
                "given_name": self.person["given_name"],
                "family_name": self.person["family_name"],
                "date_of_birth": self.person["date_of_birth"],
            },
            "state": "ignored",
        }
        if nonce:
            claims["nonce"] = nonce
        key = self.key
        if self.tamper == "expired":
            claims.update(iat=now - 600, exp=now - 300, auth_time=now - 600, nbf=now - 600)
        elif self.tamper == "wrong_audience":
            claims["aud"] = "someone-else"
        elif self.tamper == "bad_signature":
            key = self.other_key
        elif self.tamper == "wrong_nonce":
            claims["nonce"] = "not-the-nonce-that-was-sent"
        elif self.tamper == "low_acr":
            claims["acr"] = "low"
        elif self.tamper == "mobile_id_without_acr":  # TARA may leave acr out for the domestic means
            claims["amr"] = ["mID"]
            del claims["acr"]
        elif self.tamper == "eidas_without_acr":
            claims["amr"] = ["eIDAS"]
            del claims["acr"]
        elif self.tamper == "no_names":
            claims["profile_attributes"] = {"date_of_birth": self.person["date_of_birth"]}
        return jwt.encode({"alg": "RS256", "kid": "tara-test-key", "typ": "JWT"}, claims, key)

    # --- HTTP ----------------------------------------------------------------------------------------

    def _handler(self):
        tara = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _json(self, status: int, body: dict):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urlparse(self.path)
                if url.path == "/.well-known/openid-configuration":
                    return self._json(200, tara.discovery())
                if url.path == "/oidc/jwks":
                    return self._json(200, tara.jwks())
                if url.path == "/oidc/authorize":
                    return self._authorize({k: v[0] for k, v in parse_qs(url.query).items()})
                return self._json(404, {"error": "not_found"})

            def _authorize(self, query: dict):
                tara.authorize_requests.append(query)
                if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code" \
                        or "openid" not in query.get("scope", "").split():
                    return self._json(400, {"error": "invalid_request"})
                if tara.tamper == "user_cancel":  # the person pressed "Cancel" at TARA
                    target = query["redirect_uri"] + "?" + urlencode({
                        "error": "user_cancel", "error_description": "User canceled the authentication process.",
                        "state": query.get("state", "")})
                    self.send_response(302)
                    self.send_header("Location", target)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                code = secrets.token_urlsafe(24)
                tara.codes[code] = {"redirect_uri": query["redirect_uri"], "nonce": query.get("nonce"),
                                    "code_challenge": query.get("code_challenge")}
                target = query["redirect_uri"] + "?" + urlencode({"code": code, "state": query.get("state", "")})
                self.send_response(302)
                self.send_header("Location", target)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_POST(self):
                if urlparse(self.path).path != "/oidc/token":
                    return self._json(404, {"error": "not_found"})
                tara.token_requests += 1
                length = int(self.headers.get("Content-Length", "0"))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
                if self.headers.get("Authorization") != expected:
                    return self._json(401, {"error": "invalid_client"})
                grant = tara.codes.pop(form.get("code", ""), None)
                if grant is None or form.get("grant_type") != "authorization_code" \
                        or form.get("redirect_uri") != grant["redirect_uri"]:
                    return self._json(400, {"error": "invalid_grant"})
                if grant["code_challenge"] and create_s256_code_challenge(
                        form.get("code_verifier", "")) != grant["code_challenge"]:
                    return self._json(400, {"error": "invalid_grant"})
                return self._json(200, {"access_token": secrets.token_urlsafe(24), "token_type": "bearer",
                                        "expires_in": 1, "id_token": tara.id_token(nonce=grant["nonce"])})

        return Handler
