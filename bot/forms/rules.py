"""data/rules/forms.yml, written from the form registry: how every form ends, and what happens
when something else is said inside it.

A question is answered and the form asks its question again; a disclosure is answered and the
form waits for "carry on"; "stop" ends the form; asking for a person moves to the handoff form;
when the last question is answered the form's submit action runs.

    python -m bot.forms.rules          write the file (``make rules``)
    python -m bot.forms.rules --check  exit 1 if the committed file differs (``make rules-check``)
"""
from __future__ import annotations

import sys
from pathlib import Path

from bot.forms.registry import FORMS, QUESTIONS, Form

PATH = Path(__file__).resolve().parents[2] / "data" / "rules" / "forms.yml"
HEADER = """version: "3.1"
# Generated from bot/forms/registry.py by `make rules`: edit that, not this.
# One block per (form, interruption), and how each form ends.
rules:
"""


def _rule(name: str, form: str, steps: list[str]) -> str:
    body = "\n".join(f"      - {s}" for s in steps)
    return f"""  - rule: {name}
    condition:
      - active_loop: {form}
    steps:
{body}
"""


def rules_for(form: Form) -> list[str]:
    name = form.name
    out = [_rule(f"finish {name}", name, [
        f"action: {name}", "active_loop: null", "slot_was_set:\n          - requested_slot: null",
        f"action: {form.submit}"])]
    out += [_rule(f"{q} during {name}", name, [
        f"intent: {q}", f"action: {QUESTIONS[q]}", f"action: {name}", f"active_loop: {name}"])
        for q in form.answers]
    out.append(_rule(f"disclosure during {name}", name, [
        "intent: safeguarding_disclosure", "action: utter_safeguarding", "action: action_safeguarding"]))
    out.append(_rule(f"carry on with {name}", name, [
        "intent: carry_on", f"action: {name}", f"active_loop: {name}"]))
    out.append(_rule(f"stop {name}", name, ["intent: stop", "action: action_stop", "active_loop: null"]))
    if form.hands_off:
        out.append(_rule(f"ask for a person during {name}", name, [
            "intent: request_human", "action: action_stop", "active_loop: null",
            "action: handoff_form", "active_loop: handoff_form"]))
    return out


def render() -> str:
    return HEADER + "\n".join(r for form in FORMS.values() for r in rules_for(form))


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if PATH.exists() and PATH.read_text() == text:
            return 0
        print(f"{PATH.relative_to(PATH.parents[2])} is out of date with bot/forms/registry.py: "
              "run `make rules` and commit it", file=sys.stderr)
        return 1
    PATH.write_text(text)
    print(f"wrote {text.count('- rule:')} rules to {PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
