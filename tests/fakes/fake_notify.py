"""A fake GOV.UK Notify API on loopback that checks what Notify checks, and records what it got.

- The JWT in ``Authorization: Bearer``: HS256 only, ``iss`` = the service id, signed with the key's
  secret, ``iat`` within 30 seconds of now (403 ``AuthError`` otherwise, with Notify's wording).
  An API key is ``name-<service id>-<secret>``; :meth:`FakeNotify.api_key` makes one.
- ``POST /v2/notifications/email`` and ``/v2/notifications/sms``: the request's JSON schema
  (required fields, uuid template ids, no extra properties, an email address or a UK mobile),
  the template (400 ``Template not found``, the wrong type, missing personalisation).
- Faults on demand: :meth:`fail_next` answers the next N requests with 429 or 500 (or any code);
  :meth:`slow` delays answers (a client timeout).
- ``sent`` lists every accepted notification; ``requests`` counts every request received.

Standard library plus PyJWT (which the official client needs anyway); one thread per request.
"""
from __future__ import annotations

import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
IAT_BOUND = 30
SCHEMAS = {
    "email": ({"email_address", "template_id"},
              {"email_address", "template_id", "personalisation", "reference", "scheduled_for",
               "email_reply_to_id", "one_click_unsubscribe_url"}),
    "sms": ({"phone_number", "template_id"},
            {"phone_number", "template_id", "personalisation", "reference", "scheduled_for",
             "sms_sender_id"}),
}
CANNED = {
    429: ("RateLimitError", "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds"),
    500: ("Exception", "Internal server error"),
    503: ("Exception", "Service unavailable"),
}


@dataclass
class Template:
    id: str
    type: str                       # "email" | "sms"
    fields: tuple[str, ...]
    subject: str = "Your booking"


@dataclass
class Sent:
    id: str
    type: str
    to: str
    template_id: str
    personalisation: dict
    reference: str | None
    at: float = field(default_factory=time.time)


def uk_mobile(number: str) -> bool:
    digits = re.sub(r"[\s().-]", "", number)
    if digits.startswith("+44"):
        digits = "0" + digits[3:]
    elif digits.startswith("0044"):
        digits = "0" + digits[4:]
    return bool(re.fullmatch(r"07\d{9}", digits))


class FakeNotify:
    def __init__(self) -> None:
        self.service_id = str(uuid.uuid4())
        self.secret = str(uuid.uuid4())
        self.templates: dict[str, Template] = {}
        self.sent: list[Sent] = []
        self.requests = 0
        self.rejected: list[tuple[int, str]] = []      # (status, message)
        self._faults: list[int] = []
        self._delay = 0.0
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # -- set-up --------------------------------------------------------------------------------
    def api_key(self, name: str = "careers-test") -> str:
        return f"{name}-{self.service_id}-{self.secret}"

    def add_template(self, type_: str, fields: tuple[str, ...]) -> str:
        template = Template(str(uuid.uuid4()), type_, tuple(fields))
        self.templates[template.id] = template
        return template.id

    def fail_next(self, status: int, count: int = 1) -> None:
        with self._lock:
            self._faults.extend([status] * count)

    def slow(self, seconds: float) -> None:
        self._delay = seconds

    def reset(self) -> None:
        with self._lock:
            self.sent.clear()
            self.rejected.clear()
            self._faults.clear()
            self.requests = 0
            self._delay = 0.0

    @property
    def url(self) -> str:
        assert self._server is not None, "start() first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeNotify:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status, answer = fake.handle(self.path, self.headers.get("Authorization", ""), body)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):  # quiet: the tests assert on logs elsewhere
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeNotify:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- what Notify does ------------------------------------------------------------------------
    def handle(self, path: str, authorization: str, body: bytes) -> tuple[int, dict]:
        with self._lock:
            self.requests += 1
            fault = self._faults.pop(0) if self._faults else None
        if self._delay:
            time.sleep(self._delay)
        problem = self._check_token(authorization)
        if problem:
            return self._error(403, "AuthError", problem)
        if fault is not None:
            error, message = CANNED.get(fault, ("Exception", f"fault {fault}"))
            return self._error(fault, error, message)
        kind = {"/v2/notifications/email": "email", "/v2/notifications/sms": "sms"}.get(path)
        if kind is None:
            return self._error(404, "BadRequestError", "Resource not found")
        try:
            data = json.loads(body or b"null")
        except ValueError:
            return self._error(400, "BadRequestError", "Invalid JSON supplied in POST data")
        problem = self._check_schema(kind, data)
        if problem:
            return self._error(400, "ValidationError", problem)
        template = self.templates.get(data["template_id"])
        if template is None:
            return self._error(400, "BadRequestError", "Template not found")
        if template.type != kind:
            return self._error(400, "BadRequestError",
                               f"{template.type} template is not suitable for {kind} notification")
        given = data.get("personalisation") or {}
        missing = [f for f in template.fields if f not in given]
        if missing:
            return self._error(400, "BadRequestError", "Missing personalisation: " + ", ".join(missing))
        to = data["email_address"] if kind == "email" else data["phone_number"]
        sent = Sent(str(uuid.uuid4()), kind, to, template.id, given, data.get("reference"))
        with self._lock:
            self.sent.append(sent)
        body_text = " ".join(f"{k}={v}" for k, v in given.items())
        content = ({"subject": template.subject, "body": body_text,
                    "from_email": "careers@notifications.service.gov.uk"} if kind == "email"
                   else {"body": body_text, "from_number": "NHSCareers"})
        return 201, {"id": sent.id, "reference": sent.reference, "content": content,
                     "uri": f"{self.url}/v2/notifications/{sent.id}",
                     "template": {"id": template.id, "version": 1,
                                  "uri": f"{self.url}/v2/template/{template.id}"},
                     "scheduled_for": None}

    def _error(self, status: int, error: str, message: str) -> tuple[int, dict]:
        with self._lock:
            self.rejected.append((status, message))
        return status, {"status_code": status, "errors": [{"error": error, "message": message}]}

    def _check_token(self, authorization: str) -> str | None:
        scheme, _, token = authorization.partition(" ")
        if scheme != "Bearer" or not token:
            return "Unauthorized: authentication token must be provided"
        try:
            header = jwt.get_unverified_header(token)
            claims = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            return "Invalid token: signature, api token not found"
        if header.get("alg") != "HS256":
            return "Invalid token: algorithm used is not HS256"
        if claims.get("iss") != self.service_id:
            if "iss" not in claims:
                return "Invalid token: iss field not provided"
            return "Invalid token: service not found"
        try:
            jwt.decode(token, self.secret, algorithms=["HS256"], options={"verify_iat": False})
        except jwt.PyJWTError:
            return "Invalid token: signature, api token not found"
        iat = claims.get("iat")
        if not isinstance(iat, (int, float)):
            return "Invalid token: iat field not provided"
        if abs(time.time() - iat) > IAT_BOUND:
            return "Error: Your system clock must be accurate to within 30 seconds"
        return None

    def _check_schema(self, kind: str, data) -> str | None:
        if not isinstance(data, dict):
            return "Invalid JSON supplied in POST data"
        required, allowed = SCHEMAS[kind]
        missing = sorted(required - data.keys())
        if missing:
            return f"{missing[0]} is a required property"
        extra = sorted(data.keys() - allowed)
        if extra:
            return f"Additional properties are not allowed ({extra[0]} was unexpected)"
        if not isinstance(data["template_id"], str) or not UUID_RE.fullmatch(data["template_id"]):
            return "template_id is not a valid UUID"
        if "personalisation" in data and not isinstance(data["personalisation"], (dict, type(None))):
            return "personalisation is not of type object"
        for key in ("reference",):
            if key in data and not isinstance(data[key], (str, type(None))):
                return f"{key} is not of type string"
        if kind == "email" and not (isinstance(data["email_address"], str)
                                    and EMAIL_RE.fullmatch(data["email_address"])):
            return "email_address Not a valid email address"
        if kind == "sms" and not (isinstance(data["phone_number"], str) and uk_mobile(data["phone_number"])):
            return "phone_number Not a UK mobile number"
        return None


def template_env(fake: FakeNotify, fields_by_kind: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """An email and a text template on ``fake`` for each kind; returns the NOTIFY_TEMPLATE_*
    settings that name them (as the app reads them from the environment)."""
    env = {}
    for kind, fields in fields_by_kind.items():
        for type_, suffix in (("email", "EMAIL"), ("sms", "SMS")):
            env[f"NOTIFY_TEMPLATE_{kind.upper()}_{suffix}"] = fake.add_template(type_, fields)
    return env
