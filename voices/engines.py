"""The speech engines of one process, loaded once and shared by every call."""

from __future__ import annotations

from dataclasses import dataclass

from voices.stt.accurate import AccurateTranscriber
from voices.stt.base import SpeechToText
from voices.stt.whisper import WhisperOptions, WhisperSTT
from voices.tts.base import TextToSpeech
from voices.tts.piper_tts import PiperOptions, PiperTTS
from voices.vad.base import VoiceActivityModel
from voices.vad.silero import SileroVAD


@dataclass(frozen=True)
class Engines:
    """What a call needs from voices/: a recogniser, a voice and a voice-activity model.

    `accurate` is the scorecard's second pass (voices/stt/accurate.py); it loads on first use.
    """

    stt: SpeechToText
    tts: TextToSpeech
    vad: VoiceActivityModel
    accurate: AccurateTranscriber | None = None


def load_engines(
    stt_options: WhisperOptions | None = None, tts_options: PiperOptions | None = None
) -> Engines:
    """Load the bundled models (about a second on a laptop CPU); never downloads."""
    return Engines(
        stt=WhisperSTT(stt_options).load(),
        tts=PiperTTS(tts_options).load(),
        vad=SileroVAD().load(),
        accurate=AccurateTranscriber(),
    )
