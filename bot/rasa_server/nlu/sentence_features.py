"""NLU component: the message's MiniLM sentence embedding as a dense sentence feature.

DIET learns intents on top of these vectors beside the word and character n-grams, so a
message that shares meaning but no words with the training data ("theyd all be fine without
me", "the one who takes x-rays") lands near its intent. The encoder is `bot.embeddings`, one
per process; the vector is also left on the message (not in the tracker) for the learned
safeguarding layer that runs later in the same pipeline.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.embeddings import encoder

EMBEDDING_KEY = "sentence_embedding"  # Message data only, never added to the output


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEmbeddingFeaturizer(DenseFeaturizer, GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # The vectors have length 1; `scale` weighs them against the n-gram counts beside them
        # for a linear classifier (chosen by measurement, docs/nlu.md).
        return {**DenseFeaturizer.get_default_config(), "scale": 1.0}

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> SentenceEmbeddingFeaturizer:
        return cls(execution_context.node_name, config)

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        pass

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._featurize([m for m in training_data.training_examples if m.get(TEXT)])
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        # Every message, an empty one too: the classifier after this needs the same features
        # for each (a blank message is then marked nlu_fallback by BlankMessageClassifier).
        self._featurize(messages)
        return messages

    def _featurize(self, messages: list[Message]) -> None:
        if not messages:
            return
        vectors = encoder().encode([m.get(TEXT) or "" for m in messages])
        for message, vector in zip(messages, vectors, strict=True):
            message.set(EMBEDDING_KEY, vector)
            scaled = np.asarray(vector)[None, :] * self._config["scale"]
            message.add_features(Features(scaled, FEATURE_TYPE_SENTENCE, TEXT, self._identifier))
