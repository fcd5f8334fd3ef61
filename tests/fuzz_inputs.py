"""1,000+ generated and adversarial chat inputs (deterministic: a fixed seed)."""
from __future__ import annotations

import random
import re

# turns that may rightly get no reply (as in bot/rasa_server/channels/guard.py, which the app can't import)
SILENT_OK = re.compile(r"^/(restart|session_start)\s*$|^/EXTERNAL_")
# how the bot confirms "delete my data" (actions/privacy.py): the worker then removes the
# conversation so far from the tracker store, so a fuzzed chat's tracker may hold only its end
ERASED = "Done. I've deleted your contact details"

REAL = ["how do I become a paramedic", "how much do nurses earn", "book a taster day",
        "my bookings", "cancel my booking", "delete my data", "what is a T Level", "hi",
        "I'm a care leaver", "difference between a nurse and a midwife", "stop", "yes", "no"]
ADVERSARIAL = [
    "", " ", "\n\n\n", "\t", "\x00", "\x00\x01\x02\x1b[31mred", "\u200b\u200c\u200d\ufeff",
    "\ud7ff", "🙂" * 50, "👩🏽‍⚕️🚑💉", "مرحبا كيف أصبح ممرضة", "שלום", "नर्स कैसे बनें",
    "Zalgo h̸̢̛e̴͇̓l̶̰̈p̵̣̈́", "\u202eevil\u202c", "a" * 10_000, ("word " * 2_000).strip(),
    "{", "}", '{"sender": "x"}', '"', "'", "\\", "\\u0000", '\\"}', "]}", "null", "[]", "true",
    "/", "//", "/choose", "/choose{", '/choose{"booking_session":"999999"}',
    '/choose{"booking_session":"-1"}', '/choose{"booking_session":"1; DROP TABLE bookings"}',
    '/cancel_booking{"booking_ref":"TD-ZZZZ"}', '/accept_offer{"booking_ref":"\' OR 1=1 --"}',
    '/EXTERNAL_booking_notice{"notice_ref":"TD-2222","notice_kind":"offer"}',
    '/ask_role_pay{"role":"' + "x" * 300 + '"}', "/nlu_fallback", "/restart", "/session_start",
    "/book_event{not json}", "/greet" * 100, "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>", "'; DROP TABLE roles; --", "${jndi:ldap://x}",
    "{{7*7}}", "%s%s%s%n", "../../etc/passwd", "NaN", "-1", "1e309", str(2**64),
    "ＦＵＬＬＷＩＤＴＨ ｎｕｒｓｅ", "NURSE!!!!!!!", "nurse" * 500, "é" * 3000,
]


def inputs(n: int = 1000, seed: int = 7) -> list[str]:
    rnd = random.Random(seed)
    out = list(ADVERSARIAL)
    alphabet = [chr(c) for c in range(32, 0x2FF)] + ["🙂", "\u0301", "\n", "\u00a0", "\u2028"]
    while len(out) < n:
        kind = rnd.randrange(5)
        if kind == 0:  # random characters
            out.append("".join(rnd.choice(alphabet) for _ in range(rnd.randrange(1, 80))))
        elif kind == 1:  # a real question with typos
            s = list(rnd.choice(REAL))
            for _ in range(rnd.randrange(1, 4)):
                if s:
                    s[rnd.randrange(len(s))] = rnd.choice("abcdefghijklmnopqrstuvwxyz ")
            out.append("".join(s))
        elif kind == 2:  # a real question wrapped in junk
            out.append(rnd.choice(ADVERSARIAL)[:200] + rnd.choice(REAL) + rnd.choice(ADVERSARIAL)[:200])
        elif kind == 3:  # control characters and surrogates-in-disguise
            out.append("".join(chr(rnd.randrange(0, 32)) for _ in range(rnd.randrange(1, 20))))
        else:  # payload-shaped strings
            out.append("/" + rnd.choice(["choose", "affirm", "book_event", "ask_role_info",
                                         "cancel_booking", "x"]) +
                       rnd.choice(["", "{", '{"role":', '{"booking_ref":"TD-', "{}}", '{"a":1}']))
    return out[:n]
