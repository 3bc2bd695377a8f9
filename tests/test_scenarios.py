"""Scenario files: validation errors name the file and the field; bad files don't sink a catalog."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from dialog.scenario import (
    BUILTIN_DIR,
    ScenarioFileError,
    UnknownScenarioError,
    load_scenario,
    load_scenarios,
)


def _plain(node: object) -> object:
    """A deep copy with YAML's boolean `on` key turned back into "on" (and anchors unshared)."""
    if isinstance(node, dict):
        return {("on" if k is True else k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


def _good() -> dict:
    data = _plain(yaml.safe_load((BUILTIN_DIR / "price-pressure.yaml").read_text()))
    assert isinstance(data, dict)
    return data


def _write(tmp_path: Path, name: str, data: dict | str) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False))
    return path


def _renamed(data: dict, new_id: str) -> dict:
    data["id"] = new_id
    return data


def test_transition_to_missing_state_names_file_and_field(tmp_path: Path) -> None:
    data = _renamed(_good(), "broken")
    data["states"]["opening"]["on"]["propose_next_step"] = [{"to": "nowhere"}]
    path = _write(tmp_path, "broken", data)
    with pytest.raises(ScenarioFileError) as err:
        load_scenario(path)
    assert err.value.path == path
    assert err.value.field == "states.opening.on.propose_next_step[0].to"
    assert "nowhere" in err.value.message
    assert "broken.yaml" in str(err.value)


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda d: d.pop("personas"), "personas"),
        (lambda d: d["personas"][1].update(name=d["personas"][0]["name"]), "personas[1].name"),
        (lambda d: d["personas"][0]["voice"].update(pitch_semitones=9), "personas[0].voice.pitch_semitones"),
        (lambda d: d["personas"][0].update(adjust={"patience": -5}), "personas[0].adjust"),
        (lambda d: d["personas"][0].update(adjust={"temper": 1}), "personas[0].adjust"),
        (lambda d: d["personas"][0].update(adjust={"patience": 0.5}), "personas[0].adjust"),
        (lambda d: d["difficulties"]["hard"].update(cut_in_after_s=1), "difficulties.hard.cut_in_after_s"),
        (lambda d: d["difficulties"].pop("hard"), "difficulties"),
        (lambda d: d["difficulties"]["easy"].update(firm_to_win=0), "difficulties.easy.firm_to_win"),
        (lambda d: d.update(wait_for_rep_s="soon"), "wait_for_rep_s"),
        (lambda d: d["states"]["probe"].update(lines=[]), "states.probe.lines"),
        (lambda d: d["states"]["probe"]["on"].update(shout=[{"to": "probe"}]), "states.probe.on.shout"),
        (lambda d: d["states"]["convinced"].pop("outcome"), "states.convinced.outcome"),
        (lambda d: d["states"]["convinced"].update(outcome="maybe"), "states.convinced.outcome"),
        (lambda d: d.update(start="hello"), "start"),
        (lambda d: d["states"]["probe"].update(lines=["Make it {discount}."]), "states.probe.lines[0]"),
        (lambda d: d["states"]["opening"]["on"]["concede"][1].update(min_caves="lots"),
         "states.opening.on.concede[1].min_caves"),
        (lambda d: d.update(colour="red"), "colour"),
    ],
)
def test_each_mistake_names_its_field(tmp_path: Path, mutate, field: str) -> None:
    data = _renamed(_good(), "bad")
    mutate(data)
    path = _write(tmp_path, "bad", data)
    with pytest.raises(ScenarioFileError) as err:
        load_scenario(path)
    assert err.value.field == field, str(err.value)
    assert err.value.path == path


def test_id_must_match_file_name(tmp_path: Path) -> None:
    path = _write(tmp_path, "other-name", _good())
    with pytest.raises(ScenarioFileError) as err:
        load_scenario(path)
    assert err.value.field == "id"


def test_not_yaml_or_not_a_mapping(tmp_path: Path) -> None:
    with pytest.raises(ScenarioFileError, match="not valid YAML"):
        load_scenario(_write(tmp_path, "junk", "id: [unclosed\n"))
    with pytest.raises(ScenarioFileError, match="mapping"):
        load_scenario(_write(tmp_path, "list", "- a\n- b\n"))


def test_catalog_keeps_good_files_and_reports_bad_ones(tmp_path: Path) -> None:
    _write(tmp_path, "price-pressure", _good())
    bad = _renamed(_good(), "half-done")
    bad["states"]["probe"]["on"]["concede"] = [{"to": "missing-state"}]
    bad_path = _write(tmp_path, "half-done", bad)
    catalog = load_scenarios(tmp_path)
    assert catalog.ids() == ["price-pressure"]
    assert len(catalog.errors) == 1
    assert catalog.errors[0].path == bad_path
    assert catalog.errors[0].field == "states.probe.on.concede[0].to"
    assert "price-pressure" in catalog and len(catalog) == 1


def test_unknown_scenario_lists_known_ids(tmp_path: Path) -> None:
    _write(tmp_path, "price-pressure", _good())
    with pytest.raises(UnknownScenarioError, match="price-pressure"):
        load_scenarios(tmp_path).get("nope")


def test_missing_directory_is_an_error_not_a_crash(tmp_path: Path) -> None:
    catalog = load_scenarios(tmp_path / "absent")
    assert len(catalog) == 0 and len(catalog.errors) == 1


def test_unknown_difficulty(tmp_path: Path) -> None:
    s = load_scenario(_write(tmp_path, "price-pressure", _good()))
    with pytest.raises(ValueError, match="insane"):
        s.difficulty("insane")


def test_worked_example_in_docs_loads(tmp_path: Path) -> None:
    import re

    doc = (Path(__file__).parent.parent / "docs" / "scenarios.md").read_text()
    blocks = re.findall(r"```yaml\n(.*?)```", doc, re.S)
    example = next(b for b in blocks if b.startswith("id: budget-freeze"))
    scenario = load_scenario(_write(tmp_path, "budget-freeze", example))
    assert scenario.id == "budget-freeze"
    assert len(scenario.personas) == 3 and scenario.difficulty("hard").cut_in_after_s == 20
    # the personas shown are price-pressure's own
    shown = next(b for b in blocks if b.startswith("personas:"))
    from dialog.scenario import Persona, builtin_catalog

    personas = [Persona.model_validate(p) for p in yaml.safe_load(shown)["personas"]]
    assert personas == builtin_catalog().get("price-pressure").personas


def test_server_starts_with_the_valid_scenarios_beside_a_bad_file(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from server.http.app import create_app
    from server.settings import Settings

    good = _plain(yaml.safe_load((BUILTIN_DIR / "send-info.yaml").read_text()))
    assert isinstance(good, dict)
    good["id"] = "my-send-info"
    (tmp_path / "my-send-info.yaml").write_text(yaml.safe_dump(good))
    (tmp_path / "broken.yaml").write_text("id: broken\ntitle: [unclosed\n")
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    for path in tmp_path.glob("*.yaml"):
        path.rename(scenarios / path.name)
    app = create_app(Settings(scenario_dir=scenarios, data_dir=tmp_path / "data"))
    assert any("broken.yaml" in str(e) for e in app.state.catalog.errors)
    with TestClient(app, raise_server_exceptions=True) as client:
        ids = [s["id"] for s in client.get("/api/scenarios").json()]
    assert "my-send-info" in ids and "price-pressure" in ids and "broken" not in ids
