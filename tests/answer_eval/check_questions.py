"""Check and count the held-out answer-selection evaluation set (tests/answer_eval/questions.yml).

Run:  python tests/answer_eval/check_questions.py
It loads the YAML, checks every label against the answer-bank id list, the role-field field list and
the role slugs (seed roles files, read only for their '- slug:' lines, plus the slugs that will exist),
prints the counts the brief asks for, and exits non-zero if a hard check fails.
"""
import collections
import glob
import os
import re
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))

BANK_IDS = """
learning-support-fund lsf-study-in-england lsf-training-grant lsf-specialist-subject-payment
lsf-parental-support lsf-travel-and-accommodation lsf-exceptional-support-fund
tuition-fees-and-student-loans student-nurses-paid care-leaver-money apprentice-pay
what-is-agenda-for-change what-is-a-pay-band doctors-pay london-weighting-hcas unsocial-hours-pay
night-shifts shifts-and-weekends tattoos-piercings-uniform stress-and-staff-support men-in-nursing
men-in-midwifery women-in-surgery nursing-degree-apprenticeship apprenticeship-levels doctor-training-length
what-is-a-dbs-check nhs-jobs-how-to-apply supporting-statement person-specification nhs-values
values-based-interview references references-volunteering work-experience volunteering nhs-cadets
apprenticeship-entry-requirements working-at-16 criminal-record-dbs doctor-registration
international-applicants-visa overseas-professional-registration ucas-entry-grades access-to-he
changing-career mature-students part-time-study study-while-working disability-reasonable-adjustments
what-counts-as-disability dyslexia adhd-autism driving-licence driving-community-jobs
care-leaver-what-changes nhs-universal-family-programme guaranteed-interview-schemes
care-leaver-apprenticeship-bursary care-leaver-16-19-bursary care-leaver-he-bursary personal-adviser
newly-qualified-nurse-pay apprentice-minimum-wage pay-progression nhs-pension annual-leave flexible-working
bank-and-agency-work nhs-bursary-ended medical-students-bursary medicine-entry-requirements
ucat-admissions-test graduate-entry-medicine second-degree-funding t-levels-health
btec-for-healthcare-degrees gcse-resits-functional-skills gcse-equivalents routes-without-a-levels
find-an-apprenticeship apprenticeship-length vaccinations-occupational-health minimum-age-nhs-jobs
too-old-to-train own-mental-health english-language-requirements return-to-practice student-placements
staff-benefits religious-dress-uniform care-certificate nhs-interview-what-to-expect
men-and-women-in-healthcare work-experience-under-16 virtual-work-experience hca-without-experience
dbs-check-cost
""".split()

FIELDS = {"grades", "training_length", "earn_while_training", "learning_support_fund", "driving_licence",
          "working_pattern", "pay", "entry_requirements", "registration"}

WILL_EXIST = """
doctor sonographer optometrist dispensing-optician orthodontist cardiologist dermatologist neurologist
neonatal-nurse health-play-specialist assistant-practitioner advanced-clinical-practitioner
theatre-support-worker peer-support-worker mental-health-support-worker social-prescribing-link-worker
software-developer data-scientist cyber-security-specialist assistant-psychologist physician-assistant
""".split()

# Text-speak tokens and the deliberate misspellings used in the set (how "typos or text-speak" is counted).
TEXTSPEAK = set("""u ur r pls plz idk tbh rn wanna gonna im ive dont cant wont didnt doesnt isnt whats thats
theres theyre wat abt bc cos coz cuz ngl lol omg smth thx ty hav nd n b4 kinda yr yrs tho ppl dunno gotta
wud cud shud luv yh nah lmao skint uve lad lads sept""".split())
TYPOS = set("""apprenticship recieve paramadic midwifry radiograpy occupatonal nursin bursery diplomer
physiotheraphy wen becuase definately wether alot untill collage accomodation sonografer pharmasy
enviroment placment somthing advicer hopsital agender midwifes certifcate
dentle acctually""".split())

# "Multi-clause or a statement before the question": two or more sentences, or a clause joined by
# a comma / and / but / so / cos / because / if / while / when before or around the question.
CLAUSE = re.compile(r"[.,;!?]\s+\S"
                    r"|\b(but|so|cos|coz|because|and i|and im|and my|and want|if|while|when i|since)\b")


def slugs_from_roles():
    found = set()
    for path in glob.glob(os.path.join(REPO, "bot", "catalogue", "seed", "roles", "*.yaml")):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                m = re.match(r"^- slug:\s*[\"']?([A-Za-z0-9-]+)", line)
                if m:
                    found.add(m.group(1))
    return found


def main():
    path = os.path.join(HERE, "questions.yml")
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    slugs = slugs_from_roles() | set(WILL_EXIST)
    errors = []
    answers = collections.Counter()
    bank_ids = collections.Counter()
    role_field_roles = set()
    fields = collections.Counter()
    sources = collections.Counter()
    multi = typo = role_in_general = 0
    texts = set()
    for i, e in enumerate(data):
        where = f"entry {i + 1} ({e.get('text', '')[:40]!r})"
        for key in ("text", "answer", "source"):
            if not e.get(key):
                errors.append(f"{where}: missing {key}")
        extra = set(e) - {"text", "answer", "role", "field", "also_ok", "source"}
        if extra:
            errors.append(f"{where}: unknown keys {sorted(extra)}")
        text, ans = e.get("text", ""), e.get("answer")
        if text in texts:
            errors.append(f"{where}: duplicate text")
        texts.add(text)
        answers[ans] += 1
        if ans == "role-field":
            if e.get("field") not in FIELDS:
                errors.append(f"{where}: bad or missing field {e.get('field')!r}")
            if not e.get("role"):
                errors.append(f"{where}: role-field needs a role")
            role_field_roles.add(e.get("role"))
            fields[e.get("field")] += 1
        elif ans == "none":
            if e.get("field") or e.get("also_ok"):
                errors.append(f"{where}: none entries take no field or also_ok")
        else:
            if ans not in BANK_IDS:
                errors.append(f"{where}: unknown answer id {ans!r}")
            if e.get("field"):
                errors.append(f"{where}: field only goes with role-field")
            bank_ids[ans] += 1
            if e.get("role"):
                role_in_general += 1
        for other in e.get("also_ok") or []:
            if other not in BANK_IDS:
                errors.append(f"{where}: unknown also_ok id {other!r}")
            if other == ans:
                errors.append(f"{where}: also_ok repeats the answer")
        if e.get("role") and e["role"] not in slugs:
            errors.append(f"{where}: unknown role slug {e['role']!r}")
        src = e.get("source", "")
        if not src.startswith("http"):
            errors.append(f"{where}: source is not an address")
        sources[src] += 1
        words = re.findall(r"[a-z0-9£']+", text.lower())
        if CLAUSE.search(text.lower()) and len(words) >= 9:
            multi += 1
        if any(w.replace("'", "") in TEXTSPEAK or w in TYPOS for w in words):
            typo += 1

    n = len(data)
    bank_total = sum(bank_ids.values())
    over = {k: v for k, v in bank_ids.items() if v > 8}
    print(f"entries: {n}")
    print(f"answer-bank entries: {bank_total} across {len(bank_ids)} ids"
          f" (max per id {max(bank_ids.values())})")
    print(f"role-field entries: {answers['role-field']} across {len(role_field_roles)} roles; "
          f"fields used {len(fields)}/9: {dict(sorted(fields.items()))}")
    print(f"none entries: {answers['none']}")
    print(f"multi-clause or statement first: {multi} ({100 * multi / n:.0f}%)")
    print(f"typos or text-speak: {typo} ({100 * typo / n:.0f}%)")
    print(f"general (bank) questions naming a role: {role_in_general}")
    print(f"distinct source addresses: {len(sources)}")
    unused = sorted(set(BANK_IDS) - set(bank_ids))
    print(f"bank ids never the answer ({len(unused)}): {', '.join(unused) or '-'}")

    hard = list(errors)
    if n < 280:
        hard.append(f"fewer than 280 entries ({n})")
    if over:
        hard.append(f"ids used more than 8 times: {over}")
    if len(bank_ids) < 60:
        hard.append(f"fewer than 60 different ids ({len(bank_ids)})")
    if len(role_field_roles) < 25:
        hard.append(f"role-field covers fewer than 25 roles ({len(role_field_roles)})")
    if len(fields) < 9:
        hard.append(f"role-field misses fields: {sorted(FIELDS - set(fields))}")
    if multi < 0.25 * n:
        hard.append("fewer than 25% multi-clause")
    if typo < 0.20 * n:
        hard.append("fewer than 20% typos/text-speak")
    for h in hard:
        print("FAIL:", h)
    return 1 if hard else 0


if __name__ == "__main__":
    sys.exit(main())
