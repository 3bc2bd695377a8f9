"""The speech engines of one process, loaded once and shared by every call."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np

from voices.audio import SAMPLE_RATE, pcm16_to_float, resample
from voices.stt.accurate import AccurateTranscriber
from voices.stt.base import SpeechToText
from voices.stt.whisper import WhisperOptions, WhisperSTT
from voices.tts.base import TextToSpeech
from voices.tts.piper_tts import PiperOptions, PiperTTS
from voices.turn.base import TurnModel
from voices.turn.smart_turn import SmartTurn
from voices.vad.base import VoiceActivityModel
from voices.vad.silero import SileroVAD

_LOGGER = logging.getLogger(__name__)
# a line the short window decodes cleanly: a short one can trip the loop guard's fallback
_WARM_LINE = "I hear you, but we do not discount, because the support is what you pay for."


@dataclass(frozen=True)
class Engines:
    """What a call needs from voices/: a recogniser, a voice and a voice-activity model.

    `accurate` is the scorecard's second pass (voices/stt/accurate.py); it loads on first use.
    `scripted_accurate` is the same pass at the process's priority, for deterministic calls
    (docs/protocol.md): at low priority on a saturated machine it missed the scorecard's bound
    for some turns and not others, so the same script scored differently under load.
    `turn` judges from the audio whether the rep has finished (voices/turn, docs/turns.md).
    """

    stt: SpeechToText
    tts: TextToSpeech
    vad: VoiceActivityModel
    accurate: AccurateTranscriber | None = None
    turn: TurnModel | None = None
    scripted_accurate: AccurateTranscriber | None = None


def load_engines(
    stt_options: WhisperOptions | None = None, tts_options: PiperOptions | None = None
) -> Engines:
    """Load the bundled models (about a second on a laptop CPU) and warm them; never downloads."""
    stt, tts, vad = WhisperSTT(stt_options).load(), PiperTTS(tts_options).load(), SileroVAD().load()
    turn = SmartTurn().load()
    warm(stt, tts, vad, turn)
    return Engines(stt=stt, tts=tts, vad=vad, accurate=AccurateTranscriber(), turn=turn,
                   scripted_accurate=AccurateTranscriber(background=False))


def warm(stt: WhisperSTT, tts: PiperTTS, vad: SileroVAD, turn: SmartTurn) -> None:
    """One synthesis, one decode and one decision per model before the first call.

    Each model's first run pays for lazy set-up (allocations, kernel choices): the first
    answers after a start took 2.1-2.7 s against ~0.6 s later (issue 18).
    """
    started = time.perf_counter()
    spoken = pcm16_to_float(tts.synthesize_sync(_WARM_LINE))
    audio = resample(spoken, tts.sample_rate, SAMPLE_RATE)
    stt.transcribe_sync(audio)
    usable = len(audio) - len(audio) % vad.frame_samples
    vad.stream().probabilities(audio[:usable])
    turn.probability_sync(np.concatenate([audio, np.zeros(SAMPLE_RATE // 5, np.float32)]))
    _LOGGER.info("speech models warmed in %.1fs", time.perf_counter() - started)
