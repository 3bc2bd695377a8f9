"""Render the labelled turn-end set (docs/turns.md) from tests/data/turns/sentences.yaml.

Each clip is one rep turn end. A finished one (statement, question) is the sentence and then
silence; an unfinished one (a pause mid-list, "the price is ...", "um ...", a number being read
out, a clause) is the whole sentence spoken at once and cut where the words before " ... " end (found by aligning
a rendering of those words alone), so the voice keeps its mid-sentence tone, with a silence of
0.5-1.2 s inserted, then the rest of the sentence.
The manifest records where the words before the pause end and where speech resumes, so an
end-of-turn rule can be scored on whether it handed over inside that pause. To keep the files
small a clip stops 0.8 s after a finished turn and 1 s into the resumed speech.

Parts with different sentences and voices (piper at other speeds, espeak-ng variants),
each clip pitch- and tempo-shifted with sox and put through one recording condition (clean,
noise, reverb, a 48 kHz browser stream) as scripts/make_stt_corpus.py does:
  tune  thresholds are chosen on it;  test  frozen, never tuned on;
  fresh (2026-11-30, fourth session) never-seen sentences from a blind writer in voices no
        other part uses, with two more things the first two parts lack: every ending keeps the
        voice's own fade (the first parts cut each rendering right after its last loud 10 ms,
        which a judge of the sound hears as much as the speaker), and `sentences` turns, two
        whole sentences with a 0.3-0.8 s pause between them (the rep goes on: the prospect
        must wait), the case the call tests' reps show.
Committed under tests/data/turns/<part>/ with <part>.yaml; this script is how they were made.
Run: .venv/bin/python scripts/make_turn_set.py --part test  (--fixture: the listener test's rep)
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml
from make_fixtures import frames_over, render_espeak, render_piper, trim_silence
from make_stt_corpus import _sox, apply_condition

from voices.audio import SAMPLE_RATE, write_wav
from voices.evalset import REPO
from voices.turn.features import _build_mel_filterbank

TURNS = REPO / "tests" / "data" / "turns"
FINISHED = ("statement", "question")
NATURAL_ENDS = ("fresh",)  # parts whose renderings keep their fade (module docstring)
_FADE_FLOOR = 0.0015  # about -50 dB under the normalised peak: where a voice's fade is over
CONDITIONS = ("clean", "noise", "reverb", "browser48k")
# Kept short so the committed set stays small: the evaluation pads every clip with more
# room-floor silence (voices/turn/evalset.py), and only needs to hear that the rep resumed.
_TAIL_S = 0.8
_RESUME_KEEP_S = 1.0


@dataclass(frozen=True)
class TurnVoice:
    """The bundled piper voice at given scales, or an espeak-ng voice at a speed (words/min)."""

    key: str
    espeak: str | None = None
    length_scale: float = 1.0
    noise_scale: float = 0.667
    speed: int = 165

    def speak(self, text: str) -> np.ndarray:
        if self.espeak is None:
            return render_piper(text, self.length_scale, self.noise_scale)
        return render_espeak(text, self.espeak, self.speed, 50)


VOICES = {
    "tune": (TurnVoice("piper", None, 1.0, 0.667), TurnVoice("piper-slow", None, 1.2, 0.5),
             TurnVoice("us-160", "en-us", speed=160), TurnVoice("m3-185", "en-us+m3", speed=185),
             TurnVoice("gb-150", "en-gb", speed=150)),
    "test": (TurnVoice("piper-fast", None, 0.85, 0.8), TurnVoice("piper-vslow", None, 1.3, 0.4),
             TurnVoice("f3-170", "en-us+f3", speed=170),
             TurnVoice("klatt-145", "en-us+klatt", speed=145),
             TurnVoice("gb-f4-140", "en-gb+f4", speed=140),
             TurnVoice("m7-195", "en-us+m7", speed=195)),
    "fresh": (TurnVoice("piper-110", None, 1.1, 0.9), TurnVoice("piper-095", None, 0.95, 0.3),
              TurnVoice("scot-m1-165", "en-gb-scotland+m1", speed=165),
              TurnVoice("rp-f2-155", "en-gb-x-rp+f2", speed=155),
              TurnVoice("029-m4-175", "en-029+m4", speed=175),
              TurnVoice("us-annie-160", "en-us+Annie", speed=160)),
}


def _silence(seconds: float) -> np.ndarray:
    return np.zeros(int(round(seconds * SAMPLE_RATE)), dtype=np.float32)


def _shift(audio: np.ndarray, pitch: int, tempo: float) -> np.ndarray:
    return _sox(audio, "pitch", str(pitch), "tempo", "-s", str(tempo))


def _spoken(text: str, voice: TurnVoice, natural: bool = False) -> np.ndarray:
    if natural:  # level first, so the fade's floor is relative to the voice's peak
        audio = voice.speak(text)
        return _trim(audio / max(1e-6, float(np.max(np.abs(audio)))) * 0.5, natural)
    audio = trim_silence(voice.speak(text))
    return audio / max(1e-6, float(np.max(np.abs(audio)))) * 0.5


def _trim(audio: np.ndarray, natural: bool) -> np.ndarray:
    """Lead-in and tail silence cut at the 0.01 floor; with `natural` the tail keeps the
    voice's fade (down to about -50 dB) and ends in a 10 ms ramp, as a microphone hears a
    speaker stop."""
    if not natural:
        return trim_silence(audio)
    loud, faint = frames_over(audio, 0.01), frames_over(audio, _FADE_FLOOR)
    if loud.size == 0:
        return audio
    kept = audio[loud[0] * 160: (faint[-1] + 1) * 160].astype(np.float32)
    kept[-160:] *= np.linspace(1.0, 0.0, min(160, len(kept)), dtype=np.float32)
    return kept


def _loud_s(audio: np.ndarray) -> float:
    """Seconds from `audio`'s start to the end of its last 10 ms that reach 0.01: where the
    last word ends, as the turn end is labelled in every part."""
    loud = frames_over(audio, 0.01)
    return float((loud[-1] + 1) * 160 / SAMPLE_RATE) if loud.size else 0.0


def _logmel(audio: np.ndarray) -> np.ndarray:
    """25 ms / 10 ms log-mel frames (40 bands) for aligning two renderings."""
    frames = np.lib.stride_tricks.sliding_window_view(audio, 400)[::160] * np.hanning(400)
    power = np.abs(np.fft.rfft(frames, axis=-1)) ** 2
    mel = power @ _build_mel_filterbank(201, 40, 0.0, 8000.0, SAMPLE_RATE)
    feats = np.log10(np.maximum(mel, 1e-10))
    return feats - feats.mean(axis=0)


def head_end(head: np.ndarray, full: np.ndarray) -> int:
    """Sample of `full` where the words of `head` end: open-end DTW of the two renderings.

    The head spoken alone ends the way a finished sentence does; cutting the whole sentence
    there keeps the voice's mid-sentence tone before the pause, as a rep who stops to think.
    """
    a, b = _logmel(head), _logmel(full)
    cost = np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=-1))
    acc = np.full((len(a) + 1, len(b) + 1), np.inf)
    acc[0, 0] = 0.0
    for i in range(1, len(a) + 1):
        row = acc[i - 1]
        for j in range(1, len(b) + 1):
            acc[i, j] = cost[i - 1, j - 1] + min(row[j - 1], row[j], acc[i, j - 1])
    end = int(np.argmin(acc[len(a), 1:] / (len(a) + np.arange(1, len(b) + 1))))
    # snap to the quietest 10 ms within 60 ms, where one word gives way to the next
    energy = np.lib.stride_tricks.sliding_window_view(full, 400)[::160].std(axis=1)
    lo, hi = max(0, end - 6), min(len(energy), end + 7)
    end = lo + int(np.argmin(energy[lo:hi]))
    return end * 160 + 200


def render_item(item: dict, voice: TurnVoice, condition: str, seed: int,
                natural: bool = False) -> tuple[np.ndarray, dict]:
    """One clip and its labels (times in seconds from the clip's start); `natural` keeps
    each ending's fade (NATURAL_ENDS)."""
    rng = np.random.default_rng(seed)
    pitch, tempo = int(rng.integers(-150, 151)), round(float(rng.uniform(0.9, 1.1)), 2)
    lead = round(float(rng.uniform(0.3, 0.6)), 2)
    pieces = [p.strip() for p in item["text"].split("...")]
    labels: dict = {"pitch_cents": pitch, "tempo": tempo}
    if item["kind"] in FINISHED:
        if len(pieces) != 1:
            raise SystemExit(f"finished turn with a pause: {item['text']}")
        speech = _trim(_shift(_spoken(pieces[0], voice, natural), pitch, tempo), natural)
        parts = [_silence(lead), speech, _silence(_TAIL_S)]
        said = _loud_s(speech) if natural else len(speech) / SAMPLE_RATE
        labels["turn_end_s"] = round(lead + said, 3)
    else:
        if len(pieces) != 2:
            raise SystemExit(f"unfinished turn needs one ' ... ': {item['text']}")
        full = _spoken(" ".join(pieces), voice, natural)
        cut = head_end(_spoken(pieces[0], voice, natural), full)
        head = _trim(_shift(full[:cut], pitch, tempo), natural)
        tail = _shift(full[cut:], pitch, tempo)
        if natural:  # the written pause is the pause: the voice's own gap before the rest goes
            loud = frames_over(tail, 0.01)
            tail = tail[(loud[0] * 160 if loud.size else 0):]
        tail = tail[: int(_RESUME_KEEP_S * SAMPLE_RATE)]
        tail = tail * np.minimum(1.0, np.linspace(len(tail) / 320, 0, len(tail)))  # 20 ms fade
        # two sentences: the gap a speaker leaves between them, shorter than a search for words
        low, high = (0.3, 0.8) if item["kind"] == "sentences" else (0.5, 1.2)
        pause = round(float(rng.uniform(low, high)), 2)
        parts = [_silence(lead), head, _silence(pause), tail.astype(np.float32)]
        labels["cut_s"] = round(cut / SAMPLE_RATE, 3)
        said = _loud_s(head) if natural else len(head) / SAMPLE_RATE
        labels["turn_end_s"] = round(lead + said, 3)
        labels["pause_s"] = pause
        # the first parts' labels as they were rendered: the rounded end plus the pause
        head_ends_s = lead + len(head) / SAMPLE_RATE
        labels["resume_s"] = round(
            (head_ends_s if natural else labels["turn_end_s"]) + pause, 3)
    audio = np.concatenate(parts)
    # a real room is never digitally silent; a -70 dB floor keeps silence detectors honest
    audio = audio + rng.standard_normal(len(audio)).astype(np.float32) * 3e-4
    params: dict = {}
    out = apply_condition(audio, condition, rng, params).astype(np.float32)
    return out, {**labels, **params}


def build(part: str, seed: int) -> Path:
    """Render one part to tests/data/turns/<part>/ with its manifest; returns the manifest."""
    items = yaml.safe_load((TURNS / "sentences.yaml").read_text())[part]
    voices = VOICES[part]
    out = TURNS / part
    out.mkdir(parents=True, exist_ok=True)
    clips = []
    for i, item in enumerate(items):
        voice = voices[i % len(voices)]
        condition = CONDITIONS[(i // len(voices) + i) % len(CONDITIONS)]
        clip_id = f"{part}{i:03d}_{item['kind']}_{voice.key}_{condition}"
        audio, labels = render_item(item, voice, condition, seed * 1000 + i,
                                    natural=part in NATURAL_ENDS)
        write_wav(out / f"{clip_id}.flac", audio)
        clips.append({"id": clip_id, "kind": item["kind"], "done": item["kind"] in FINISHED,
                      "text": item["text"], "voice": voice.key, "condition": condition,
                      **labels})
        print(f"{clip_id}: {item['text']}")
    manifest = TURNS / f"{part}.yaml"
    header = (f"# {part} part of the turn-end set, rendered by scripts/make_turn_set.py "
              f"--part {part} --seed {seed}\n")
    manifest.write_text(header + yaml.safe_dump({"seed": seed, "clips": clips},
                                                sort_keys=False, allow_unicode=True))
    return manifest


FIXTURE = REPO / "tests" / "fixtures" / "pause_08_price_piper.wav"
FIXTURE_TEXT = "Our price is ... what it costs to run."


def render_fixture(pause_s: float = 0.8) -> Path:
    """The listener test's rep (tests/test_listener_turn.py): the bundled piper voice says
    "Our price is", pauses `pause_s` mid-sentence, then "what it costs to run"."""
    voice = TurnVoice("piper")
    head_text, tail_text = (p.strip() for p in FIXTURE_TEXT.split("..."))
    full = _spoken(f"{head_text} {tail_text}", voice)
    cut = head_end(_spoken(head_text, voice), full)
    audio = np.concatenate([_silence(0.3), trim_silence(full[:cut]), _silence(pause_s),
                            trim_silence(full[cut:]), _silence(0.3)])
    write_wav(FIXTURE, audio / max(1e-6, float(np.max(np.abs(audio)))) * 0.8)
    return FIXTURE


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--part", choices=tuple(VOICES))
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--fixture", action="store_true",
                        help=f"render {FIXTURE.name} (0.8 s pause mid-sentence) instead")
    args = parser.parse_args()
    if not args.fixture and args.part is None:
        parser.error("give --part or --fixture")
    print(render_fixture() if args.fixture else build(args.part, args.seed))


if __name__ == "__main__":
    main()
