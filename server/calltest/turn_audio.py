"""The audio of a script's rep turns: read from files, or spoken by the bundled piper voice.

Rendered text is cached as 16 kHz WAV files named by a hash of the text and the voice settings,
so a CI run after the first one does not synthesise anything.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import numpy as np

from server.calltest.script import CallScript, ScriptTurn
from voices.audio import (
    SAMPLE_RATE,
    AudioDecodeError,
    pcm16_to_float,
    read_audio,
    resample,
    write_wav,
)
from voices.tts.base import TextToSpeechError, VoiceStyle
from voices.tts.piper_tts import PiperOptions, PiperTTS

_LEAD_S = 0.3  # a breath of silence around rendered speech, as a microphone would hear it
_RENDER_VERSION = "piper-joe-2"  # bump when rendering changes, so old cache files are not used
# piper draws random noise per synthesis: a rep line rendered afresh (a new CI cache) sounded
# different each time and was sometimes heard wrong ("the onboarding" as "the arm boarding")
_STILL = VoiceStyle(noise_scale=0.0, noise_w=0.0)


class TurnAudioError(Exception):
    """A turn whose audio could not be read or rendered; the message names the file."""


def default_cache_dir() -> Path:
    """`WALKAWAY_CACHE_DIR`, else `$XDG_CACHE_HOME/walkaway` (~/.cache/walkaway)."""
    explicit = os.environ.get("WALKAWAY_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "walkaway"


class TurnRenderer:
    """Turns a script's turns into mono float32 16 kHz arrays; the voice loads on first use."""

    def __init__(self, cache_dir: Path | None = None, options: PiperOptions | None = None) -> None:
        self.cache_dir = (cache_dir or default_cache_dir()) / "tts"
        self._options = options or PiperOptions(length_scale=1.0, noise_scale=0.667)
        self._tts: PiperTTS | None = None
        self._lock = threading.Lock()  # the plugin may render from several event loops

    def script_audio(self, script: CallScript) -> list[np.ndarray]:
        """Every turn of `script`, with its `pause_before_s` as leading silence."""
        return [self.turn_audio(turn, script.path, i) for i, turn in enumerate(script.turns)]

    def turn_audio(self, turn: ScriptTurn, script_path: Path, index: int) -> np.ndarray:
        if turn.audio is not None:
            try:
                audio = read_audio(turn.audio)
            except AudioDecodeError as err:
                raise TurnAudioError(f"{script_path}: turns[{index}].audio: {err}") from err
        else:
            try:
                audio = self.speak(turn.text or "")
            except TextToSpeechError as err:
                raise TurnAudioError(f"{script_path}: turns[{index}].text: {err}") from err
        if turn.pause_before_s > 0:
            pause = np.zeros(int(turn.pause_before_s * SAMPLE_RATE), dtype=np.float32)
            audio = np.concatenate([pause, audio])
        return audio

    def cache_path(self, text: str) -> Path:
        key = f"{_RENDER_VERSION}|{self._options.length_scale}|{self._options.noise_scale}|{text}"
        return self.cache_dir / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.wav"

    def speak(self, text: str) -> np.ndarray:
        """`text` as rep speech, from the cache or rendered (and cached) now."""
        path = self.cache_path(text)
        if path.is_file():
            try:
                return read_audio(path)
            except AudioDecodeError:
                pass  # a torn cache file: render it again
        with self._lock:
            if self._tts is None:
                self._tts = PiperTTS(self._options).load()
            pcm = self._tts.synthesize_sync(text, _STILL)
            rate = self._tts.sample_rate
        speech = resample(pcm16_to_float(pcm), rate, SAMPLE_RATE)
        lead = np.zeros(int(_LEAD_S * SAMPLE_RATE), dtype=np.float32)
        audio = np.concatenate([lead, speech, lead])
        audio = (audio / max(1e-6, float(np.max(np.abs(audio)))) * 0.8).astype(np.float32)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp.wav")
        write_wav(partial, audio)
        partial.replace(path)  # atomic: parallel CI jobs never read half a file
        return read_audio(path)  # the 16-bit file, so the first run plays what later runs play
