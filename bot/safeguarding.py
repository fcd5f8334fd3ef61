"""Spot a disclosure that someone may not be safe, in one message. Standard library only.

First-person, present-situation patterns per concern, after a normalisation pass for how young
people type. Career talk (jobs in mental health, suicide prevention, safeguarding, homelessness
services) is removed before matching, so it does not trigger, while a real disclosure inside a
career sentence still does. When unsure, we flag: a kind message costs little; a miss costs more.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

MAX_CHARS = 5000  # longer messages are checked in full, chunk by chunk


class Concern(str, Enum):
    SUICIDE = "suicide"
    SELF_HARM = "self_harm"
    ABUSE = "abuse"
    NEGLECT = "neglect"
    HOMELESS = "homeless"


ORDER = (Concern.SUICIDE, Concern.SELF_HARM, Concern.ABUSE, Concern.NEGLECT, Concern.HOMELESS)


@dataclass(frozen=True)
class Assessment:
    concerns: tuple[Concern, ...] = ()

    @property
    def flagged(self) -> bool:
        return bool(self.concerns)

    @property
    def urgent(self) -> bool:
        return bool({Concern.SUICIDE, Concern.SELF_HARM, Concern.ABUSE} & set(self.concerns))


_SPELLINGS = [
    (r"\bi'?m\b|\bim\b", "i am"), (r"\bi'?ve\b|\bive\b", "i have"), (r"\bi'?d\b", "i would"),
    (r"\bwanna\b", "want to"), (r"\bgonna\b", "going to"), (r"\bdont\b|\bdon't\b", "do not"),
    (r"\bcant\b|\bcan't\b", "cannot"), (r"\bwont\b|\bwon't\b", "will not"),
    (r"\bu\b", "you"), (r"\bur\b", "your"), (r"\bppl\b", "people"), (r"\bcoz\b|\bcuz\b", "because"),
    (r"\bkms\b", "kill myself"), (r"\bkys\b", "kill yourself"), (r"\bunalive\b", "kill"),
    (r"\bmyslef\b|\bmyslf\b|\bmeself\b", "myself"), (r"\bn\b", "and"), (r"\bthere'?s\b|\btheres\b", "there is"),
    (r"\bisn'?t\b|\bisnt\b|\bhasn'?t\b|\bhasnt\b|\bhaven'?t\b|\bhavent\b", "not"),
    (r"\bmum'?s\b", "mum"), (r"\bdad'?s\b", "dad"),
]

# Career and study talk: removed before matching (a disclosure elsewhere in the message stays).
_CAREER = re.compile(
    r"\b(?:work(?:ing)?|job|jobs|career|careers|role|roles|train(?:ing)?|course|courses|study(?:ing)?|"
    r"degree|volunteer(?:ing)?|nurse|nurses|practitioner|worker|workers|adviser|advisor|lead|team|"
    r"teams|services?|charity|charities|line|coursework|essay|project|awareness|prevention|"
    r"support\s+people|help(?:ing)?\s+(?:people|kids|children|others|patients|young\s+people))"
    r"\b[^.!?\n]{0,60}?\b(?:suicid\w*|self[\s-]?harm\w*|abuse\w*|abused|homeless\w*|neglect\w*|"
    r"crisis|mental\s+health|safeguarding|domestic\s+violence|rough\s+sleep\w*)"
    r"|\b(?:suicid\w*|self[\s-]?harm\w*|abuse\w*|homeless\w*|neglect\w*|safeguarding|crisis|"
    r"mental\s+health|domestic\s+(?:abuse|violence))\s+(?:prevention|nurse|nurses|nursing|team|"
    r"teams|lead|jobs?|roles?|careers?|workers?|adviser|advisor|services?|charit\w*|training|"
    r"awareness|practitioner|volunteer\w*|line|outreach|officer|specialist|course)\b",
    re.IGNORECASE)

_FIGURES = re.compile(  # everyday exaggeration
    r"\b(?:dying|die)\s+(?:to|for)\b|\bkill(?:ing)?\s+(?:me|for)\b(?!\s+myself)|\bdead\s+(?:tired|bored|"
    r"good|easy|hard)\b|\bkiller\b|\bsuicide\s+squad\b|\bkilling\s+it\b")

_NEGATED = re.compile(r"\bi am not (?:suicidal|going to (?:kill|hurt) myself)\b|\bnot suicidal\b"
                      r"|\bnever (?:self[\s-]?harm|hurt myself)\b")

_PATTERNS: dict[Concern, re.Pattern[str]] = {
    Concern.SUICIDE: re.compile(
        r"\bkill(?:ing)? myself\b|\bend(?:ing)? (?:it all|my life|things|it)\b|\bsuicid(?:al|e)\b|"
        r"\b(?:want|wish|going) to die\b|\bwant(?:ed)? to be dead\b|\bbetter off dead\b|"
        r"\b(?:do not|not|no longer|never) (?:want to )?(?:be|being) (?:here|alive)\b|"
        r"\bdo not want to (?:live|wake up|exist)\b|\bno (?:reason|point) (?:to|in) (?:live|living|"
        r"going on|being alive)\b|\btake my (?:own )?life\b|\bnot want to live\b|\bcan not go on\b|"
        r"\bcannot go on\b|\bwish i (?:was|were) (?:dead|never born)\b|\bhang myself\b|"
        r"\bif i (?:was|were) (?:dead|gone)\b|\bbetter off without me\b|\bjump(?:ing)? off (?:a|the) (?:bridge|building|roof)\b"),
    Concern.SELF_HARM: re.compile(
        r"\b(?:cut|cutting|burn|burning|hurt|hurting|harm|harming|scratch(?:ing)?|hit(?:ting)?|"
        r"starv(?:e|ing)) myself\b|\b(?:i|my|me)\b[^.!?]{0,20}\bself[\s-]?harm\w*\b|\bself[\s-]?harm\w* again\b|\bi (?:have been |am |keep |started )?"
        r"(?:cutting|sh)(?: again)?\b|\brelapsed\b|\b(?:i|my)\b[^.!?]{0,15}\boverdos\w*\b|\btook (?:too many|loads of|a load of) "
        r"(?:pills|tablets)\b|\bmy (?:cuts|scars)\b"),
    Concern.ABUSE: re.compile(
        r"\b(?:hits|hit|beats|beat|punches|punched|kicks|kicked|slaps|slapped|hurts|hurt|chokes|"
        r"strangled|touches|touched|abuses|abused|rapes?|raped|threatens|threatened|grabs)\s+me\b|"
        r"\bi (?:am being|was|got|have been) (?:abused|hit|beaten|raped|assaulted|groomed|hurt|attacked)\b|"
        r"\b(?:making|made|forcing|forced|pressur\w+) me (?:to )?(?:send|do|have sex|sleep|take|sell)\b|"
        r"\bsend (?:him |them |her )?(?:pics|pictures|nudes|photos)\b|\bscared (?:to go|of going) home\b|"
        r"\b(?:afraid|scared|frightened) of my (?:mum|dad|stepdad|stepmum|partner|boyfriend|girlfriend|"
        r"carer|foster|uncle|brother)\b|\bnot safe at home\b|\bsexual(?:ly)? (?:abused|assaulted)\b|"
        r"\bdomestic (?:abuse|violence) at home\b|\bsomeone (?:is )?touching me\b"),
    Concern.NEGLECT: re.compile(
        r"\bno food (?:at home|in the house)\b|\bnothing to eat\b|\b(?:have )?not eaten (?:in|for) "
        r"(?:days|\d+ days|two days|three days)\b|\b(?:left|been) (?:alone|on my own) for (?:days|"
        r"\d+ days|a week|weeks)\b|\b(?:mum|dad|parents?|carer) (?:has )?not (?:been|come) (?:back|home)\b|"
        r"\bnobody (?:looks after|feeds|cares for) me\b|\bno (?:heating|electric|electricity) and no food\b|"
        r"\bno one is looking after me\b|\bnot been back for \w+ days\b"),
    Concern.HOMELESS: re.compile(
        r"\bnowhere (?:safe )?to (?:sleep|stay|go|live)\b|\b(?:kicked|thrown|chucked|threw) (?:me )?out\b|"
        r"\bsofa[\s-]?surf\w*\b|\bsleeping (?:rough|on the streets?|in (?:a|my) car|in the park)\b|"
        r"\bsleeping on (?:my )?(?:\w+ )?(?:sofa|couch|floor)\b|\bi am homeless\b|\bhomeless (?:now|tonight)\b|"
        r"\bno(?:where| place) to live\b|\b(?:got|been|being) evicted\b|\bon the streets\b|"
        r"\bnot safe to go home\b|\bcannot go home\b"),
}


def _normalise(text: str) -> str:
    text = text.lower().replace("’", "'").replace("‘", "'")
    text = re.sub(r"(\w)\1{2,}", r"\1\1", text)  # "soooo" -> "soo"
    for pattern, repl in _SPELLINGS:
        text = re.sub(pattern, repl, text)
    return re.sub(r"\s+", " ", text)


def assess(text: str) -> Assessment:
    """Concerns disclosed in ``text``, most urgent first; empty when none."""
    if not text or not text.strip():
        return Assessment()
    found: set[Concern] = set()
    for start in range(0, len(text), MAX_CHARS):
        chunk = _normalise(text[start:start + MAX_CHARS + 200])
        chunk = _FIGURES.sub(" ", _CAREER.sub(" ", _NEGATED.sub(" ", chunk)))
        found.update(c for c, pattern in _PATTERNS.items() if pattern.search(chunk))
    return Assessment(tuple(c for c in ORDER if c in found))
