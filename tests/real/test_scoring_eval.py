"""The scorer end to end on 50 labelled rep utterances rendered by two voices.

Real models (tiny.en, Silero) on tests/data/audio/*.flac, scored exactly as `walkaway score`
scores a file. Prints filler precision/recall/F1, concession accuracy, WER and confidence
means (`pytest -s` shows them); the floors sit a little under what was measured on a 2-core
CPU (docs/scoring.md has the figures and how they were measured).
"""

from __future__ import annotations

import pytest

from server.scoring_files import score_transcription
from voices.audio import read_audio
from voices.evalset import (
    LabelledUtterance,
    SetReport,
    evaluate,
    load_labelled_set,
    word_error_rate,
)
from voices.stt.base import Transcription
from voices.stt.whisper import WhisperSTT
from voices.vad.silero import SileroVAD

Scored = tuple[list[LabelledUtterance], SetReport, SetReport]


@pytest.fixture(scope="module")
def scored() -> Scored:
    """Transcribe the set once; score it with the defaults and with the audio filler rules."""
    utts = load_labelled_set()
    stt = WhisperSTT().load()
    vad = SileroVAD().load()
    audio = {u.id: read_audio(u.path) for u in utts}
    heard: dict[str, Transcription] = {u.id: stt.transcribe_sync(audio[u.id]) for u in utts}
    default = [score_transcription(u.id, audio[u.id], heard[u.id]) for u in utts]
    with_audio = [score_transcription(u.id, audio[u.id], heard[u.id], vad, audio_fillers=True)
                  for u in utts]
    report, audio_report = evaluate(utts, default), evaluate(utts, with_audio)
    print(f"\n[scored set, {len(utts)} utterances] default: {report.summary()}")
    print(f"[scored set] + audio filler rules: {audio_report.summary()}")
    return utts, report, audio_report


def test_the_set_is_big_enough_and_not_one_voice() -> None:
    utts = load_labelled_set()
    assert len(utts) >= 40
    assert {u.voice for u in utts} >= {"piper", "en-us", "en-gb"}
    assert all(u.path.is_file() for u in utts)
    assert sum(len(u.fillers) for u in utts) >= 25


def test_fillers_are_found_in_the_audio(scored: Scored) -> None:
    _, report, _ = scored
    # Measured: P 1.000, R 0.929, F1 0.963 (26 of 28; Whisper hears "Uhh" as "Ooh"/"So").
    assert report.fillers.precision >= 0.90
    assert report.fillers.recall >= 0.85
    assert report.fillers.f1 >= 0.88
    assert report.hesitations.recall >= 0.80  # the sounds Whisper drops without the prompt


def test_audio_filler_rules_stay_precise(scored: Scored) -> None:
    # Off by default (no gain over the prompt on this set); held to a floor so turning
    # them on never floods a scorecard. Measured: P 0.963, R 0.929.
    _, _, audio_report = scored
    assert audio_report.fillers.precision >= 0.90
    assert audio_report.fillers.recall >= 0.85


def test_concessions_are_classified(scored: Scored) -> None:
    _, report, _ = scored
    # Measured 0.94 (47/50): "waive" heard as "wave", a dropped "Fine," and one false "info".
    assert report.concession_accuracy >= 0.90


def test_word_error_rate_is_bounded(scored: Scored) -> None:
    _, report, _ = scored
    # Measured: WER 0.106, 0.105 without hesitation sounds (espeak voices are the hard half).
    assert report.wer <= 0.15
    assert report.content_wer <= 0.15


def test_firm_answers_score_higher_confidence_than_hedging(scored: Scored) -> None:
    _, report, _ = scored
    # Measured means 95.0 vs 76.9; firm >= hedging in 12 of 12 same-content pairs.
    assert report.confidence_firm > report.confidence_hedging + 10
    assert report.pairs >= 10
    assert report.pairs_firm_ahead >= report.pairs - 1


def test_word_error_rate_counts_edits_over_reference_words() -> None:
    assert word_error_rate(["we hold the price"], ["we hold the price"]) == 0.0
    assert word_error_rate(["we hold the price"], ["we hold price today"]) == 0.5
    assert word_error_rate(["twenty minutes, um, works"], ["20 minutes works"],
                           drop_hesitations=True) == 0.0
