from __future__ import annotations

import numpy as np
import pytest

from scoring import prosody
from scoring.confidence import assess_confidence
from scoring.hedges import HedgeKind, detect_hedges
from scoring.moves import TurnConcession
from scoring.turns import Speaker, Turn

SR = 16000


def tone(freq: float, seconds: float, amp: float = 0.3) -> np.ndarray:
    t = np.arange(int(SR * seconds)) / SR
    return (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def glide(f0: float, f1: float, seconds: float, amp: float = 0.3) -> np.ndarray:
    """A voice-like glide: harmonics on an exponential pitch sweep."""
    n = int(SR * seconds)
    f = f0 * (f1 / f0) ** (np.arange(n) / n)
    phase = 2 * np.pi * np.cumsum(f) / SR
    return (sum(amp / k * np.sin(k * phase) for k in range(1, 5))).astype(np.float32)


def silence(seconds: float, noise: float = 1e-4) -> np.ndarray:
    rng = np.random.default_rng(0)
    return (noise * rng.standard_normal(int(SR * seconds))).astype(np.float32)


def rep(text: str, index: int = 0, start: float = 0.0, end: float = 10.0) -> Turn:
    return Turn(index, Speaker.REP, text, start, end)


# ----------------------------------------------------------------- lexical


def kinds(text: str) -> list[tuple[str, str]]:
    return [(str(h.kind), h.phrase) for h in detect_hedges(rep(text))]


def test_hedges_found_with_kinds() -> None:
    got = kinds("Sorry, I think we could maybe just do Tuesday, if that's okay?")
    assert got == [
        ("apology", "sorry"),
        ("hedge", "i think"),
        ("hedge", "maybe"),
        ("minimiser", "just"),
        ("permission", "if that's okay"),
    ]


def test_tag_question_needs_a_statement_before_it() -> None:
    assert ("tag_question", "right") in kinds("That's the price, right?")
    assert kinds("Right. That's the price.") == []
    assert kinds("That's the right price.") == []
    assert ("tag_question", "does that make sense") in kinds("We run it for you. Does that make sense?")


def test_kind_of_as_noun_is_not_a_hedge() -> None:
    assert kinds("What kind of budget do you have?") == []
    assert kinds("It's kind of pricey.") == [("hedge", "kind of")]


def test_hedging_text_scores_lower_than_firm_text() -> None:
    firm = assess_confidence([rep("Our price is forty thousand. It pays for itself in a year.")])
    soft = assess_confidence(
        [rep("Sorry, I think maybe our price is sort of forty thousand, if that's okay? "
             "It just probably pays for itself, right?")]
    )
    assert firm.score > soft.score + 25
    assert firm.signal("hedges").score == 100.0
    assert soft.signal("hedges").value > 5
    assert soft.signal("apologies").value == 1
    assert soft.signal("permission_seeking").value == 1
    assert soft.signal("tag_questions").value == 1
    assert 0 <= soft.score <= 100 and 0 <= firm.score <= 100


def test_pace_from_word_timing() -> None:
    words = " ".join(["word"] * 30)
    slow = assess_confidence([rep(words + ".", end=30.0)]).signal("pace_wpm")  # 60 wpm
    good = assess_confidence([rep(words + ".", end=12.0)]).signal("pace_wpm")  # 150 wpm
    assert slow.value == pytest.approx(60.0)
    assert slow.score == 0.0
    assert good.score == 100.0


def test_empty_call_scores_zero_without_signals() -> None:
    c = assess_confidence([])
    assert c.score == 0.0 and c.signals == ()
    assert c.to_dict()["signals"] == {}


# ----------------------------------------------------------------- prosody


def test_steady_tone_has_no_pitch_range() -> None:
    seg = prosody.analyse_segment(tone(150.0, 2.0), SR)
    assert np.nanmedian(seg.f0) == pytest.approx(150.0, rel=0.01)
    assert prosody.pitch_range_semitones(seg.f0) == pytest.approx(0.0, abs=0.2)


def test_glide_has_large_pitch_range() -> None:
    seg = prosody.analyse_segment(glide(110.0, 220.0, 2.0), SR)  # one octave
    rng = prosody.pitch_range_semitones(seg.f0)
    assert 9.0 < rng < 12.5
    assert prosody.end_rise_semitones(seg.f0) > 2.0  # still rising at the end


def test_long_silence_in_the_middle_is_a_long_pause() -> None:
    audio = np.concatenate([tone(150, 1.5), silence(1.2), tone(150, 1.5)])
    seg = prosody.analyse_segment(audio, SR)
    assert len(seg.long_pauses) == 1
    start, end = seg.long_pauses[0]
    assert start == pytest.approx(1.5, abs=0.05) and end == pytest.approx(2.7, abs=0.05)
    assert seg.pause_ratio == pytest.approx(1.2 / 4.2, abs=0.03)


def test_short_gaps_are_not_long_pauses() -> None:
    audio = np.concatenate([tone(150, 1.0), silence(0.3), tone(150, 1.0)])
    assert prosody.analyse_segment(audio, SR).long_pauses == ()


def test_leading_and_trailing_silence_are_not_pauses() -> None:
    audio = np.concatenate([silence(1.0), tone(150, 1.0), silence(1.0)])
    seg = prosody.analyse_segment(audio, SR)
    assert seg.long_pauses == () and seg.pause_ratio == 0.0
    assert seg.voiced_seconds == pytest.approx(1.0, abs=0.06)


def test_fading_voice_is_less_steady_than_level_voice() -> None:
    level = prosody.analyse_segment(tone(150, 3.0), SR)
    fade = tone(150, 3.0) * np.linspace(1.0, 0.1, 3 * SR).astype(np.float32)
    faded = prosody.analyse_segment(fade, SR)
    assert prosody.loudness_spread_db(level.db, level.voiced) < 0.5
    assert prosody.loudness_spread_db(faded.db, faded.voiced) > 4.0


def test_int16_audio_accepted_and_bad_shapes_rejected() -> None:
    pcm = (tone(150, 1.0) * 32767).astype(np.int16)
    assert prosody.analyse_segment(pcm, SR).voiced_seconds > 0.9
    with pytest.raises(prosody.AudioError):
        prosody.as_mono_float(np.zeros((100, 2), dtype=np.float32))
    with pytest.raises(prosody.AudioError):
        prosody.as_mono_float(np.array([0.0, np.nan]))


# ----------------------------------------------------------------- vocal signals on a call


def test_vocal_signals_from_call_track() -> None:
    # Rep turn 1 spans 0-4 s with a long pause; rep turn 3 spans 6-9 s, a monotone tone.
    track = np.concatenate(
        [tone(150, 1.5), silence(1.0), tone(150, 1.5), silence(2.0), tone(150, 3.0)]
    )
    turns = [
        rep("We hold the price at forty thousand.", 1, 0.0, 4.0),
        Turn(2, Speaker.PROSPECT, "Hmm.", 4.0, 5.5),
        rep("It pays back inside the first year.", 3, 6.0, 9.0),
    ]
    with_audio = assess_confidence(turns, rep_audio=track, sample_rate=SR)
    text_only = assess_confidence(turns)
    assert with_audio.signal("long_pauses").value == 1
    assert with_audio.signal("pitch_range").value == pytest.approx(0.0, abs=0.3)
    assert with_audio.signal("pitch_range").score == 0.0  # flat as a tone
    assert with_audio.signal("loudness_steadiness").score == 100.0
    assert text_only.signal("pitch_range") is None  # vocal omitted, weights renormalised
    assert [s.name for s in text_only.signals if s.group == "vocal"] == ["pace_wpm"]
    assert len(with_audio.signals) > len(text_only.signals)
    assert 0 <= with_audio.score <= 100


def test_expressive_voice_beats_monotone() -> None:
    turns = [rep("We hold the price at forty thousand dollars a year.", 0, 0.0, 4.0)]
    flat = assess_confidence(turns, rep_audio=tone(150, 4.0), sample_rate=SR)
    lively = np.concatenate([glide(120, 200, 2.0), glide(200, 110, 2.0)])
    varied = assess_confidence(turns, rep_audio=lively, sample_rate=SR)
    assert varied.signal("pitch_range").value > 5
    assert varied.score > flat.score


# ----------------------------------------------------------------- behavioural


def test_slow_answer_to_pressure_lowers_response_delay_score() -> None:
    def call(gap: float) -> list[Turn]:
        return [
            Turn(0, Speaker.PROSPECT, "Your competitor is ten percent cheaper.", 0.0, 3.0),
            rep("Our price holds.", 1, 3.0 + gap, 5.0 + gap),
        ]

    quick = assess_confidence(call(0.5)).signal("response_delay")
    slow = assess_confidence(call(5.0)).signal("response_delay")
    assert quick.value == pytest.approx(0.5) and quick.score == 100.0
    assert slow.value == pytest.approx(5.0) and slow.score == 0.0


def test_holding_position_after_refusal() -> None:
    turns = [
        Turn(0, Speaker.PROSPECT, "Can you match their discount?", 0.0, 2.0),
        rep("No, we don't discount.", 1, 2.5, 4.0),
        Turn(2, Speaker.PROSPECT, "Then we're done.", 4.0, 5.0),
        rep("Fine, I can knock ten percent off.", 3, 5.5, 7.0),
    ]
    caved = TurnConcession(3, "price", False, 10.0, "percent", "I can knock ten percent off.", 5.5, 7.0)
    gave_in = assess_confidence(turns, [caved]).signal("held_position")
    held = assess_confidence(turns[:2]).signal("held_position")
    assert gave_in.value == 0.0 and gave_in.score == 0.0
    assert held.value == 1.0 and held.score == 100.0
    traded = TurnConcession(3, "price", True, 10.0, "percent", "If you sign today...", 5.5, 7.0)
    assert assess_confidence(turns, [traded]).signal("held_position").value == 1.0


def test_hedge_kinds_enum_values() -> None:
    assert {str(k) for k in HedgeKind} >= {"hedge", "apology", "permission", "tag_question"}
