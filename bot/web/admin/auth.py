"""Staff accounts and login: argon2 passwords, rate-limited failures, session rules, two roles.

- Passwords: argon2id (argon2-cffi's PasswordHasher defaults), rehashed when the parameters
  change. No default account: the first admin is made with ``python -m bot staff add``.
- Rate limit, stored in the database (table ``staff_login_attempts``, so it holds across
  restarts and workers): 5 failures for one email from one IP address in 15 minutes block that
  pair, and 20 failures from one IP address (any email) block that address, until the window
  passes. A success clears the pair's count. Unknown emails cost the same time as known ones.
- Sessions: a signed cookie (HttpOnly, SameSite=Strict, Secure when PUBLIC_URL is https, path
  /admin), cleared after 30 minutes idle or 8 hours in all; disabling an account or changing its
  password ends its sessions (``session_epoch``). The account is re-read on every request.
- Roles: ``admin`` (everything, incl. staff and the audit log) and ``editor`` (the rest).
"""
from __future__ import annotations

import datetime as dt
import getpass
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from sqladmin.authentication import AuthenticationBackend
from sqladmin.authorization import GrantsAuthorizationBackend
from sqladmin.templating import Jinja2Templates
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.web.admin.csrf import CSRFMiddleware, ensure_token, new_token, token_ok
from bot.web.admin.models import STAFF_ROLES, AuditLog, LoginAttempt, StaffUser, utcnow

IDLE_SECONDS = 30 * 60
ABSOLUTE_SECONDS = 8 * 60 * 60
WINDOW = dt.timedelta(minutes=15)
MAX_FAILURES = 5          # per email + IP address in WINDOW
MAX_IP_FAILURES = 20      # per IP address, any email, in WINDOW
MIN_PASSWORD = 12
ADMIN_ONLY = frozenset({"staff-user", "audit-log", "login-attempt"})   # view identities editors never see
COOKIE = "nhs_admin_session"

_hasher = PasswordHasher()
_dummy_hash: str | None = None


class StaffError(ValueError):
    """A staff command that cannot be done (unknown email, weak password...)."""


@dataclass(frozen=True)
class StaffInfo:
    id: int
    email: str
    role: str


# -- accounts ----------------------------------------------------------------------------------
def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise StaffError(f"{email!r} is not an email address: {exc}") from exc


def check_password(password: str, email: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise StaffError(f"the password must be at least {MIN_PASSWORD} characters")
    if len(set(password)) < 5 or email.split("@")[0].lower() in password.lower():
        raise StaffError("the password is too easy to guess")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def read_password(prompt: str = "Password: ") -> str:
    """From a prompt (typed twice) on a terminal, else the first line of stdin."""
    if sys.stdin.isatty():
        first = getpass.getpass(prompt)
        if getpass.getpass("Again: ") != first:
            raise StaffError("the two passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _audit(s: Session, actor: str, action: str, user: StaffUser, before: dict | None,
           after: dict | None) -> None:
    s.add(AuditLog(actor=actor, action=action, entity="staff-user", entity_id=str(user.id),
                   summary=user.email, before=before, after=after))


def add_staff(factory: sessionmaker[Session], email: str, password: str, role: str,
              actor: str = "cli") -> StaffUser:
    email = normalise_email(email)
    if role not in STAFF_ROLES:
        raise StaffError(f"role must be one of {', '.join(STAFF_ROLES)}")
    check_password(password, email)
    with factory() as s:
        if s.scalar(select(StaffUser).where(StaffUser.email == email)):
            raise StaffError(f"{email} already has an account")
        user = StaffUser(email=email, password_hash=hash_password(password), role=role,
                         active=True, session_epoch=0, created_at=utcnow())
        s.add(user)
        s.flush()
        _audit(s, actor, "create", user, None, {"email": email, "role": role, "active": True})
        s.commit()
        return user


def set_password(factory: sessionmaker[Session], email: str, password: str,
                 actor: str = "cli") -> None:
    email = normalise_email(email)
    check_password(password, email)
    with factory() as s:
        user = s.scalar(select(StaffUser).where(StaffUser.email == email))
        if user is None:
            raise StaffError(f"no account for {email}")
        user.password_hash = hash_password(password)
        user.session_epoch += 1
        _audit(s, actor, "password", user, {"password": "(old)"}, {"password": "(changed)"})
        s.commit()


def disable_staff(factory: sessionmaker[Session], email: str, actor: str = "cli") -> None:
    email = normalise_email(email)
    with factory() as s:
        user = s.scalar(select(StaffUser).where(StaffUser.email == email))
        if user is None:
            raise StaffError(f"no account for {email}")
        if user.active:
            user.active = False
            user.session_epoch += 1
            _audit(s, actor, "disable", user, {"active": True}, {"active": False})
        s.commit()


def list_staff(factory: sessionmaker[Session]) -> list[StaffUser]:
    with factory() as s:
        return list(s.scalars(select(StaffUser).order_by(StaffUser.email)))


# -- login ---------------------------------------------------------------------------------------
def _verify(stored: str | None, password: str) -> bool:
    global _dummy_hash
    if stored is None:  # spend the same time on unknown emails
        _dummy_hash = _dummy_hash or _hasher.hash("not-a-real-password-at-all")
        stored = _dummy_hash
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def rate_limited(s: Session, email: str, ip: str, now: dt.datetime) -> bool:
    since = now - WINDOW
    last_ok = s.scalar(select(func.max(LoginAttempt.at)).where(
        LoginAttempt.email == email, LoginAttempt.ip == ip, LoginAttempt.success.is_(True)))
    if last_ok is not None:
        last_ok = last_ok if last_ok.tzinfo else last_ok.replace(tzinfo=dt.timezone.utc)
        since = max(since, last_ok)
    pair = s.scalar(select(func.count(LoginAttempt.id)).where(
        LoginAttempt.email == email, LoginAttempt.ip == ip, LoginAttempt.success.is_(False),
        LoginAttempt.at > since)) or 0  # COUNT always gives a row; `or 0` only for the type
    per_ip = s.scalar(select(func.count(LoginAttempt.id)).where(
        LoginAttempt.ip == ip, LoginAttempt.success.is_(False),
        LoginAttempt.at > now - WINDOW)) or 0
    return pair >= MAX_FAILURES or per_ip >= MAX_IP_FAILURES


def attempt_login(factory: sessionmaker[Session], email: str, password: str, ip: str,
                  clock: Callable[[], dt.datetime] = utcnow) -> tuple[StaffUser | None, str]:
    """(user, "ok") or (None, "limited" | "wrong")."""
    now = clock()
    email = (email or "").strip().lower()[:254]
    with factory() as s:
        s.execute(delete(LoginAttempt).where(LoginAttempt.at < now - dt.timedelta(days=1)))
        if rate_limited(s, email, ip, now):
            s.commit()
            return None, "limited"
        user = s.scalar(select(StaffUser).where(StaffUser.email == email)) if email else None
        ok = _verify(user.password_hash if user else None, password or "")
        ok = ok and user is not None and user.active
        s.add(LoginAttempt(at=now, email=email, ip=ip, success=ok))
        if ok and user is not None:  # ok implies a user; the check is for the type
            if _hasher.check_needs_rehash(user.password_hash):
                user.password_hash = hash_password(password)
            user.last_login_at = now
        s.commit()
        return (user, "ok") if ok else (None, "wrong")


def _current(factory: sessionmaker[Session], staff_id: int, epoch: int | None) -> StaffInfo | None:
    with factory() as s:
        user = s.get(StaffUser, staff_id)
        if user is None or not user.active or user.session_epoch != epoch:
            return None
        return StaffInfo(user.id, user.email, user.role)


class StaffAuth(AuthenticationBackend):
    def __init__(self, secret_key: str, factory: sessionmaker[Session], *, https: bool,
                 trusted_origins: tuple[str, ...] = (), base_url: str = "/admin",
                 clock: Callable[[], float] = time.time) -> None:
        self.factory, self.clock = factory, clock
        self.templates: Jinja2Templates | None = None  # set by mount_admin (the admin's Jinja environment)
        self.middlewares = [
            Middleware(SessionMiddleware, secret_key=secret_key, session_cookie=COOKIE,
                       max_age=ABSOLUTE_SECONDS, path=base_url, same_site="strict",
                       https_only=https),
            Middleware(CSRFMiddleware, trusted_origins=trusted_origins),
        ]

    def _templates(self) -> Jinja2Templates:
        if self.templates is None:
            raise RuntimeError("StaffAuth.templates is not set: mount_admin sets it to the admin's")
        return self.templates

    async def _login_page(self, request: Request, error: str, status: int) -> Response:
        return await self._templates().TemplateResponse(
            request, "sqladmin/login.html", {"error": error}, status_code=status)

    async def login(self, request: Request) -> Response | bool:
        if request.method != "POST":  # SQLAdmin sends HEAD here too: not a login attempt
            return await self._login_page(request, "", 200)
        form = await request.form()
        email, password = str(form.get("username", "")), str(form.get("password", ""))
        ip = request.client.host if request.client else "unknown"
        user, outcome = await run_in_threadpool(attempt_login, self.factory, email, password, ip)
        if outcome == "limited":
            return await self._login_page(
                request, "Too many failed attempts. Wait 15 minutes and try again.", 429)
        if user is None:
            return await self._login_page(request, "That email and password don't match.", 400)
        now = self.clock()
        request.session.clear()  # no session fixation: a fresh session and token
        request.session.update({"staff_id": user.id, "epoch": user.session_epoch,
                                "login_at": now, "seen": now})
        new_token(request.session)
        return True

    async def logout(self, request: Request) -> Response | bool:
        if not token_ok(request.session, request.query_params.get("csrf_token")):
            return await self._templates().TemplateResponse(
                request, "logout.html", {"token": ensure_token(request.session)})
        request.session.clear()
        return False  # SQLAdmin then redirects to the login page

    async def authenticate(self, request: Request) -> Response | bool:
        session = request.session
        staff_id = session.get("staff_id")
        if not staff_id:
            return False
        now = self.clock()
        if now - session.get("seen", 0) > IDLE_SECONDS or now - session.get("login_at", 0) > ABSOLUTE_SECONDS:
            session.clear()
            return RedirectResponse(str(request.url_for("admin:login")) + "?expired=1", 302)
        info = await run_in_threadpool(_current, self.factory, staff_id, session.get("epoch"))
        if info is None:
            session.clear()
            return False
        session["seen"] = now
        request.state.staff = info
        return True

    async def get_user_id(self, request: Request):
        staff = getattr(request.state, "staff", None)
        return staff.email if staff else None


class RoleAuthorization(GrantsAuthorizationBackend):
    """admin: everything. editor: every view except staff accounts and the audit log."""

    def setup(self, admin) -> None:
        self.admin = admin

    async def get_grants(self, request: Request) -> set[tuple[str, str]]:
        staff = getattr(request.state, "staff", None)
        if staff is None:
            return set()
        if staff.role == "admin":
            return {("*", "*")}
        return {(view.identity, "*") for view in self.admin.views
                if view.identity not in ADMIN_ONLY}


def current_staff(request: Request) -> StaffInfo | None:
    return getattr(request.state, "staff", None)


def actor(request: Request) -> str:
    staff = current_staff(request)
    return staff.email if staff else "unknown"
