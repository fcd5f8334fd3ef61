"""NLU component: a message that discloses a risk becomes intent `safeguarding_disclosure`.

Two layers, either is enough: the rules in `bot/safeguarding.py` (precise, explainable) and the
learned layer in `bot/safeguarding_model.py` (logistic regression over the message's sentence
embedding, trained here from `bot/safeguarding_data/training*.yml`). It runs last in the
pipeline, after the intent classifier and the FallbackClassifier, so a disclosure wins over any
other prediction in any state of the conversation (mid-form included). What was heard goes to
the actions as two entities, `safeguarding_concern` (one per concern) and
`safeguarding_urgency` (`urgent` or `standard`); the text is not stored anywhere new. Lived
experience that is plainly over ("i used to self harm and now i want to be a nurse") keeps its
intent and gets a third entity, `safeguarding_check_in`: the answer comes with a gentle check-in.
"""
from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.rasa_server.nlu.sentence_features import EMBEDDING_KEY
from bot.safeguarding import read_rules
from bot.safeguarding_model import TRAINING_DIR, LearnedLayer, read_training, train, training_files
from bot.safeguarding_signals import CHECK_IN_ENTITY, CONCERN_ENTITY, URGENCY_ENTITY, Urgency, combine

logger = logging.getLogger(__name__)
INTENT_NAME = "safeguarding_disclosure"
_FILE = "learned_layer.npz"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class SafeguardingClassifier(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"training_folder": str(TRAINING_DIR)}

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """Retrain when the training messages or the training code change (Rasa sees neither)."""
        import bot.safeguarding_model as model

        digest = hashlib.sha256(Path(model.__file__).read_bytes())
        for path in training_files(Path(config.get("training_folder") or TRAINING_DIR)):
            digest.update(path.name.encode() + path.read_bytes())
        return digest.hexdigest()

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 layer: LearnedLayer | None = None) -> None:
        self._config = {**self.get_default_config(), **config}
        self._storage, self._resource, self._layer = model_storage, resource, layer

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> SafeguardingClassifier:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        from bot.embeddings import encoder

        everyday = [m.get(TEXT) for m in training_data.intent_examples
                    if m.get(INTENT) != INTENT_NAME and m.get(TEXT)]
        self._layer, calibration = train(read_training(Path(self._config["training_folder"])),
                                         encoder().encode, everyday=everyday)
        logger.info("safeguarding layer: threshold %.3f, held-back recall %.3f, false alarms %.3f (n=%d)",
                    calibration.threshold, calibration.recall, calibration.false_alarms,
                    calibration.held_back)
        with self._storage.write_to(self._resource) as folder:
            (folder / _FILE).write_bytes(self._layer.to_bytes())
        return self._resource

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> SafeguardingClassifier:
        try:
            with model_storage.read_from(resource) as folder:
                layer = LearnedLayer.from_bytes((folder / _FILE).read_bytes())
        except (ValueError, KeyError, FileNotFoundError):
            logger.warning("no learned safeguarding layer in the model: rules only")
            layer = None
        return cls(config, model_storage, resource, layer)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if not text or text.startswith("/"):
                continue
            reading = None
            if self._layer is not None:
                vector = message.get(EMBEDDING_KEY)
                if vector is None:
                    from bot.embeddings import encoder

                    vector = encoder().encode_one(text)
                reading = self._layer.read(text, vector)
            rules = read_rules(text)
            heard = combine(rules.disclosed, reading, text, lived=rules.lived)
            if heard.check_in:  # lived experience that is over: the intent stands, plus a check-in
                message.set(ENTITIES, [*(message.get(ENTITIES) or []), *(
                    {"entity": CHECK_IN_ENTITY, "value": c.value, "start": 0, "end": len(text),
                     "extractor": type(self).__name__} for c in heard.check_in)], add_to_output=True)
            if not heard.flagged:
                continue
            top = {INTENT_NAME_KEY: INTENT_NAME, "confidence": 1.0}
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or []
                       if r.get(INTENT_NAME_KEY) != INTENT_NAME]
            message.set(INTENT, top, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [top, *ranking], add_to_output=True)
            found = [{"entity": CONCERN_ENTITY, "value": c.value, "start": 0, "end": len(text),
                      "extractor": type(self).__name__} for c in heard.concerns]
            found.append({"entity": URGENCY_ENTITY, "value": heard.urgency.value, "start": 0,
                          "end": len(text), "extractor": type(self).__name__})
            message.set(ENTITIES, [*(message.get(ENTITIES) or []), *found], add_to_output=True)
        return messages


__all__ = ["SafeguardingClassifier", "Urgency"]
