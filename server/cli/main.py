"""The `walkaway` command line (docs/cli.md)."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from server.cli.report import print_scorecard
from server.cli.users import users_app
from server.settings import Settings

app = typer.Typer(help="walkaway: voice role-play practice for sales reps.", no_args_is_help=True)
app.add_typer(users_app, name="users")
_OUT = Console()
_ERR = Console(stderr=True)


@app.callback()
def _main(verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="interface to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="port to listen on")] = None,
) -> None:
    """Run the app on http://127.0.0.1:8000 (or --host/--port)."""
    import uvicorn

    from server.http.app import create_app

    settings = Settings()
    overrides = {k: v for k, v in {"host": host, "port": port}.items() if v is not None}
    settings = settings.model_copy(update=overrides)
    logging.getLogger().setLevel(logging.INFO)
    _ERR.print(f"walkaway serving on http://{settings.host}:{settings.port}")
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port,
                log_level="info", ws_max_size=4 * 1024 * 1024)


@app.command()
def scenarios() -> None:
    """List the scenario ids, their difficulties and a one-line brief."""
    from server.call.catalog import load_catalog

    catalog = load_catalog(Settings().scenario_dir)
    for scenario in catalog:
        levels = "/".join(scenario.difficulties)
        _OUT.print(f"[bold]{scenario.id}[/bold]  [dim]({levels})[/dim]  {scenario.brief}")
    for error in catalog.errors:
        _ERR.print(f"[red]not loaded:[/red] {error}")


@app.command()
def call(
    scenario: Annotated[str, typer.Option(help="scenario id (see `walkaway scenarios`)")],
    turn: Annotated[list[Path], typer.Option(help="a WAV/audio file of one rep turn; repeat")],
    difficulty: Annotated[str, typer.Option()] = "normal",
    seed: Annotated[int, typer.Option(help="same seed, same rep turns: same call")] = 0,
    fast: Annotated[bool, typer.Option(help="stream faster than real time")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print the scorecard as JSON")] = False,
    url: Annotated[str | None, typer.Option(help="ws://host:port/ws/call of a running server")]
    = None,
    token: Annotated[str | None, typer.Option(envvar="WALKAWAY_TOKEN",
                                              help="API token for --url (`walkaway users token`)")]
    = None,
) -> None:
    """Play a scripted call from audio files through the real WebSocket protocol."""
    from server.calltest.client import CallClientError, ScriptOptions, run_scripted_call
    from voices.audio import AudioDecodeError, read_audio

    try:
        audio = [read_audio(path) for path in turn]
    except AudioDecodeError as err:
        _ERR.print(f"[red]error:[/red] {err}")
        raise typer.Exit(2) from err
    options = ScriptOptions(scenario=scenario, difficulty=difficulty, seed=seed, fast=fast,
                            token=token if url is not None else None)

    def show(event: dict[str, Any]) -> None:
        if as_json:
            return
        if event["type"] in ("transcript", "prospect"):
            who = "rep" if event["type"] == "transcript" else "prospect"
            _ERR.print(f"[dim]{who}:[/dim] {event['text']}")
        elif event["type"] == "backchannel":  # heard while the rep talks, not a line
            _ERR.print(f"[dim]prospect: ({event['text']})[/dim]")

    async def run() -> dict[str, Any] | None:
        if url is not None:
            return (await run_scripted_call(url, audio, options, show)).scorecard
        from server.http.app import create_app
        from server.http.inprocess import serve_in_process

        # a local scripted call: nobody to sign in; the call is still stored under data_dir;
        # one call needs no other scenario's lines made ahead
        settings = Settings(auth_required=False, warm_lines_at_start=False)
        async with serve_in_process(create_app(settings)) as base:
            ws_url = base.replace("http://", "ws://") + "/ws/call"
            return (await run_scripted_call(ws_url, audio, options, show)).scorecard

    try:
        scorecard = asyncio.run(run())
    except (CallClientError, OSError) as err:
        _ERR.print(f"[red]error:[/red] {err}")
        raise typer.Exit(1) from err
    if scorecard is None:
        _ERR.print("[red]error:[/red] the call ended without a scorecard")
        raise typer.Exit(1)
    scorecard.pop("type", None)
    if as_json:
        print(json.dumps(scorecard))
    else:
        print_scorecard(scorecard, _OUT)


@app.command()
def score(
    audio: Annotated[list[Path], typer.Argument(help="audio files of rep speech")],
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object per line")] = False,
    audio_fillers: Annotated[
        bool, typer.Option("--audio-fillers", help="also count hesitations found in the audio")
    ] = False,
) -> None:
    """Score rep speech with no dialog: fillers, concessions, confidence."""
    from server.scoring_files import score_files

    failed = 0
    limits = Settings().upload_limits()  # WALKAWAY_UPLOAD_MAX_SECONDS holds here too
    for path, result in score_files(audio, _ERR, audio_fillers=audio_fillers, limits=limits):
        if "error" in result:
            failed += 1
            if as_json:
                print(json.dumps({"audio": str(path), "error": result["error"]}))
            _ERR.print(f"[red]error:[/red] {result['error']}")
            continue
        if as_json:
            print(json.dumps({"audio": str(path), **result}), flush=True)
        else:
            _OUT.rule(str(path))
            print_scorecard(result, _OUT)
    if failed:
        raise typer.Exit(1)


@app.command("test")
def test_scripts(
    scripts: Annotated[list[Path], typer.Argument(help="call-script YAML files")],
    url: Annotated[str | None, typer.Option(help="ws://host:port/ws/call of a running server")]
    = None,
    junit: Annotated[Path | None, typer.Option(help="write a JUnit XML report here")] = None,
    token: Annotated[str | None, typer.Option(envvar="WALKAWAY_TOKEN", help="API token")] = None,
    fast: Annotated[bool, typer.Option("--fast/--real-time", help="stream audio")] = True,
    cache_dir: Annotated[Path | None, typer.Option(help="rendered-speech cache")] = None,
    scenario_dir: Annotated[Path | None, typer.Option(help="extra scenarios")] = None,
) -> None:
    """Run call scripts (rep turns in, expected outcome out); exits 1 on any failure."""
    from server.cli.calltest import run_call_tests

    raise typer.Exit(run_call_tests(scripts, url=url, token=token, fast=fast, junit=junit,
                                    cache_dir=cache_dir, scenario_dir=scenario_dir,
                                    out=_OUT, err=_ERR))


@app.command()
def bench(
    calls: Annotated[int, typer.Option(min=1, max=64, help="concurrent calls")] = 1,
    rounds: Annotated[int, typer.Option(min=1, help="calls each caller makes in turn")] = 1,
    turn: Annotated[list[Path] | None, typer.Option(help="rep turn audio; repeat")] = None,
    scenario: Annotated[str, typer.Option()] = "price-pressure",
    url: Annotated[str | None, typer.Option(help="ws://.../ws/call of a running server")] = None,
    token: Annotated[str | None, typer.Option(envvar="WALKAWAY_TOKEN")] = None,
    fast: Annotated[bool, typer.Option(help="stream faster than real time")] = False,
    warmup: Annotated[bool, typer.Option(help="one call first, not measured")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="print the report as JSON")] = False,
) -> None:
    """Measure voice-to-voice latency, speech timings, CPU and memory under N calls."""
    from server.cli.bench import run_bench_command

    report = run_bench_command(calls=calls, rounds=rounds, turns=turn, scenario=scenario,
                               url=url, token=token, fast=fast, warmup=warmup,
                               progress_console=_ERR)
    if as_json:
        print(json.dumps(report.to_dict()))
    else:
        from server.cli.bench import print_report

        print_report(report, _OUT)
    if report.completed_calls < report.calls:
        raise typer.Exit(1)


if __name__ == "__main__":
    app()
