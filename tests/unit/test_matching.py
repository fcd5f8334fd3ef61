"""bot.matching: finding NHS roles in free text (no Rasa, no database)."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.matching import Candidate, RoleEntry, RoleMatcher

ROLES = [
    RoleEntry("paramedic", "Paramedic", ("ambulance paramedic",)),
    RoleEntry("adult-nurse", "Nurse", ("adult nurse", "registered nurse", "staff nurse", "RN")),
    RoleEntry("childrens-nurse", "Children's nurse", ("paediatric nurse", "child nurse")),
    RoleEntry("mental-health-nurse", "Mental health nurse", ("psychiatric nurse", "RMN")),
    RoleEntry("learning-disability-nurse", "Learning disability nurse"),
    RoleEntry("nursing-associate", "Nursing associate"),
    RoleEntry("healthcare-assistant", "Healthcare assistant",
              ("HCA", "healthcare support worker", "care assistant")),
    RoleEntry("operating-department-practitioner", "Operating department practitioner",
              ("ODP", "theatre practitioner")),
    RoleEntry("occupational-therapist", "Occupational therapist", ("OT",)),
    RoleEntry("physiotherapist", "Physiotherapist", ("physio", "physical therapist")),
    RoleEntry("speech-and-language-therapist", "Speech and language therapist",
              ("SLT", "SALT", "speech therapist")),
    RoleEntry("midwife", "Midwife", ("community midwife",)),
    RoleEntry("maternity-support-worker", "Maternity support worker", ("maternity care assistant",)),
    RoleEntry("diagnostic-radiographer", "Diagnostic radiographer"),
    RoleEntry("therapeutic-radiographer", "Therapeutic radiographer"),
    RoleEntry("dietitian", "Dietitian", ("dietician",)),
    RoleEntry("porter", "Porter", ("hospital porter",)),
    RoleEntry("general-practitioner", "General practitioner", ("GP", "family doctor")),
    RoleEntry("surgeon", "Surgeon", ("consultant surgeon", "surgical doctor")),
    RoleEntry("pharmacist", "Pharmacist", ("chemist",)),
    RoleEntry("pharmacy-technician", "Pharmacy technician"),
    RoleEntry("biomedical-scientist", "Biomedical scientist", ("BMS",)),
    RoleEntry("clinical-coder", "Clinical coder"),
    RoleEntry("emergency-care-assistant", "Emergency care assistant", ("ECA",)),
    RoleEntry("dental-nurse", "Dental nurse"),
    RoleEntry("dentist", "Dentist"),
    RoleEntry("dental-hygienist", "Dental hygienist"),
    RoleEntry("psychological-wellbeing-practitioner", "Psychological wellbeing practitioner", ("PWP",)),
    RoleEntry("clinical-psychologist", "Clinical psychologist"),
    RoleEntry("physician-associate", "Physician associate", ("PA",)),
    RoleEntry("health-visitor", "Health visitor"),
    RoleEntry("podiatrist", "Podiatrist", ("chiropodist",)),
    RoleEntry("orthoptist", "Orthoptist"),
    RoleEntry("phlebotomist", "Phlebotomist"),
    RoleEntry("sonographer", "Sonographer"),
    RoleEntry("paediatrician", "Paediatrician", ("children's doctor", "pediatrician")),
]


@pytest.fixture(scope="module")
def matcher() -> RoleMatcher:
    return RoleMatcher(ROLES)


# -- one role, found by best() ------------------------------------------------------------------
SINGLE = [
    # plain titles, any case, with and without punctuation
    ("paramedic", "paramedic"),
    ("Paramedic", "paramedic"),
    ("PARAMEDIC", "paramedic"),
    ("how do i become a paramedic", "paramedic"),
    ("How do I become a paramedic?", "paramedic"),
    ("what does a phlebotomist do", "phlebotomist"),
    ("tell me about being a porter please", "porter"),
    ("whats a sonographer", "sonographer"),
    ("orthoptist!!!", "orthoptist"),
    ("Health Visitor", "health-visitor"),
    ("clinical coder", "clinical-coder"),
    ("I want to be a dentist", "dentist"),
    # plurals and other inflections
    ("paramedics", "paramedic"),
    ("what do midwives earn", "midwife"),
    ("Physiotherapists", "physiotherapist"),
    ("pharmacists", "pharmacist"),
    ("surgeons", "surgeon"),
    ("dental nurses", "dental-nurse"),
    ("biomedical scientists", "biomedical-scientist"),
    ("I want to study nursing", "adult-nurse"),
    ("nursing associates", "nursing-associate"),
    ("learning disabilities nurse", "learning-disability-nurse"),
    # abbreviations and short aliases, whole tokens, any case, plural or possessive
    ("HCA", "healthcare-assistant"),
    ("hca", "healthcare-assistant"),
    ("HCAs", "healthcare-assistant"),
    ("an HCA's pay", "healthcare-assistant"),
    ("ODP", "operating-department-practitioner"),
    ("whats an odp", "operating-department-practitioner"),
    ("OT", "occupational-therapist"),
    ("can I be an OT", "occupational-therapist"),
    ("physio", "physiotherapist"),
    ("physios", "physiotherapist"),
    ("GP", "general-practitioner"),
    ("how long to train as a gp", "general-practitioner"),
    ("SLT", "speech-and-language-therapist"),
    ("SALT", "speech-and-language-therapist"),
    ("PWP", "psychological-wellbeing-practitioner"),
    # possessives, apostrophes, hyphens, ampersands, spacing
    ("children's nurse", "childrens-nurse"),
    ("childrens nurse", "childrens-nurse"),
    ("Children\u2019s Nurses", "childrens-nurse"),
    ("childrens' nurses", "childrens-nurse"),
    ("speech-and-language therapist", "speech-and-language-therapist"),
    ("speech & language therapists", "speech-and-language-therapist"),
    ("health care assistant", "healthcare-assistant"),
    ("physio therapist", "physiotherapist"),
    ("nursing-associate", "nursing-associate"),
    # typos
    ("paramedik", "paramedic"),
    ("how do i become a paramedik", "paramedic"),
    ("physiotherapsit", "physiotherapist"),
    ("midwif", "midwife"),
    ("wanna be a midwif", "midwife"),
    ("dietitain", "dietitian"),
    ("orthopist", "orthoptist"),
    ("sonographar", "sonographer"),
    ("flebotomist", "phlebotomist"),
    ("mental helth nurse", "mental-health-nurse"),
    ("speech and langauge therapist", "speech-and-language-therapist"),
    ("theatre practioner", "operating-department-practitioner"),
    ("pharmasist", "pharmacist"),
    # slang-ish and chatty
    ("wanna be a midwife", "midwife"),
    ("im thinking bout bein a porter lol", "porter"),
    ("gonna apply 2 be a HCA", "healthcare-assistant"),
    ("yo what do paramedics get paid", "paramedic"),
    ("my nan was a nurse", "adult-nurse"),
    # longest match wins
    ("nursing associate", "nursing-associate"),
    ("I'm interested in becoming a nursing associate", "nursing-associate"),
    ("children's nurse jobs", "childrens-nurse"),
    ("mental health nurse", "mental-health-nurse"),
    ("dental nurse", "dental-nurse"),
    ("healthcare support worker", "healthcare-assistant"),
    ("maternity support workers", "maternity-support-worker"),
    ("emergency care assistant", "emergency-care-assistant"),
    ("ambulance paramedic", "paramedic"),
    ("pharmacy technician", "pharmacy-technician"),
]


@pytest.mark.parametrize("text, slug", SINGLE)
def test_best_finds_the_role(matcher: RoleMatcher, text: str, slug: str) -> None:
    found = matcher.best(text)
    assert found is not None, text
    assert found.slug == slug
    assert matcher.match(text)[0].slug == slug
    assert matcher.find_all(text) == [found]


@pytest.mark.parametrize("text", ["paramedics", "HCA", "children's nurse", "physio therapist"])
def test_exact_matches_score_100(matcher: RoleMatcher, text: str) -> None:
    found = matcher.best(text)
    assert found is not None and found.exact and found.score == 100


@pytest.mark.parametrize("text", ["paramedik", "physiotherapsit", "midwif", "mental helth nurse"])
def test_typos_are_fuzzy_and_score_below_100(matcher: RoleMatcher, text: str) -> None:
    found = matcher.best(text)
    assert found is not None and not found.exact and 80 <= found.score < 100


@pytest.mark.parametrize("text, matched", [
    ("How do I become a PARAMEDIK?", "PARAMEDIK"),
    ("what's a children\u2019s nurse", "children\u2019s nurse"),
    ("tell me about speech-and-language therapists!", "speech-and-language therapists"),
    ("an HCA's job", "HCA"),
    ("health care assistant role", "health care assistant"),
    ("I'm interested in becoming a nursing associate", "nursing associate"),
])
def test_matched_is_the_span_of_the_original_message(matcher: RoleMatcher, text: str, matched: str) -> None:
    found = matcher.best(text)
    assert found is not None and found.matched == matched


def test_candidate_carries_the_title(matcher: RoleMatcher) -> None:
    expected = Candidate("healthcare-assistant", "Healthcare assistant", 100.0, "hca", True)
    assert matcher.best("hca") == expected


# -- nothing --------------------------------------------------------------------------------
NOTHING = [
    "", "   ", "hello", "hi", "Hiya", "thanks", "thank you!", "what", "what can you do",
    "how much do they earn", "pay", "money", "job", "work", "I like science", "\U0001F642",
    "asdfgh", "?!", "can I do an apprenticeship", "do you need a degree", "tell me about the NHS",
    "I want to work with animals", "my mum works in a nursery", "how long does training take",
    "salt and pepper", "how much salt is in that", "poster", "my friend Denis", "purse",
    "it is what it is", "yes", "no", "ok cool", "band 5", "what's the pay like",
]


@pytest.mark.parametrize("text", NOTHING)
def test_no_role_named(matcher: RoleMatcher, text: str) -> None:
    assert matcher.match(text) == []
    assert matcher.best(text) is None
    assert matcher.find_all(text) == []


@pytest.mark.parametrize("text", ["", "hello", "thanks", "what", "pay", "money", "job", "work", "\U0001F642"])
def test_no_suggestions_for_small_talk(matcher: RoleMatcher, text: str) -> None:
    assert matcher.suggest(text) == []


@pytest.mark.parametrize("text", ["nurse", "nurses", "adult nurse", "mental nurse", "nurse. Associate"])
def test_a_nurse_word_alone_is_the_nurse(matcher: RoleMatcher, text: str) -> None:
    found = matcher.best(text)
    assert found is not None and found.slug == "adult-nurse"


def test_short_aliases_never_match_fuzzily_or_inside_words(matcher: RoleMatcher) -> None:
    for text in ("OTT", "ODPX", "HCAA", "GPT", "hat", "SLTX please", "gpa", "hotel", "bot", "opt"):
        assert matcher.best(text) is None, text


def test_short_alias_that_is_a_word_matches_only_in_its_written_case(matcher: RoleMatcher) -> None:
    assert matcher.best("SALT")
    assert matcher.best("SALTs")
    assert matcher.best("salt") is None
    assert matcher.best("Salt") is None


# -- several roles --------------------------------------------------------------------------
@pytest.mark.parametrize("text, slugs", [
    ("difference between a nurse and a nursing associate", ["adult-nurse", "nursing-associate"]),
    ("nursing associate vs nurse", ["nursing-associate", "adult-nurse"]),
    ("nurse or midwife", ["adult-nurse", "midwife"]),
    ("nurse/midwife", ["adult-nurse", "midwife"]),
    ("I'm an HCA and want to become a paramedic", ["healthcare-assistant", "paramedic"]),
    ("physios, OTs and SALTs",
     ["physiotherapist", "occupational-therapist", "speech-and-language-therapist"]),
    ("dentist or dental nurse or dental hygienist", ["dentist", "dental-nurse", "dental-hygienist"]),
    ("children's nurse vs paediatrician", ["childrens-nurse", "paediatrician"]),
    ("paramedik or emergency care assistant", ["paramedic", "emergency-care-assistant"]),
    ("a nurse, a nurse and a nurse", ["adult-nurse"]),
    ("mental health nurse or learning disability nurse?",
     ["mental-health-nurse", "learning-disability-nurse"]),
])
def test_find_all_in_order_of_appearance(matcher: RoleMatcher, text: str, slugs: list[str]) -> None:
    assert [c.slug for c in matcher.find_all(text)] == slugs
    assert {c.slug for c in matcher.match(text)} == set(slugs)


def test_best_is_none_when_two_roles_are_named(matcher: RoleMatcher) -> None:
    assert matcher.best("difference between a nurse and a nursing associate") is None
    assert matcher.best("a nurse, a nurse and a nurse") is not None


def test_match_deduplicates_and_limits(matcher: RoleMatcher) -> None:
    found = matcher.match("paramedic paramedics paramedik physio nurse midwife porter dentist", limit=3)
    assert len(found) == 3 and len({c.slug for c in found}) == 3
    assert found[0].score == 100


# -- ambiguous and near misses -----------------------------------------------------------------
@pytest.mark.parametrize("text", ["radiographer", "radiographers", "radiograper"])
def test_a_word_ending_two_titles_is_offered_not_chosen(matcher: RoleMatcher, text: str) -> None:
    assert matcher.best(text) is None
    assert matcher.find_all(text) == []
    found = matcher.match(text)
    assert {c.slug for c in found} == {"diagnostic-radiographer", "therapeutic-radiographer"}
    assert all(not c.exact and c.score < 80 for c in found)


@pytest.mark.parametrize("text, slug", [
    ("radiographer", "diagnostic-radiographer"),
    ("psychology", "clinical-psychologist"),
    ("pharmacy", "pharmacist"),
    ("working in pharmacy", "pharmacy-technician"),
    ("midwifery", "midwife"),
    ("nursery nurse", "adult-nurse"),
    ("dental", "dental-nurse"),
    ("ambulance", "paramedic"),
    ("phlebotomy", "phlebotomist"),
    ("mental health", "mental-health-nurse"),
    ("paramedik", "paramedic"),
])
def test_suggest_offers_near_misses(matcher: RoleMatcher, text: str, slug: str) -> None:
    found = matcher.suggest(text)
    assert slug in [c.slug for c in found]
    assert len(found) <= 3


def test_suggest_puts_confident_matches_first(matcher: RoleMatcher) -> None:
    assert matcher.suggest("nursing associate")[0].slug == "nursing-associate"


# -- building -------------------------------------------------------------------------------
def test_empty_catalogue_matches_nothing() -> None:
    empty = RoleMatcher([])
    assert empty.match("paramedic") == [] and empty.best("nurse") is None and empty.suggest("nurse") == []


def test_rebuilding_picks_up_edited_roles(matcher: RoleMatcher) -> None:
    edited = RoleMatcher([*ROLES, RoleEntry("anaesthetist", "Anaesthetist", ("gas doctor",))])
    assert edited.best("gas doctors").slug == "anaesthetist"
    assert matcher.best("gas doctors") is None
    assert RoleMatcher(ROLES[:1]).best("porter") is None


def test_duplicate_slugs_keep_the_first_entry() -> None:
    m = RoleMatcher([RoleEntry("porter", "Porter"), RoleEntry("porter", "Hospital porter")])
    assert m.best("porters").title == "Porter"


def test_title_beats_another_roles_alias() -> None:
    m = RoleMatcher([RoleEntry("a", "Midwife"), RoleEntry("b", "Community midwife", ("midwife",))])
    assert m.best("midwives").slug == "a"


def test_shared_matcher_is_safe_across_threads(matcher: RoleMatcher) -> None:
    texts = [t for t, _ in SINGLE] * 5
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda t: matcher.best(t).slug, texts))
    assert results == [s for _, s in SINGLE] * 5


# -- a full-size catalogue ------------------------------------------------------------------------
SPECIALTIES = (
    "cardiac renal neonatal stroke orthopaedic respiratory oncology community district school "
    "prison endoscopy dialysis palliative diabetes haematology dermatology audiology vascular "
    "urology sleep genetics virology immunology pathology radiotherapy rehabilitation continence "
    "infection-control tissue-viability neurology ophthalmology"
).split()
PROFESSIONS = ("physiologist", "specialist nurse", "support worker", "technician", "coordinator",
               "practitioner", "manager", "administrator", "scientist", "assistant")


def big_catalogue(size: int = 350) -> list[RoleEntry]:
    roles = list(ROLES)
    for spec in SPECIALTIES:
        for prof in PROFESSIONS:
            if len(roles) < size:
                title = f"{spec.replace('-', ' ')} {prof}"
                roles.append(RoleEntry(title.replace(" ", "-"), title.capitalize()))
    return roles


def test_350_roles() -> None:
    roles = big_catalogue()
    assert len(roles) == 350
    m = RoleMatcher(roles)
    cases = {
        "renal specialist nurses": "renal-specialist-nurse",
        "Cardiac Physiologist": "cardiac-physiologist",
        "cardiak physiologist": "cardiac-physiologist",
        "infection-control practitioners": "infection-control-practitioner",
        "tissue viability specialist nurse": "tissue-viability-specialist-nurse",
        "how do I become a neurology technician": "neurology-technician",
        "paramedik": "paramedic",
        "HCA": "healthcare-assistant",
        "nursing associate": "nursing-associate",
        "nurse": "adult-nurse",
    }
    for text, slug in cases.items():
        found = m.best(text)
        assert found is not None and found.slug == slug, text
    assert m.best("physiologist") is None          # ends 30+ titles: no single answer
    for text in ("hello", "how much do they earn", "thanks", "work", "pay"):
        assert m.match(text) == [], text
    assert [c.slug for c in m.find_all("renal physiologist or dialysis technician")] == [
        "renal-physiologist", "dialysis-technician"]
