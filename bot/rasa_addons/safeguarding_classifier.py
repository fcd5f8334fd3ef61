"""NLU component: a message that discloses a risk becomes intent `safeguarding_disclosure`.

It runs last in the pipeline, after DIET and the FallbackClassifier, so the rules in
bot/safeguarding.py win over any other prediction, in any state of the conversation
(mid-form included). Only the intent changes; the text is not stored anywhere new.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.safeguarding import assess

INTENT_NAME = "safeguarding_disclosure"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SafeguardingClassifier(GraphComponent, IntentClassifier):
    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SafeguardingClassifier":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/") or not assess(text).flagged:
                continue
            top = {INTENT_NAME_KEY: INTENT_NAME, "confidence": 1.0}
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or []
                       if r.get(INTENT_NAME_KEY) != INTENT_NAME]
            message.set(INTENT, top, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [top, *ranking], add_to_output=True)
        return messages
