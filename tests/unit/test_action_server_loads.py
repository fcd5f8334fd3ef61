"""The action server loads the actions package the way `rasa run actions` does: every custom
action in domain.yml is registered once, and no abstract base is instantiated (a base that
raised in ``name()`` stopped the whole server once, and only the end-to-end tests saw it)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

from actions.forms import RegistryFormValidation
from bot.forms.registry import FORMS

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text())


LOAD = ("import json; from rasa_sdk.executor import ActionExecutor; e = ActionExecutor(); "
        "e.register_package('actions'); print(json.dumps(sorted(e.actions)))")


def registered() -> set[str]:
    """The names a fresh action server serves (its own process, as `rasa run actions` starts:
    no class a test defined is in it)."""
    done = subprocess.run([sys.executable, "-c", LOAD], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, f"the actions package did not load:\n{done.stderr[-3000:]}"
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_the_action_server_registers_every_custom_action_in_the_domain():
    custom = {a for a in DOMAIN["actions"] if not a.startswith("utter_")}
    names = registered()
    assert custom <= names, f"in domain.yml, not served: {sorted(custom - names)}"
    assert names <= custom | {"action_validate_slot_mappings"}, \
        f"served, not in domain.yml: {sorted(names - custom)}"


def test_each_form_with_a_validator_is_served_under_its_registry_name():
    names = registered()
    served = {cls.form for cls in _concrete(RegistryFormValidation)}
    assert served, "no form validation found"
    for form_name in served:
        assert FORMS[form_name].validation_action in names


def test_a_base_that_names_no_form_is_abstract_and_never_served():
    class Base(RegistryFormValidation):  # like ManageFormValidation: shared code, no form
        pass

    class Concrete(Base):
        form = "erase_form"

    assert Base.__abstractmethods__ and not Concrete.__abstractmethods__
    assert Concrete().name() == FORMS["erase_form"].validation_action


def _concrete(base: type) -> list[type]:
    found, todo = [], list(base.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if not getattr(cls, "__abstractmethods__", None) and cls.__module__.startswith("actions."):
            found.append(cls)
    return found
