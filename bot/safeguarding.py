"""Spot a disclosure that someone may not be safe, in one message. Standard library only (the Rasa
server's environment imports it too). 1. Normalise how young people type ("im", "wanna", "kms", "soooo").
2. Neutralise career talk, tight phrases only ("suicide prevention", "patients who self harm"), so a
disclosure beside them still counts; drop negations ("i'm not suicidal") and figures of speech.
3. Match first-person patterns; a match with no i/me/my/we is ignored when a third person is its subject.
When unsure we flag: a false alarm costs one kind message; a miss costs much more. Patterns are bounded
alternations (no nested unbounded repeats), so time grows linearly with length.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum


class Concern(str, Enum):
    SUICIDE = "suicide"
    SELF_HARM = "self_harm"
    ABUSE = "abuse"
    NEGLECT = "neglect"
    HOMELESS = "homeless"


ORDER = (Concern.SUICIDE, Concern.SELF_HARM, Concern.ABUSE, Concern.NEGLECT, Concern.HOMELESS)
_URGENT = frozenset({Concern.SUICIDE, Concern.SELF_HARM, Concern.ABUSE})


@dataclass(frozen=True)
class Assessment:
    concerns: tuple[Concern, ...] = ()

    @property
    def flagged(self) -> bool:
        return bool(self.concerns)

    @property
    def urgent(self) -> bool:
        """Suicide, self-harm or abuse: possible immediate danger."""
        return any(c in _URGENT for c in self.concerns)


# --- 1. normalising ---------------------------------------------------------------------------
_WORDS = dict(w.split("=") for w in (
    "im=i am|ive=i have|id=i would|wanna=want to|wana=want to|gonna=going to|gotta=got to|dont=do not|"
    "doesnt=does not|didnt=did not|cant=cannot|cnt=cannot|wont=will not|isnt=is not|hasnt=has not|"
    "havent=have not|wasnt=was not|arent=are not|aint=am not|wouldnt=would not|theres=there is|"
    "hes=he is|shes=she is|theyre=they are|u=you|ur=your|r=are|ppl=people|cos=because|coz=because|"
    "cuz=because|bc=because|n=and|nd=and|mom=mum|mam=mum|mummy=mum|mother=mum|mums=mum|father=dad|"
    "dads=dad|bf=boyfriend|gf=girlfriend|kms=kill myself|kys=kill yourself|kil=kill|k1ll=kill|"
    "noone=no one|no1=no one|sum1=someone|some1=someone|nite=night|tonite=tonight|2nite=tonight|"
    "myslef=myself|myslf=myself|mysef=myself|mysefl=myself|meself=myself|mself=myself|nothin=nothing|"
    "ded=dead|stepfather=stepdad|stepmother=stepmum|wiv=with|wit=with").split("|"))
_PHRASES = [(re.compile(p), r) for p, r in [
    (r"\bs[uo]i?[cs]{1,2}[iy]?d(?:e|es)?\b|\bsewer ?slide\b", "suicide"),
    (r"\bs[uo]i?[cs]{1,2}[iy]?d(?:i?al|ial)\b", "suicidal"),
    (r"\bself ?[-_]? ?harm|\bself injur\w*", "selfharm"),
    (r"\b(i|been|my|relapsed?|did|do|to|stop|started|keep|still|again|urges?) sh\b", r"\1 selfharm"),
    (r"\bsh (again|urges?|scars?|cuts?|marks?|relapse|wounds?)\b", r"selfharm \1"),
    (r"\b(i|i have|took an?|take an?) od(?:d|ed)?\b", r"\1 overdose"),
    (r"\bunalive(?:d)?(?: myself| my self)?\b", "kill myself"), (r"\bunaliving\b", "killing myself"),
    (r"\bmy self\b", "myself"), (r"\bstep (dad|mum)\b", r"step\1"),
    (r"\b(cutt|kill|hurt|harm|sleep|liv|burn|starv|surf|hitt|beat|touch|abus)in\b", r"\1ing"),
]]


def _normalise(text: str, keep: int) -> str:
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    text = re.sub(r"(\w)\1{2,}", r"\1" * keep, text)  # "soooo" -> "soo" (keep=2) or "so" (keep=1)
    text = re.sub(r"(?<=\w)'(?=\w)", "", text)  # i'm -> im, mum's -> mums
    text = re.sub(r"[^\w.!?;\n]+", " ", text)
    text = re.sub(r"\w+", lambda m: _WORDS.get(m.group(), m.group()), text)
    for pattern, repl in _PHRASES:
        text = pattern.sub(repl, text)
    return text


# --- 2. career talk, negation, figures of speech ----------------------------------------------
_TOPIC = (r"(?:suicid\w*|selfharm\w*|overdos\w*|(?:child |sexual |domestic )?abuse[ds]?|abusive|neglect\w*|"
          r"homeless\w*|rough sleep\w*|mental (?:health|illness)|crisis|safeguarding|domestic violence|"
          r"exploitation|grooming|trauma\w*|eating disorders?|addiction|camhs|wellbeing)")
_CAREER = (r"(?:prevention|awareness|nurs\w*|teams?|leads?|jobs?|roles?|careers?|work\w*|advis[eo]rs?|"
           r"services?|charit\w+|training|practitioners?|volunteer\w*|lines?|helplines?|outreach|officers?|"
           r"specialists?|course\w*|modules?|research\w*|projects?|units?|wards?|patients?|clients?|people|"
           r"cases|polic\w+|essays?|coursework|assignments?|professionals?|staff|hospitals?|counsell\w+|"
           r"therap\w+|first aid|sector|field|organisations?|shelters?|hostels?|campaigns?|pay|salary|band|"
           r"rates?|statistics|stats|kids|children|young people|teens|youth|adults|families|support|doctors?|"
           r"psychologists?|psychiatr\w+|paramedics?|social workers?|apprenticeships?|law|"
           r"qualifications?|degree|placements?)")
_OTHERS = (r"(?:people|patients|clients|kids|children|young people|someone|somebody|anyone|those|others|"
           r"friends?|families|teens|adults|users|individuals|person|men|women|girls|boys|students|pupils)")
_NOT_ME = r"(?:(?!(?:i|me|my|myself|we|because|but|and|so|history|past)\b)\w+ )"
_NEUTRAL = [re.compile(p) for p in [
    r"^(?:what is|what are|whats|what does|what do you mean by|what counts as|define|meaning of) (?:a |an "
    r")?(?:sofa surf\w*|couch surf\w*|rough sleep\w*|sleeping rough|grooming|neglect|abuse|selfharm\w*|"
    r"suicid\w*|domestic \w+)(?: mean)?$",                                 # what is sofa surfing
    rf"\b{_TOPIC} (?:\w+ )?{_CAREER}\b",                                   # suicide prevention (training)
    rf"\b{_CAREER} (?:in|into|for|with|within|around|on|about|of|supporting|helping|tackling|preventing|"
    rf"against|covering|is on|are on) {_NOT_ME}{{0,3}}{_TOPIC}(?! me\b)",   # work in mental health
    rf"\b{_OTHERS} (?:who|that|with|experiencing|affected by|at risk of|dealing with|going through|suffering "
    rf"from|struggling with|recovering from|feeling|are|were|being) {_NOT_ME}{{0,2}}{_TOPIC}"
    r"(?! me\b)",                                                           # patients who self harm
]]
_PREDICATE = {"i", "am", "been", "keep", "kept", "still", "started", "was", "were", "are", "feel",
              "feeling", "felt", "get", "getting", "we"}  # "i am homeless people ..." is not career talk
_OPT = r"(?:(?:really|ever|actually|even|honestly|feeling|currently|at all|planning to|going to) )?"
_NEGATED = re.compile(
    rf"\b(?:i am|am|i was|i have|i) (?:not|never|no longer) {_OPT}(?:suicidal|homeless|being abused|being "
    rf"hurt|in danger|selfharming|cutting|going to (?:kill|hurt) myself)\b|\b(?:not|never|no longer) "
    rf"{_OPT}suicidal\b|\b(?:do not|did not|would not|will not|would never|will never|never|am not going to|"
    rf"not going to) {_OPT}(?:want to die|want to kill myself|kill myself|selfharm\w*|hurt myself|cut myself|"
    rf"(?:attempt|commit) suicide|try to kill myself)\b")
_FIGURES = re.compile(
    r"\b(?:dying|die|died) (?:to|for|of (?:embarrassment|cringe|shame|laughter|laughing|boredom))\b|\bto die "
    r"for\b|\bkill(?:ing)? (?:it|for)\b|\bkiller\b|\bdie (?:my|your|her|his|it) hair\b"
    r"|\bdead (?:tired|bored|good|easy|hard|serious|keen|nice|funny|jealous)\b"
    r"|\bstarv\w* (?:myself )?of sleep\b|\boverdos\w* on (?:revision|netflix|memes|tiktok)\b"
    r"|\b(?:kicked|threw|thrown|chucked|sent) me out of (?:the )?(?:kitchen|lounge|lesson|class|maths|"
    r"english|science|french|spanish|pe|group chat|game|team)\b")


def _neutralise(clause: str) -> str:
    def swap(m: re.Match[str]) -> str:
        before = clause[max(0, m.start() - 20):m.start()].split()
        return m.group() if before and before[-1] in _PREDICATE else " topictalk "
    for pattern in _NEUTRAL:
        clause = pattern.sub(swap, clause)
    return " ".join(_FIGURES.sub(" ", _NEGATED.sub(" negated ", clause)).split())


# Lived experience that is over ("i used to self harm but i've been fine for years, can i be a
# nurse"): a time in the past, a plain word that it is behind them, and nothing that says it is
# back or still going on. The rules then leave the message to the learned layer, which has been
# taught such messages as career talk; "feeling exactly like that again" is never over.
_PAST = re.compile(
    r"\b(?:used to (?!it\b|this\b|that\b|them\b|him\b|her\b|being\b)|when i was|as a (?:kid|child|teen\w*)|"
    r"years ago|in year \d+|at \d{1,2}\b|in my teens|growing up|i was \d{1,2}\b|back in \d{4}|in \d{4}|"
    r"once when|as a teenager)")
# Not "it's fine" or "i'm ok" alone: that is how a disclosure is played down ("its fine tho").
_OVER = re.compile(
    r"\b(?:i have been|been) (?:fine|ok|okay|good|well|happy|settled|safe)\b|\b(?:fine|ok|okay|good|well|"
    r"happy|settled|safe|sorted|over|healed|better) now\b|\b(?:i am|its|it is|they are|all) (?:settled|"
    r"sorted|over|healed|fully recovered|recovered)\b|\bfine for (?:years|ages)\b|\bdoing (?:well|great|"
    r"really well)\b|\bin a (?:good|better|much better|great|really good) place\b|\bbehind me\b|\bmoved "
    r"on\b|\bgot out\b|\b(?:its|it has|its been|been|all) (?:sorted|dealt with)\b|\bhad (?:therapy|"
    r"counselling|lots of support)\b|\b\d+ years (?:clean|free)\b|\byears clean\b|\bgot (?:housed|adopted|"
    r"my own (?:flat|place|house))\b|\bmy own (?:flat|place)\b|\bout and safe\b|\bgot through it\b|\boff "
    r"selfharm for\b|\b(?:they are|are) (?:white|faded|healed)\b|\bold (?:selfharm )?scars\b"
    # what they went through has become what they want to do: "now i want to be a nurse"
    r"|\bnow i (?:want|wanna|would like|hope|plan|am going|m going|am|m) (?:to )?(?:be|become|train|"
    r"study|work|do|apply|training|studying|doing|working) (?:a|an|as|in|with|for|nursing|medicine|"
    r"mental|social|youth|psychology)\b|\bhelp(?:ing)? (?:people|others|young people|kids|children|teens)"
    r" (?:like me|who (?:went|are going|go) through)")
_NOT_OVER = re.compile(
    r"\b(?:again|relaps\w*|lately|recently|this (?:week|month|morning|year)|tonight|right now|rn|at the "
    r"moment|these days|every (?:day|night)|(?:is|are|came|comes|coming) back|started|starting|like that "
    r"again|urges?|cannot stop|can not stop)\b|(?<!can i )(?<!could i )(?<!will i )(?<!would i )(?<!do i )"
    r"(?<!should i )\bstill\b")


def _over(text: str) -> bool:
    return bool(_PAST.search(text) and _OVER.search(text) and not _NOT_OVER.search(text))


# --- 3. disclosures ---------------------------------------------------------------------------
_ME = frozenset({"i", "me", "my", "myself", "mine", "we", "us", "our"})
_THEY = frozenset(
    "who whom that they them he she his her people patients clients someone somebody anyone friend friends "
    "mate mates kids children person those others families teens teenagers students pupils adults users "
    "men women girls boys individuals nurses doctors paramedics staff topictalk brother sister cousin"
    .split())


def _near_me(topic: str) -> str:
    """i/my/me/we up to three words before a topic word, with no preposition or other person between."""
    stop = (r"about|on|with|into|in|for|of|who|that|people|patients|someone|help|helping|support|treat|topic|"
            r"subject|essay|project|dissertation|epq|coursework|assignment|research|presentation|module|"
            r"class|lesson|friend|mate|mum|dad|sister|brother|cousin|boyfriend|girlfriend|he|she|they|"
            r"patient|"
            r"client")
    return rf"\b(?:i|my|me|myself|we)\b (?:(?!(?:{stop})\b)\w+ ){{0,3}}{topic}"


_WHO = (r"(?:stepdad|stepmum|dad|mum|parents?|mum boyfriend|dad girlfriend|boyfriend|girlfriend|partner|"
        r"husband|ex|brother|stepbrother|sister|uncle|aunt|auntie|cousin|grandad|nan|carers?|"
        r"foster (?:carer|mum|dad|parents?)|teacher|coach|him|her|he|she)")
_NOT_BODY = (r"(?<!\bit )(?<!\bthat )(?<!\bthis )(?<!\bwhat )(?<!\bwhich )(?<!\bback )(?<!\bstory )"
             r"(?<!\breally )(?<!\bdeeply )(?<!\bwords )(?<!\bsong )(?<!\bfilm )")
_NOT_PLACE = (r"(?! of (?:the |my |our |a |that |this )?(?:class\w*|lessons?|school|college|uni\w*|"
              r"sixth form|course|room|chat|group|game|lectures?|club|team|shop|exams?|library|cinema|pub|"
              r"bar|party|match|lobby|server|discord|call|meetings?|lab|hall|gym|canteen|band|car)\b)")
_UNSAFE_HOME = (r"\b(?:home|(?:my|our) (?:house|home|flat)) is not safe\b|\bnot safe (?:at home|in my "
                r"(?:house|home)|to go home)\b|\bdo not feel safe (?:at home|in my (?:house|home)|there|"
                r"around (?:him|her|my \w+))\b|\b(?:scared|afraid|frightened|terrified) (?:to (?:go|be)|of "
                r"(?:going|"
                r"being)) (?:back )?(?:home|at home)\b")
_S, _H, _A, _N, _L = ORDER
_RULES: list[tuple[tuple[Concern, ...], re.Pattern[str]]] = [(c, re.compile(p)) for c, p in [
    ((_S,), r"\bkill(?:ing|ed)? myself\b|\b(?:end|ending|ended|take|taking|took) my (?:own )?life\b"
            r"|\bend(?:ing)? it all\b|\bhang(?:ing)? myself\b|\b(?:slit|cut|cutting) my wrists?\b|\b(?:want|"
            r"wanted|wanting|wish|ready|deserve|need|should|just) (?:to )?die\b|\brather (?:die|be dead)\b|"
            r"\b(?:want|wanted|wanting|rather|better off) (?:to )?(?:be )?dead\b"
            r"|\bbetter off (?:if i (?:was|were) (?:dead|gone|not here|not around)|without me)\b"),
    ((_S,), r"\bwish i (?:\w+ ){0,3}(?:dead|never born|not alive|die|disappear|not exist|not wake up|"
            r"never wake up|sleep forever|not here)\b|\bdisappear forever\b|\bwant to disappear\b|\bnever "
            r"wake up\b|\b(?:done with|sick of|tired of) (?:life|living|being alive)\b|\bnot worth living\b|"
            r"\bnot sure (?:if )?i want to (?:live|be here|be alive)\b|\b(?:history|past) of (?:suicid\w*|"
            r"overdos\w*)|\b(?:struggl\w*|dealing|suffer\w*|battl\w*|problems?|issues?|help me) with (?:my "
            r")?suicidal \w+|\bstop existing\b|\b(?:want|wanted) (?:it all|everything|it) to (?:end|stop)\b|"
            r"\b(?:pills|tablets|meds) saved up\b|\b(?:hoard|hoarding|saving up|stockpiling) (?:my |some "
            r")?(?:pills|tablets|meds)\b|\bgiv(?:e|ing) up on life\b|\b(?:cannot be bothered|hate being|sick "
            r"of being) (?:to live|alive)\b|\b(?:no one|"
            r"nobody) cares if i live or die\b|\b(?:i am|i feel like) (?:such )?a burden\b"),
    ((_S,), r"\b(?:do not|not|never|no longer|no more) want(?:ing)? to (?:be here|be alive|exist|wake up|"
            r"carry on|go on|keep going|be around any ?more|live(?! (?:in|with|at|near|away|abroad|there|on|"
            r"by|alone|far|close|somewhere|anywhere)\b))|\bcannot (?:go on(?! (?:a|an|the|holiday|placement|"
            r"my|that|this|to|with|it|them|trips?|courses?)\b)|carry on|keep going|do this any ?more|"
            r"cope any ?more|live like this|take (?:it|this|the pain|any of this) any ?more)\b"),
    ((_S,), r"\bno (?:point|reason) (?:in |to |of )?(?:living|live|life|being alive|being here|going on|"
            r"carrying on|waking up)\b|\b(?:what is|whats) the point (?:in |of )?(?:living|life|being alive|"
            r"me|even being here|carrying on|going on)\b|\b(?:do not|cannot) see (?:the|any) point (?:any "
            r"?more|in (?:living|life|anything|being alive|going on)|of (?:living|life))\b|\b(?:no one|"
            r"nobody) would (?:miss|care if) (?:me|i)\b|\bsuicide (?:note|plan|attempt)\b|\bgoodbye (?:note|"
            r"letter)s?\b|\b(?:jump|jumping|throw myself) (?:off|in front of) "
            r"(?:a|the) (?:bridge|building|roof|train|car|bus|cliff|car park)\b"),
    ((_S,), r"\b(?:thoughts?|think|thinking|thought) (?:of|about) (?:suicide|killing myself|dying|"
            r"ending (?:it|my life|things)|not being here)\b|\b(?:want|going|planning|plan|ready|decided|"
            r"thinking about|think about|thought about|thinking of) (?:to )?end(?:ing)? (?:it|things|"
            r"everything)\b|\b(?:feel|feeling|felt|been|so|really|very|getting|get|kinda|bit|quite|still|"
            r"always|actively) suicidal\b|\bsuicidal (?:again|tonight|today|now|lately|recently|atm|rn|"
            r"thoughts|feelings|urges|ideation)\b|^(?:help |please )?(?:suicid\w*|kill myself)(?: help| "
            r"please)?$"
            r"|\b(?:attempted|tried|commit|committing) suicide\b|" + _near_me(r"suicid\w*")),
    ((_H,), r"\b(?:cut|cutting|cuts|burn|burning|burnt|burned|hurt|hurting|hurts|harm|harming|harmed|"
            r"scratch\w*|hit|hitting|punch\w*|starv\w*|bite|biting|punish\w*|bruis\w*) myself\b(?! "
            r"(?:playing|at (?:the )?(?:gym|football|rugby|training|work|netball)|in (?:a |the )?(?:match|"
            r"game|fall|"
            r"accident|pe)|falling|running|lifting|by accident|accidentally|shaving|cooking)\b)"),
    ((_H,), r"\b(?:i|been|keep|kept|started|start|still|relapsed|back to|went back to) cutting\b(?! (?:back|"
            r"down|out|off|up|corners?|costs?|edge|hair|class\w*|school|lessons?|it|the|a|paper|fabric|"
            r"onions?|veg\w*|wood|ties|them|him|her|in|through|my hair|grass|loose)\b)|\bcutting (?:again|my "
            r"(?:arms?|wrists?|legs?|thighs?|skin|stomach|body))\b|\b(?:i )?(?:cut|burnt|burned|burn|"
            r"scratched) (?:again|my (?:arms?|wrists?|legs?|thighs?|skin|stomach|body))\b|\bmy (?:cuts|scars|"
            r"burns)\b(?! from (?:surgery|an? operation|an? accident|acne|chicken ?pox|sport|football|a "
            r"fall)\b)|\b(?:feel like|want to|going to|need to|urges? to) (?:cut|cutting|burn)\b(?! (?:my "
            r"hair|it|the|down|back|out|costs?|ties|class|school|lessons?|off|corners|people|them|him|her|"
            r"you|a|an|some)\b)|\bcut (?:tonight|again)\b|\bcovered in (?:cuts|scars|burns)\b"
            r"|\b(?:till|until) i bleed\b|\bbleeding and (?:i )?cannot stop\b"),
    ((_H,), r"\bselfharm(?:ing|ed)? (?:again|tonight|today|last night|lately|recently|a lot|every day|urges|"
            r"more)\b|\b(?:started|start|keep|been|still|relapse\w*|urges? to|want to|need to|going to|"
            r"thinking about|think about|cannot stop) (?:\w+ )?selfharm\w*|^(?:help )?selfharm\w*$|"
            r"\b(?:history|past) of selfharm\w*|\b(?:struggl\w*|dealing|suffer\w*|battl\w*|problems?|issues?|"
            r"help me) with (?:my )?selfharm\w*|" + _near_me(r"selfharm\w*")),
    ((_H,), r"\b(?:i|i have|just|i just|have) (?:overdosed|taken an? overdose|took an? overdose|relapsed)\b"
            r"|\btook (?:an? )?overdose\b|\b(?:took|taken|take|swallowed|swallow|taking) (?:too many|loads "
            r"of|a load of|a lot of|a bunch of|all (?:of )?(?:my|the)|a whole (?:box|packet|bottle) of|\d+) "
            r"(?:pills|tablets|paracetamol|painkillers|meds|medication|sleeping pills)\b|"
            + _near_me(r"overdos\w*")),
    ((_A,), rf"{_NOT_BODY}(?<!\bthen )\bhit(?:s|ting)? me\b(?! (?:up|with)\b)|(?<=\w )beat(?:s|ing)? me\b"
            rf"(?! (?:at|in|to|by|on)\b)|\bbeat(?:s|ing)? me up\b|\bkick(?:s|ed|ing) me\b(?! (?:out|off)\b)|"
            rf"{_NOT_BODY}\b(?:hurt(?:s|ing)?|touch(?:es|ed|ing)?) me\b|\bto touch me\b"
            r"|\b(?:punch(?:es|ed|ing)?|slap(?:s|ped|ping)?|chok(?:es|ed|ing)|strangl(?:es|ed|ing)|abus(?:es|"
            r"ed|ing)|rap(?:es|ed|ing)|grab(?:s|bed|bing)|batter(?:s|ed|ing)?|molest(?:s|ed|ing)?|groom(?:s|"
            r"ed|ing)|blackmail(?:s|ed|ing)?|stalk(?:s|ed|ing)|whip(?:s|ped)?|smack(?:s|ed|ing)?|"
            r"starv(?:es|ed|ing)|threaten(?:s|ed|ing)?) me\b|\block(?:s|ed)? me (?:in|out)\b"
            r"|\b(?:threw|throws?|throwing|shov(?:es|ed|ing)|push(?:es|ed|ing)|slam(?:s|med|ming)|"
            r"chuck(?:s|ed|ing)|drag(?:s|ged|ging)) me (?:into|against|across|onto|down|to) (?:the |a |my )?"
            r"(?:wall|door|floor|ground|table|cupboard|wardrobe|window|stairs|fridge|radiator|bed|sofa)\b"),
    ((_A,), r"\bi (?:was|have been|got|am being|been|am|get|keep getting) (?:raped|molested|sexually "
            r"(?:abused|assaulted)|assaulted|groomed|trafficked|exploited|abused|attacked|stabbed|beaten up|"
            r"battered|strangled|choked|threatened|blackmailed)\b|\bbeing (?:abused|groomed|hit|hurt|beaten|"
            r"threatened|blackmailed|exploited|trafficked|touched|controlled|stalked)\b|\b(?:get|getting|got|"
            r"being) (?:hit|beaten|hurt|kicked|punched|slapped) at home\b|\bi (?:was|have been|got|am being|"
            r"am|get|keep getting|been) (?:hit|hurt|beaten|kicked|punched|slapped|touched) by (?:my|him|her|"
            r"them|someone|somebody|people|an? (?:man|guy|boy|lad|woman|girl|older))\b|\bi am (?:a |an "
            r")?(?:\w+ )?victim\b|\bsexual(?:ly)? (?:abused|assaulted)\b"
            r"|\b(?:told|tell|tells|telling) me to kill (?:myself|yourself)\b"),
    ((_A,), r"\b(?:make|making|forcing|forced|forces|makes|pressuring|pressured|pressures|blackmailing|"
            r"blackmailed|threatening) me (?:to |in to |into )?(?:send|have sex|sleep with|sell|carry|"
            r"deliver|drop off|hold|touch|watch|keep (?:it |this )?(?:a )?secret|do (?:sexual|stuff|things|"
            r"sex|drugs|it|something|what)|take (?:drugs|pills|photos|pics|pictures)|meet|steal)\b|"
            r"\b(?:being|been|was|am|get|got|getting) (?:forced|made|pressured|groomed|threatened) (?:in)?to "
            r"(?:sell|carry|deliver|hold|have sex|sleep with|send|do (?:sexual|stuff|things|sex|drugs)|take "
            r"(?:drugs|pics|photos))\b|\bnudes\b|\b(?:asking|asks|asked|wants|keeps asking|want) me "
            r"(?:for|to send) (?:\w+ )?(?:pics|pictures|photos|videos|vids|snaps|selfies)\b"),
    ((_A,), rf"\bthreaten\w* (?:me|to (?:kill|hurt|hit|beat|stab|share|leak|post|send|tell))\b"
            rf"|\b(?:bullied|harassed|followed) and (?:threatened|hit|hurt|attacked)\b|\bsaid (?:he|she|they|"
            rf"hell|shell|theyll)(?: is| are| would| will| ll| d)?(?: going to)? (?:kill|hurt|hit|beat|stab) "
            rf"me\b|\b(?:going to|will) (?:hurt|hit|beat|stab|batter) me\b|\b(?:scared|afraid|frightened|"
            rf"terrified|petrified) (?:to death )?of (?:my )?{_WHO}\b(?! (?:finding|reaction|knowing|seeing|"
            rf"being disappointed)\b)|\bdomestic (?:abuse|violence) (?:at|in) (?:my |our )?(?:home|house)\b|"
            rf"\b(?:there is|we have|living with|live with) domestic (?:abuse|violence)\b|\b{_WHO} (?:hits|"
            rf"beats|hurts|attacks|chokes|abuses|strangles|punches|batters|kicks|slaps) (?:my )?(?:mum|dad|"
            rf"sister|brother|nan|stepmum|siblings?|little \w+)\b|\babusive (?:home|household|"
            rf"relationship)\b|\bmy (?:\w+ ){{0,2}}(?:is|are) (?:really |so |very )?abusive\b|\bmy abusive\b|"
            rf"\b{_WHO} (?:gets|is|goes|can be|turns) (?:really |very |so )?violent\b|\b(?:said|told me|"
            rf"tells me|says) (?:not to|to not|never to) tell (?:anyone|anybody|my|no one)\b"
            rf"|\bour (?:little )?secret\b"),
    ((_A, _L), _UNSAFE_HOME),
    ((_N,), r"\bno food (?:at home|in the house|in (?:the|our) (?:flat|fridge|cupboards?)|for (?:days|"
            r"\w+ days|ages))\b|\b(?:there is|we have|we got|i have|got) no (?:food|money for food|heating|"
            r"electric|electricity|gas|hot water)\b|\bnever (?:any )?food (?:at home|in (?:the|our) house)\b|"
            r"\bnothing to eat\b(?! (?:at|in) (?:the )?(?:canteen|cafe|work|school|college|hospital)\b)|"
            r"\b(?:not|never) (?:eaten|had (?:any )?(?:food|a meal|anything to eat)) (?:properly |anything "
            r")?(?:in|for|since) (?:days|a week|\w+ days|ages|yesterday|\d+ days)\b"
            r"|\bhave to steal food\b|\b(?:do not|never|not) (?:get|getting) fed\b"),
    ((_N,), r"\b(?:left|leaves|leave) (?:me )?(?:home )?(?:alone|on my own|by myself|home alone) (?:for|all) "
            r"(?:days|a week|weeks|the weekend|\w+ days|\d+ days|night|nights)\b|\b(?:mum|dad|parents?|"
            r"carers?|they|she|he) (?:has |have )?(?:not|never) (?:been|come|came) (?:back|home)\b|\bnot "
            r"been back for \w+ days\b|\bbeen gone for (?:days|a week|\w+ days|\d+ days)\b|\b(?:no one|"
            r"nobody) (?:looks after|is looking after|takes care of|feeds|cares for|cooks for|looking after) "
            r"me\b|\b(?:i am|am|being) not (?:being )?(?:properly )?looked after\b(?! (?:child|children|"
            r"young|kid|status|by the)\b)|\b(?:mum|dad|parents?|carers?) (?:is|are) (?:always |often "
            r")?(?:drunk|high|off (?:her|his|their) face|passed out|wasted)\b|\bneglect(?:s|ed|ing)? me\b"
            r"|\bi (?:was|am|have been|am being|get|got) neglected\b"),
    ((_L,), r"\bnowhere (?:safe )?(?:else )?to (?:sleep|stay|live|go)\b(?! (?:in|with) (?:my |this |the |"
            r"life|career))|\bno (?:place|home|bed) to (?:sleep|stay|go|live)\b|\b(?:i|we) (?:have|got) no "
            r"(?:home|house|bed|roof)\b|\b(?:losing|lose|lost) (?:my|our) (?:home|flat|house|room|place)\b"),
    ((_L,), r"\b(?:(?:kick|kicks|kicked|kicking|throw|throws|threw|thrown|chuck|chucks|chucked|turf|turfed) "
            r"me|(?:got|get|been|was|were|am|being|getting|be) (?:kicked|thrown|chucked|turfed)) out\b"
            + _NOT_PLACE + r"|\bkicked out (?:of (?:home|the house|my (?:house|home|flat|mum|dad|place|"
            r"placement|foster \w+))|last night|tonight|today|yesterday)\b"),
    ((_L,), r"\b(?:sofa|couch) ?surf\w*|\brough sleeping\b|\b(?:sleeping|slept|sleep|living|live|lived|"
            r"ended up|end up|stuck|been|am) (?:rough|outside|on the streets?|in a doorway|in (?:a|my|the|"
            r"his|her|someones) (?:car|park|tent|station|bus station|stairwell|doorway|shed|garage))\b|"
            r"\b(?:sleeping|staying|crashing|kipping|slept|sleep|stay|crash|kip) on (?:\w+ ){0,2}(?:sofa|"
            r"couch|floor|settee)(?:e?s)?\b|\bhomeless (?:now|tonight|atm|rn|again|right now|at the moment|"
            r"since)\b|\b(?:i am|i have been|we are|were|i was|i became|i will be|going to be|about to be|"
            r"basically|literally|technically|are) homeless\b|" + _near_me(r"homeless\b")),
    ((_L,), r"\b(?:got|been|being|get|getting|was|were|are|am|we|i) evicted\b|\bevicting (?:me|us)\b"
            r"|\b(?:cannot|not allowed to|will not let me) (?:go|come) (?:back )?home\b(?! (?:until|till|yet|"
            r"early|before|for lunch|at lunch)\b)|\b(?:foster )?placement (?:has )?(?:broke|broken|breaking|"
            r"is breaking) down\b|\b(?:told|telling|tells) me to (?:leave|get out of) (?:home|the house|my "
            r"(?:home|house))\b|\btold me to pack my (?:bags|stuff)\b|\bnot safe (?:here|there|where i "
            r"(?:live|am|stay))\b|\b(?:hostel|flat|room|place|placement) is not safe\b|\b(?:ran|run|running) "
            r"away from (?:home|my (?:house|home|foster \w+|placement|carers?))\b|\bleft home because\b"),
]]


def _concerns_in(clause: str) -> set[Concern]:
    found: set[Concern] = set()
    for concerns, pattern in _RULES:
        if found.issuperset(concerns):
            continue
        for m in pattern.finditer(clause):
            if _ME.isdisjoint(m.group().split() + clause[m.end():m.end() + 30].split()[:2]):
                before = clause[max(0, m.start() - 60):m.start()]  # no i/me/my: who is the subject?
                window = before.split()[-3:]
                they = [i for i, w in enumerate(window) if w in _THEY]
                if (they and _ME.isdisjoint(window[they[-1] + 1:]) and {"i", "me"}.isdisjoint(window)
                        and not re.search(r"\b(?:me and|and i|we)\b", before[-40:])):
                    continue  # "patients who want to die", "my friend got kicked out"
            found.update(concerns)
            break
    return found


def assess(text: str) -> Assessment:
    """Concerns disclosed in ``text``, most urgent first; empty when none."""
    return read_rules(text).disclosed


@dataclass(frozen=True)
class RulesReading:
    """What the rules heard: a disclosure, or lived experience that is plainly over ("i used to
    self harm and now i want to be a nurse": a gentle check-in beside the career answer)."""

    disclosed: Assessment = Assessment()
    lived: Assessment = Assessment()


def read_rules(text: str) -> RulesReading:
    if not text or not text.strip():
        return RulesReading()
    normalised = {keep: _normalise(text, keep) for keep in (2, 1)}  # "kiiill" keeps 2, "dieeee" 1
    if _over(normalised[2]):
        return RulesReading(lived=_scan(normalised))
    return RulesReading(disclosed=_scan(normalised))


def _scan(normalised: dict[int, str]) -> Assessment:
    found: set[Concern] = set()
    for keep in (2, 1):
        for clause in re.split(r"[.!?;\n]+", normalised[keep]):
            clause = " ".join(clause.split())
            if clause:
                found |= _concerns_in(_neutralise(clause))
    return Assessment(tuple(c for c in ORDER if c in found))
