"""Decode one short utterance with an encoder window cut to its length.

faster-whisper pads every segment to Whisper's 30 s window, so a 4 s rep turn pays for 30 s of
encoder work, most of the cost of a turn on a CPU. Whisper's encoder takes shorter inputs;
cutting the window to the audio plus a short pad measured about 4x faster on the labelled set
at a WER within a point (bench/README.md). This module does that for one utterance, reusing
faster-whisper's own prompt building, suppression list and word alignment.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from faster_whisper import WhisperModel
from faster_whisper.audio import pad_or_trim
from faster_whisper.tokenizer import Tokenizer
from faster_whisper.transcribe import get_suppressed_tokens

MAX_SHORT_S = 28.0  # longer audio goes through faster-whisper's own 30 s windows
_PAD_FRAMES = 200  # 2 s of encoder context after the audio: fewer cut-off endings than 1 s
_FRAMES_PER_S = 100
# faster-whisper's defaults for attaching punctuation to the neighbouring word
_PREPEND = "\"'“¿([{-"
_APPEND = "\"'.。,，!！?？:：”)]}、"


@dataclass(frozen=True)
class ShortWord:
    text: str
    start: float
    end: float
    probability: float


class ShortWindowDecoder:
    """Greedy or beam decoding of one utterance under `MAX_SHORT_S` seconds."""

    def __init__(self, model: WhisperModel, prompt: str | None, hotwords: str | None,
                 beam_size: int) -> None:
        self._model = model
        self._tokenizer = Tokenizer(model.hf_tokenizer, model.model.is_multilingual,
                                    task="transcribe", language="en")
        self._suppress = get_suppressed_tokens(self._tokenizer, [-1])
        previous = self._tokenizer.encode(" " + prompt.strip()) if prompt else []
        self._prompt = model.get_prompt(self._tokenizer, previous, without_timestamps=True,
                                        hotwords=hotwords)
        self._beam_size = beam_size

    def decode(self, audio: np.ndarray, max_new_tokens: int = 224
               ) -> tuple[str, list[ShortWord]]:
        """Text and timed words (seconds from the start of `audio`); at most `max_new_tokens`
        tokens are generated (a looping decode runs to the limit, so a low one bounds it)."""
        features = self._model.feature_extractor(audio)
        frames = int(features.shape[-1])
        window = min(3000, math.ceil((frames + _PAD_FRAMES) / _FRAMES_PER_S) * _FRAMES_PER_S)
        encoded = self._model.encode(pad_or_trim(features, window))
        result = self._model.model.generate(
            encoded, [self._prompt], beam_size=self._beam_size,
            max_length=min(self._model.max_length,
                           len(self._prompt) + max(1, min(224, max_new_tokens))),
            suppress_blank=True, suppress_tokens=self._suppress,
        )[0]
        tokens = [t for t in result.sequences_ids[0] if t < self._tokenizer.eot]
        text = self._tokenizer.decode(tokens).strip()
        if not tokens:
            return "", []
        segments = [[{"seek": 0, "start": 0.0, "end": frames / _FRAMES_PER_S, "tokens": tokens}]]
        self._model.add_word_timestamps(segments, self._tokenizer, encoded, frames, _PREPEND,
                                        _APPEND, 0.0)
        words = [
            ShortWord(w["word"].strip(), float(w["start"]), float(w["end"]),
                      float(w["probability"]))
            for w in segments[0][0].get("words", [])
            if w["word"].strip()
        ]
        return text, words
