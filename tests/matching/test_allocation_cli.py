"""``python -m matching.allocation``: the result on stdout or in a file, and bad input
refused with status 2 and one line on stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]

VALID: dict[str, Any] = {
    "students": [
        {"id": "s1", "preferences": ["b2", "b7"]},
        {"id": "s2", "preferences": ["b2"]},
        {"id": "s3", "preferences": []},
    ],
    "briefs": [
        {"id": "b2", "organisation": "o1", "capacity": 1, "min_team": 0},
        {"id": "b7", "organisation": "o2", "capacity": 2},
    ],
    "organisations": [
        {"id": "o1", "capacity": 5, "ranking": ["s2", "s1"]},
        {"id": "o2", "capacity": 2, "ranking": ["s1"]},
    ],
    "scores": {"s1": {"b2": 87, "b7": 60}, "s2": {"b2": 20}},
}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "matching.allocation", *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def write(tmp_path: Path, data: object) -> str:
    path = tmp_path / "in.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def test_stable_result_on_stdout(tmp_path: Path) -> None:
    done = run(write(tmp_path, VALID), "--mode", "stable")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["assignment"] == {"s1": "b7", "s2": "b2", "s3": None}
    assert (out["placed"], out["mean_rank"], out["total_score"]) == (2, 1.5, 80.0)
    assert out["blocking_pairs"] == 0
    assert out["under_minimum"] == []
    assert out["ranks"] == {"s1": 2, "s2": 1, "s3": None}
    assert out["unplaced_reasons"] == {"s3": "no_preferences"}
    assert out["optimality_gap"] is None
    assert out["solve_ms"] >= 0


def test_welfare_result_in_a_file(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    done = run(write(tmp_path, VALID), "--mode", "welfare", "--out", str(target))
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    out = json.loads(target.read_text(encoding="utf-8"))
    assert out["assignment"] == {"s1": "b2", "s2": None, "s3": None}
    assert out["total_score"] == 87.0
    assert out["optimality_gap"] == 0.0
    assert out["blocking_pairs"] == 1  # (s2, b2): o1 prefers s2; best fit is not stable


def _changed(change: Callable[[dict[str, Any]], object]) -> dict[str, Any]:
    data = json.loads(json.dumps(VALID))
    change(data)
    return data


BAD_INPUTS: list[tuple[str, object, tuple[str, ...], str]] = [
    ("malformed JSON", '{"students": [', (), "not valid JSON"),
    ("not an object", "[1, 2]", (), "must be a JSON object"),
    ("no students", _changed(lambda d: d.pop("students")), (), "'students' must be a list"),
    (
        "brief listed twice",
        _changed(lambda d: d["students"][1]["preferences"].append("b2")),
        (),
        "student 's2' lists brief 'b2' twice",
    ),
    (
        "unknown brief",
        _changed(lambda d: d["students"][0]["preferences"].append("b9")),
        (),
        "unknown brief 'b9'",
    ),
    (
        "unknown organisation",
        _changed(lambda d: d["briefs"][1].update(organisation="o9")),
        (),
        "unknown organisation 'o9'",
    ),
    (
        "negative capacity",
        _changed(lambda d: d["organisations"][0].update(capacity=-2)),
        (),
        "must not be negative",
    ),
    (
        "student missing from a ranking",
        _changed(lambda d: d["organisations"][0]["ranking"].remove("s1")),
        (),
        "organisation 'o1' does not rank them",
    ),
    (
        "missing score in welfare mode",
        _changed(lambda d: d["scores"].pop("s2")),
        ("--mode", "welfare"),
        "missing scores['s2']['b2']",
    ),
    ("unknown mode", VALID, ("--mode", "fastest"), "invalid choice"),
]


@pytest.mark.parametrize(
    ("data", "extra", "message"),
    [case[1:] for case in BAD_INPUTS],
    ids=[case[0] for case in BAD_INPUTS],
)
def test_bad_input_exits_2_with_one_line(
    tmp_path: Path, data: object, extra: tuple[str, ...], message: str
) -> None:
    done = run(write(tmp_path, data), *extra)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert message in done.stderr


def test_missing_file_and_missing_argument(tmp_path: Path) -> None:
    for args in ([str(tmp_path / "nowhere.json")], []):
        done = run(*args)
        assert done.returncode == 2
        assert len(done.stderr.splitlines()) == 1, done.stderr
        assert "Traceback" not in done.stderr
    assert "cannot read" in run(str(tmp_path / "nowhere.json")).stderr


def test_the_stable_command_loads_neither_django_nor_numpy(tmp_path: Path) -> None:
    """Importing numpy alone would cost the stable command a third of its time."""
    code = (
        "import sys; from matching.allocation import main;"
        f"main([{write(tmp_path, VALID)!r}, '--out', {str(tmp_path / 'out.json')!r}]);"
        "assert not {'django', 'numpy', 'scipy'} & set(sys.modules), sorted(sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-500:]
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["placed"] == 2
