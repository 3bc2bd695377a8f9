"""Call-script files, expectation checks, JUnit output and the speech cache; no server needed."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from server.calltest.script import CallScriptError, load_call_script
from server.calltest.runner import CallScriptFailed, ScriptResult, ws_call_url
from server.calltest.report import write_junit
from server.calltest.expectations import check_call
from server.calltest.turn_audio import TurnRenderer

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "scripts"
SCENARIOS = ("time-pressure", "price-pressure", "send-info", "renewal-threat", "bad-fit")


def _script(tmp_path: Path, body: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(body)
    return path


def test_every_built_in_scenario_has_a_holding_and_a_caving_example() -> None:
    for scenario in SCENARIOS:
        for kind in ("hold", "cave"):
            script = load_call_script(EXAMPLES / f"{scenario}-{kind}.yaml")
            assert script.scenario == scenario and script.turns
            assert script.expect.outcomes, script.path
            assert all(t.audio is None or t.audio.is_file() for t in script.turns)


@pytest.mark.parametrize(("body", "field", "words"), [
    ("scenario: x\nturns: [{text: hi}]\nexpect: {outcome: winning}\n", "expect.outcome[0]",
     "'won'"),
    ("scenario: x\nturns: [{text: hi, audio: a.wav}]\n", "turns[0]", "exactly one"),
    ("scenario: x\nturns: [{text: hi}]\nexpectt: {}\n", "expectt", "Extra inputs"),
    ("scenario: x\nturns: [{text: hi}]\nexpect: {prospect_says: [{turn: 0, matches: '(a'}]}\n",
     "expect.prospect_says[0].matches", "regular expression"),
    ("scenario: x\nturns: []\n", "turns", "at least 1"),
    ("scenario: x\nturns: [{text: hi}]\nexpect: {concessions: {allowed: [money]}}\n",
     "expect.concessions.allowed[0]", "price"),
])
def test_a_bad_script_names_the_file_and_the_field(
    tmp_path: Path, body: str, field: str, words: str
) -> None:
    path = _script(tmp_path, body)
    with pytest.raises(CallScriptError) as caught:
        load_call_script(path)
    message = str(caught.value)
    assert f"{path}: {field}: " in message and words in message


def test_a_missing_audio_file_is_named(tmp_path: Path) -> None:
    path = _script(tmp_path, "scenario: x\nturns:\n  - {text: hi}\n  - {audio: takes/nope.wav}\n")
    with pytest.raises(CallScriptError) as caught:
        load_call_script(path)
    assert f"{path}: turns[1].audio: file not found: {tmp_path / 'takes' / 'nope.wav'}" == str(
        caught.value)


def test_yaml_errors_name_the_file(tmp_path: Path) -> None:
    path = _script(tmp_path, "scenario: [unclosed\n")
    with pytest.raises(CallScriptError, match=f"^{path}: not valid YAML"):
        load_call_script(path)


_CARD = {
    "outcome": "won_with_concessions",
    "transcript": "Okay, fine. I can give you 10% off.",
    "concessions": [{"kind": "price", "quote": "I can give you 10% off."}],
    "fillers": {"total": 3, "counts": {"um": 2, "like": 1}},
    "confidence": {"score": 41},
    "overall": 35,
}
_EVENTS = [
    {"type": "prospect", "text": "The other vendor is ten percent cheaper."},
    {"type": "transcript", "text": "Okay, fine. I can give you 10% off."},
    {"type": "prospect", "text": "If you found ten, you can find fifteen."},
    {"type": "scorecard", **_CARD},
]


def test_wrong_expectations_give_readable_reasons(tmp_path: Path) -> None:
    path = _script(tmp_path, """
scenario: price-pressure
turns: [{text: hi}]
expect:
  outcome: [won, walked]
  concessions: {forbidden: [price], max: 0}
  max_fillers: 1
  min_confidence: 60
  min_overall: 70
  prospect_says: [{turn: 1, matches: "twenty"}, {turn: 4, matches: "x"}]
  rep_says: [discount, "ten percent", "10 percent"]
""")
    reasons = check_call(load_call_script(path).expect, _CARD, _EVENTS)
    assert reasons == (
        "outcome was 'won_with_concessions', expected 'won' or 'walked'",
        "1 concession(s), at most 0 allowed: price 'I can give you 10% off.'",
        "forbidden concession: price 'I can give you 10% off.'",
        "3 filler word(s), at most 1 allowed (um×2, like×1)",
        "confidence 41 is below 60",
        "overall score 35 is below 70",
        "prospect line 1 does not match /twenty/: 'If you found ten, you can find fifteen.'",
        "no prospect line 4: the prospect spoke 2 line(s)",
        "the rep never said 'discount', 'ten percent'; heard: 'Okay, fine. I can give you 10% "
        "off.'",
        "rep turn 0 was heard wrong (word error rate 9.00, at most 0.25): said 'hi', heard "
        "'okay fine i can give you 10 percent off'",
    )


def test_matching_expectations_pass(tmp_path: Path) -> None:
    path = _script(tmp_path, """
scenario: price-pressure
turns: [{text: "Okay, fine. I can give you ten percent off."}]
expect:
  outcome: won_with_concessions
  concessions: {allowed: [price], min: 1, max: 1}
  max_fillers: 3
  prospect_says: [{turn: 0, matches: "TEN PERCENT"}, {turn: 1, matches: "fifteen|15"}]
  rep_says: ["10 percent", "OFF"]
""")
    assert check_call(load_call_script(path).expect, _CARD, _EVENTS) == ()
    assert check_call(load_call_script(path).expect, None, []) == (
        "the call ended without a scorecard",)


def _results(tmp_path: Path) -> list[ScriptResult]:
    return [
        ScriptResult(path=tmp_path / "a.yaml", name="a", scenario="price-pressure", failures=(),
                     scorecard=_CARD, events=tuple(_EVENTS), duration_s=1.25),
        ScriptResult(path=tmp_path / "b.yaml", name="b", scenario="send-info",
                     failures=("outcome was 'won', expected 'lost'", "confidence 41 is below 60"),
                     scorecard=_CARD, events=tuple(_EVENTS), duration_s=2.0),
        ScriptResult(path=tmp_path / "c.yaml", name="c", scenario=None,
                     failures=("c.yaml: turns[0].audio: file not found: nope.wav",), broken=True),
    ]


def test_junit_report_has_one_testcase_per_script(tmp_path: Path) -> None:
    out = tmp_path / "reports" / "junit.xml"
    write_junit(_results(tmp_path), out)
    suite = ET.parse(out).getroot()
    assert suite.tag == "testsuite" and suite.get("name") == "walkaway"
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("3", "1", "1")
    assert float(suite.get("time") or 0) == pytest.approx(3.25)
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == ["a", "b", "c"]
    assert cases[0].get("classname") == "walkaway.price-pressure"
    assert cases[0].get("time") == "1.250" and cases[0].get("file") == str(tmp_path / "a.yaml")
    assert cases[0].find("failure") is None and cases[0].find("error") is None
    assert "prospect: The other vendor" in (cases[0].findtext("system-out") or "")
    failure = cases[1].find("failure")
    assert failure is not None and failure.get("type") == "ExpectationFailed"
    assert failure.get("message") == "outcome was 'won', expected 'lost'; confidence 41 is below 60"
    error = cases[2].find("error")
    assert error is not None and "nope.wav" in (error.get("message") or "")


def test_assert_passed_lists_the_reasons_and_the_conversation(tmp_path: Path) -> None:
    passed, failed, _ = _results(tmp_path)
    passed.assert_passed()
    with pytest.raises(CallScriptFailed) as caught:
        failed.assert_passed()
    text = str(caught.value)
    assert "- outcome was 'won', expected 'lost'" in text
    assert "rep: Okay, fine. I can give you 10% off." in text


def test_ws_call_url_accepts_a_base_url() -> None:
    assert ws_call_url("http://h:8000") == "ws://h:8000/ws/call"
    assert ws_call_url("https://h/") == "wss://h/ws/call"
    assert ws_call_url("ws://h:1/ws/call") == "ws://h:1/ws/call"


def test_text_turns_are_rendered_once_and_cached(tmp_path: Path) -> None:
    line = "Twenty minutes will not do it justice."
    first = TurnRenderer(tmp_path)
    audio = first.speak(line)
    assert len(audio) > 16_000 and first.cache_path(line).is_file()
    again = TurnRenderer(tmp_path)
    assert (again.speak(line) == audio).all()
    assert again._tts is None  # served from the cache: the voice never loaded
