"""The prosody judge's experiment (issue 18, docs/turns.md "A prosody judge"): training clips,
features, the classifier's fit and the rule's figures.

  render    speak scripts/prosody_turns_sentences.yaml (sentences written for this, none of the
            turn-end set's) with the TUNE part's voices only, cut as scripts/make_turn_set.py
            cuts (finished turns; unfinished ones cut mid-sentence, a pause, the rest), into
            data/prosody_turns/train/ (not committed; this command remakes it)
  fit       features at each clip's labelled turn end, heard as the listener hears it (Silero
            VAD, the endpointer's check 0.2 s into the pause), and a logistic regression on the
            training clips alone (data/prosody_turns/heard.*)
  rule      the classifier's separation (training cross-validated by sentence, tune part,
            fixtures), its cost per pause, and the text rule against the text rule with the
            prosody veto (the words read finished but P(over) is below a threshold: wait the
            long 1.5 s) on the tune part and the fixtures; --part test once, at the end
The features, the classifier and the thresholds (a share of the TRAINING clips' finished turns
vetoed) are fixed before any part of the turn-end set is played; nothing is chosen on `test`.
Run: .venv/bin/python scripts/prosody_turns.py render | fit | rule [--part test]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

sys.path.insert(0, str(Path(__file__).parent))
from eval_turns import HEADER, row  # noqa: E402
from make_turn_set import CONDITIONS, FINISHED, VOICES, render_item  # noqa: E402

from voices.audio import SAMPLE_RATE, write_wav  # noqa: E402
from voices.evalset import REPO  # noqa: E402
from voices.stt.whisper import LIVE_OPTIONS, WhisperSTT  # noqa: E402
from voices.turn.evalset import (TEST_MANIFEST, TUNE_MANIFEST, Judges,  # noqa: E402
                                 Outcome, TurnClip, VadCache, fixture_turns, load_turns,
                                 run_clip, summarise)
from voices.vad.endpoint import (Combine, Completeness, Endpointer,  # noqa: E402
                                 judge_completeness)
from voices.vad.silero import SileroVAD  # noqa: E402

# How the last words before a pause sound: pitch, lengthening, loudness (cheap numpy).
HOP = 160  # 10 ms
WINDOW = 640  # 40 ms: two periods of the lowest pitch looked for (50 Hz)
_MIN_HZ, _MAX_HZ = 50.0, 400.0
_VOICED_R = 0.5  # normalised autocorrelation from which a frame is voiced
LOOK_S = 4.0  # only the turn's last seconds are analysed: the cost stays flat in long turns
_FFT = 2048

FEATURES = ("f0_end", "f0_slope", "f0_fall", "f0_above_low", "last_run", "run_ratio",
            "db_slope", "db_end", "voiced_end", "last_syllable", "final_rate")


def _frames(audio: np.ndarray) -> np.ndarray:
    n = 1 + (len(audio) - WINDOW) // HOP
    if n <= 0:
        return np.zeros((0, WINDOW), dtype=np.float32)
    idx = np.arange(WINDOW)[None, :] + HOP * np.arange(n)[:, None]
    return audio[idx]


_HANN = np.hanning(WINDOW)
_HANN_ACF = np.fft.irfft(np.abs(np.fft.rfft(_HANN, _FFT)) ** 2)[:WINDOW]
_HANN_ACF = _HANN_ACF / _HANN_ACF[0]
_LAG_LO, _LAG_HI = int(SAMPLE_RATE / _MAX_HZ), int(SAMPLE_RATE / _MIN_HZ)


def pitch_track(audio: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per 10 ms frame: F0 in Hz (0 where unvoiced), loudness in dB, voicing strength.

    Autocorrelation of the Hann-windowed frame divided by the window's own (Boersma's method);
    the shortest lag within 10 % of the best peak, so a doubled period is not taken.
    """
    frames = _frames(audio.astype(np.float64))
    if not len(frames):
        empty = np.zeros(0)
        return empty, empty, empty
    frames = frames - frames.mean(axis=1, keepdims=True)
    # floored at -70 dBFS, a quiet room's: a digitally silent pause (a noise suppressor, a
    # rendered clip) must not read as a steeper decay than a real one
    db = 10 * np.log10(np.mean(frames ** 2, axis=1) + 1e-7)
    spectrum = np.fft.rfft(frames * _HANN, _FFT, axis=1)
    acf = np.fft.irfft(np.abs(spectrum) ** 2, axis=1)[:, :WINDOW]
    acf = acf / np.maximum(acf[:, :1], 1e-12) / np.maximum(_HANN_ACF, 1e-3)
    band = acf[:, _LAG_LO:_LAG_HI + 1]
    best = band.max(axis=1)
    near = band >= 0.9 * best[:, None]
    lag = _LAG_LO + np.argmax(near, axis=1)
    voiced = (best >= _VOICED_R) & (db > db.max() - 40)
    f0 = np.where(voiced, SAMPLE_RATE / lag, 0.0)
    return f0, db, best


def _speech_end(db: np.ndarray, floor_db: float, peak_db: float) -> int:
    """Index after the last frame loud enough to be speech."""
    loud = np.flatnonzero(db > max(floor_db + 10.0, peak_db - 35.0))
    return int(loud[-1]) + 1 if loud.size else len(db)


def _runs(mask: np.ndarray, bridge: int = 3) -> list[tuple[int, int]]:
    """(start, end) of True stretches, gaps of up to `bridge` frames bridged."""
    runs: list[tuple[int, int]] = []
    for i in np.flatnonzero(mask):
        if runs and i - runs[-1][1] <= bridge:
            runs[-1] = (runs[-1][0], int(i) + 1)
        else:
            runs.append((int(i), int(i) + 1))
    return runs


def _clean(f0: np.ndarray) -> np.ndarray:
    """Semitones from the turn's median pitch, unvoiced NaN; a frame more than 4 semitones
    from its voiced neighbours' median (an octave slip, a consonant's noise) is dropped."""
    semis = np.full(len(f0), np.nan)
    voiced = f0 > 0
    if voiced.sum() < 5:
        return semis
    semis[voiced] = 12 * np.log2(f0[voiced] / np.median(f0[voiced]))
    # a stretch tracked an octave or two off is folded back towards the speaker's level
    semis = np.where(np.abs(semis) > 8.0, semis - 12.0 * np.round(semis / 12.0), semis)
    idx = np.flatnonzero(voiced)
    vals = semis[idx]
    pad = np.pad(vals, 3, mode="edge")
    local = np.median(np.lib.stride_tricks.sliding_window_view(pad, 7), axis=1)
    semis[idx[np.abs(vals - local) > 4.0]] = np.nan
    # the median again without the slips, so the speaker's own level is 0
    return semis - np.nanmedian(semis)


def _nuclei(db: np.ndarray, voiced: np.ndarray) -> np.ndarray:
    """Frames of syllable nuclei: voiced peaks of the smoothed loudness standing 3 dB above the
    dips on either side of them."""
    smooth = np.convolve(db, np.ones(5) / 5, mode="same")
    peaks = np.flatnonzero((smooth[1:-1] > smooth[:-2]) & (smooth[1:-1] >= smooth[2:])) + 1
    keep = []
    for k, p in enumerate(peaks):
        lo = peaks[k - 1] if k else 0
        hi = peaks[k + 1] if k + 1 < len(peaks) else len(smooth) - 1
        if (voiced[p] and smooth[p] - smooth[lo:p + 1].min() >= 3.0
                and smooth[p] - smooth[p:hi + 1].min() >= 3.0):
            keep.append(p)
    return np.array(keep, dtype=int)


def features(audio: np.ndarray, silence_s: float) -> np.ndarray:
    """The features (`FEATURES`) of a turn's audio that ends `silence_s` into a pause."""
    audio = audio[-int((LOOK_S + silence_s) * SAMPLE_RATE):]
    f0, db, _ = pitch_track(audio)
    if len(db) < 20:
        return np.zeros(len(FEATURES))
    tail = max(1, int(silence_s * SAMPLE_RATE / HOP) - 2)
    floor_db = float(np.median(db[-tail:]))  # the pause itself
    peak_db = float(np.percentile(db, 95))
    end = _speech_end(db, floor_db, peak_db)
    semis = _clean(f0[:end])
    db = db[:end]
    voiced = ~np.isnan(semis)
    if voiced.sum() < 5:
        return np.zeros(len(FEATURES))
    idx = np.flatnonzero(voiced)
    last = idx[-1]
    low = float(np.percentile(semis[idx], 5))
    end_sel = idx[idx >= last - 10]  # the last 100 ms of voicing
    f0_end = float(np.median(semis[end_sel]))
    slope_sel = idx[idx >= last - 25]  # 250 ms
    slope = float(np.polyfit(slope_sel / 100.0, semis[slope_sel], 1)[0]) \
        if len(slope_sel) >= 4 else 0.0
    window = idx[idx >= last - 60]  # 600 ms
    fall = float(np.max(semis[window]) - f0_end)
    runs = _runs(voiced)
    lengths = np.array([b - a for a, b in runs], dtype=float)
    last_run = lengths[-1] / 100.0
    ratio = lengths[-1] / max(1.0, float(np.median(lengths[:-1])) if len(lengths) > 1 else 1.0)
    speech_db = float(np.median(db[voiced]))
    db_tail = db[max(0, end - 25):end]
    db_slope = float(np.polyfit(np.arange(len(db_tail)) / 100.0, db_tail, 1)[0]) \
        if len(db_tail) >= 3 else 0.0
    db_end = float(np.mean(db[max(0, end - 10):end]) - speech_db)
    voiced_end = (end - 1 - last) / 100.0  # unvoiced sound after the last voiced frame
    nuclei = _nuclei(db, voiced)
    if len(nuclei) >= 3:
        gaps = np.diff(nuclei).astype(float)
        typical = float(np.median(gaps))
        # how long the last syllable held on, and the pace of the last three, against the turn's
        last_syllable = np.log((end - nuclei[-1]) / typical)
        final_rate = np.log(float(np.mean(gaps[-2:])) / typical)
    else:
        last_syllable = final_rate = 0.0
    return np.array([f0_end, slope / 10, fall, f0_end - low, last_run, np.log(ratio),
                     db_slope / 10, db_end, voiced_end, last_syllable, final_rate])


SENTENCES = Path(__file__).with_name("prosody_turns_sentences.yaml")
WORK = REPO / "data" / "prosody_turns"
TRAIN_MANIFEST = WORK / "train.yaml"
_SEED = 1818  # not the turn-end set's 18
_VOICES_PER_SENTENCE = 2


def render() -> Path:
    """Each sentence by two of the tune part's five voices, in rotating conditions."""
    items = yaml.safe_load(SENTENCES.read_text())
    voices = VOICES["tune"]
    out = WORK / "train"
    out.mkdir(parents=True, exist_ok=True)
    clips = []
    n = 0
    for i, item in enumerate(items):
        for k in range(_VOICES_PER_SENTENCE):
            voice = voices[(i + 2 * k) % len(voices)]
            condition = CONDITIONS[(n // len(voices) + n) % len(CONDITIONS)]
            clip_id = f"train{n:03d}_{item['kind']}_{voice.key}_{condition}"
            path = out / f"{clip_id}.flac"
            audio, labels = render_item(item, voice, condition, _SEED * 1000 + n)
            write_wav(path, audio)
            clips.append({"id": clip_id, "kind": item["kind"], "done": item["kind"] in FINISHED,
                          "text": item["text"], "voice": voice.key, "condition": condition,
                          **labels})
            print(clip_id, item["text"], flush=True)
            n += 1
    TRAIN_MANIFEST.write_text(yaml.safe_dump({"seed": _SEED, "clips": clips}, sort_keys=False))
    return TRAIN_MANIFEST


CHECK_S = 0.2  # the listener's check: the judge is asked 0.2 s into a pause
TEXTS = WORK / "texts.json"  # early transcripts, cached per (clip, start, end)


def part_clips(part: str) -> list[TurnClip]:
    """train (rendered here), tune (the turn-end set's) or fixtures (the call tests' turns)."""
    if part == "fixtures":
        return fixture_turns()
    return load_turns(TRAIN_MANIFEST if part == "train" else TUNE_MANIFEST)


def cached_judges(stt_text) -> Judges:
    """Judges whose early transcripts are kept on disk between runs."""
    judges = Judges(transcribe=stt_text)
    if TEXTS.is_file():
        judges._texts = {tuple(json.loads(k)): v for k, v in json.loads(TEXTS.read_text()).items()}
    return judges


def save_texts(judges: Judges) -> None:
    TEXTS.write_text(json.dumps({json.dumps(list(k)): v for k, v in (judges._texts or {}).items()}))


def labelled_check(outcome: Outcome) -> int | None:
    """Index of the check heard at the clip's labelled turn end (as evalset.labelled_p_done)."""
    clip = outcome.clip
    if clip.done:
        return -int(outcome.checks[-1][1]) - 1 if outcome.checks else None
    after = [p for t, p in outcome.checks if clip.turn_end_s <= t < (clip.resume_s or 1e9)]
    return -int(after[0]) - 1 if after else None


@dataclass
class Heard:
    """One clip's labelled turn end: its features, the early transcript's reading, its label."""

    clip: TurnClip
    audio: np.ndarray  # the turn's last seconds, as the judge is given them
    reads: Completeness
    text: str


def hear(part: str, vad: VadCache, judges: Judges) -> list[Heard]:
    """Each clip played to a rule that never ends a turn, features taken at every check."""
    seen: list[np.ndarray] = []

    def record(audio: np.ndarray) -> float:
        seen.append(audio[-int((LOOK_S + CHECK_S) * 16000):].copy())
        return -float(len(seen))  # a "P(done)" below any threshold: the turn never ends

    judges.turn_model = record
    judges._probs = {}
    never = Endpointer(combine=Combine.MODEL, check_s=(CHECK_S,), done_threshold=2.0,
                       unfinished_silence_s=99.0)
    heard = []
    for clip in part_clips(part):
        outcome = run_clip(clip, never, vad, judges, use_text=True)
        index = labelled_check(outcome)
        if index is None:
            print(f"  {clip.id}: no check at its turn end", flush=True)
            continue
        key = next(k for k, v in judges._probs.items() if v == -index - 1)
        # the early transcript this check read: the same turn's, taken at the pause's start
        said = [(k[2], t) for k, t in (judges._texts or {}).items()
                if k[0] == key[0] and k[1] == key[1] and k[2] <= key[2]]
        text = max(said)[1] if said else ""
        heard.append(Heard(clip, seen[index], judge_completeness(text), text))
    return heard


def auc(pos: np.ndarray, neg: np.ndarray) -> float:
    """The chance that a finished turn end scores above an unfinished one (0.5: chance)."""
    if not len(pos) or not len(neg):
        return float("nan")
    return float((pos[:, None] > neg[None, :]).mean()
                 + 0.5 * (pos[:, None] == neg[None, :]).mean())


@dataclass(frozen=True)
class Logistic:
    """A logistic regression on standardised features: P(the sentence is over)."""

    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray  # one per feature, then the bias

    @classmethod
    def fit(cls, x: np.ndarray, y: np.ndarray, l2: float = 3.0) -> Logistic:
        """Newton's method from zero weights: deterministic."""
        mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
        z = np.c_[(x - mean) / scale, np.ones(len(x))]
        w = np.zeros(z.shape[1])
        ridge = l2 * np.diag(np.r_[np.ones(len(w) - 1), 0.0])
        for _ in range(50):
            p = 1 / (1 + np.exp(-z @ w))
            w -= np.linalg.solve((z * (p * (1 - p))[:, None]).T @ z + ridge,
                                 z.T @ (p - y) + ridge @ w)
        return cls(mean, scale, w)

    def p_done(self, x: np.ndarray) -> np.ndarray:
        z = (np.atleast_2d(x) - self.mean) / self.scale
        return 1 / (1 + np.exp(-(z @ self.weights[:-1] + self.weights[-1])))


def load_heard() -> dict[str, list[dict]]:
    """The heard clips (`fit` writes them), each with its features computed now."""
    heard = json.loads((WORK / "heard.json").read_text())
    audio = np.load(WORK / "heard.npz")
    for part in heard.values():
        for h in part:
            h["x"] = features(audio[h["id"]], CHECK_S)
    return heard


def trained(heard: dict[str, list[dict]]) -> Logistic:
    """The classifier fitted on the training clips alone; its figures printed."""
    x = np.array([h["x"] for h in heard["train"]])
    y = np.array([h["done"] for h in heard["train"]], dtype=float)
    sentence = np.array([int(h["id"][5:8]) // _VOICES_PER_SENTENCE for h in heard["train"]])
    held_out = np.zeros(len(y))
    for fold in range(5):  # both voices of a sentence in the same fold
        test = sentence % 5 == fold
        held_out[test] = Logistic.fit(x[~test], y[~test]).p_done(x[test])
    model = Logistic.fit(x, y)
    done = y.astype(bool)
    print(f"train: separation {auc(held_out[done], held_out[~done]):.2f} (5-fold, by sentence)")
    for part in ("tune", "fixtures"):
        p = model.p_done(np.array([h["x"] for h in heard[part]]))
        done = np.array([h["done"] for h in heard[part]])
        finished = np.array([h["reads"] in ("statement", "question") for h in heard[part]])
        print(f"{part}: separation {auc(p[done], p[~done]):.2f}, where the words read finished "
              f"{auc(p[done & finished], p[~done & finished]):.2f}; P at finished ends "
              + " ".join(f"{v:.2f}" for v in np.sort(p[done])))
    print("weights", dict(zip(FEATURES, model.weights.round(3))))
    audio = np.load(WORK / "heard.npz")
    cpu = []
    for h in heard["tune"] + heard["fixtures"]:
        started = time.process_time()
        model.p_done(features(audio[h["id"]], CHECK_S))
        cpu.append(time.process_time() - started)
    print(f"cost per pause (CPU, one thread): p50 {np.median(cpu) * 1000:.1f} ms, "
          f"max {max(cpu) * 1000:.1f} ms")
    return model


def veto_rules(heard: dict[str, list[dict]], model: Logistic) -> list[tuple[str, float]]:
    """Thresholds that veto a given share of the TRAINING clips' finished turn ends."""
    p = model.p_done(np.array([h["x"] for h in heard["train"] if h["done"]]))
    return [(f"text + prosody veto ({share:.0%} of training finished vetoed, P < "
             f"{np.quantile(p, share):.2f})", float(np.quantile(p, share)))
            for share in (0.1, 0.2, 0.3, 0.4)]


def compare(parts: tuple[str, ...], model: Logistic, thresholds: list[tuple[str, float]],
            judges: Judges, vad: VadCache) -> None:
    """The words alone against the words with the prosody judge's veto, part by part."""
    judges.turn_model = lambda audio: float(model.p_done(features(audio, CHECK_S))[0])
    rules = [("text (used)", Endpointer(check_s=(CHECK_S,), unfinished_silence_s=1.5))]
    rules += [(name, Endpointer(combine=Combine.MODEL_AND_TEXT, check_s=(CHECK_S,),
                                done_threshold=t, unfinished_silence_s=1.5))
              for name, t in thresholds]
    for part in parts:
        clips = load_turns(TEST_MANIFEST) if part == "test" else part_clips(part)
        print(f"\n### {part}\n\n{HEADER}")
        for name, rule in rules:
            judges._probs = {}
            print(row(name, summarise([run_clip(c, rule, vad, judges) for c in clips])),
                  flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=("render", "fit", "rule"))
    parser.add_argument("--part", action="append", choices=("tune", "fixtures", "test"),
                        help="rule: the parts to compare on (tune and fixtures unless given)")
    args = parser.parse_args()
    if args.command == "render":
        print(render())
        return
    stt = WhisperSTT(LIVE_OPTIONS).load()
    vad = VadCache(SileroVAD().load())
    judges = cached_judges(lambda audio: stt.transcribe_sync(audio).text)
    if args.command == "rule":
        heard = load_heard()
        model = trained(heard)
        compare(tuple(args.part or ("tune", "fixtures")), model, veto_rules(heard, model),
                judges, vad)
        save_texts(judges)
        return
    heard = {}
    for part in ("train", "tune", "fixtures"):
        started = time.perf_counter()
        heard[part] = hear(part, vad, judges)
        save_texts(judges)
        print(f"{part}: {len(heard[part])} turn ends heard in "
              f"{time.perf_counter() - started:.0f} s", flush=True)
    dump = {part: [{"id": h.clip.id, "kind": h.clip.kind, "done": h.clip.done,
                    "reads": str(h.reads), "text": h.text} for h in hs]
            for part, hs in heard.items()}
    (WORK / "heard.json").write_text(json.dumps(dump, indent=0))
    np.savez_compressed(WORK / "heard.npz", **{h.clip.id: h.audio for hs in heard.values()
                                               for h in hs})


if __name__ == "__main__":
    main()
