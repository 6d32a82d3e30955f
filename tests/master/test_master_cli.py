"""`crmclean master ...` as a user runs it, and a real SIGKILL in the middle of `master add`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl

from crmclean.cli import main
from crmclean.master import store

DATA = Path(__file__).parent / "data"
SHOP, CRM, LOYALTY = DATA / "shop_ru.csv", DATA / "crm_en.csv", DATA / "loyalty.csv"


def crmclean(*args: str, env: dict | None = None, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "crmclean", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin", "COLUMNS": "200", **(env or {})},
        check=False,
    )


def snapshot(root: Path) -> dict[str, bytes]:
    return {n: (root / n).read_bytes() for n in store.USER_FILES}


def test_build_add_show_export(tmp_path, capsys):
    root = tmp_path / "m"
    assert (
        main(["master", "build", str(root), str(SHOP), str(CRM), "-s", "shop", "-s", "crm", "-f", "json"])
        == 0
    )
    assert json.loads(capsys.readouterr().out) == {
        "version": 1,
        "master": str(root),
        "records": 10,
        "customers": 7,
    }
    code = main(["master", "add", str(root), str(LOYALTY), "--max-merge-share", "0.5", "-f", "json"])
    summary = json.loads(capsys.readouterr().out)
    assert code == 0 and summary["merged_codes"] == 1 and summary["new_codes"] == 1 and summary["written"]
    assert main(["master", "show", str(root), "CUST-0000007"]) == 0  # retired: leads to the survivor
    out = capsys.readouterr().out
    assert "CUST-0000007 was merged into CUST-0000005" in out and "merged CUST-0000005 CUST-0000007" in out
    assert "dmitry.volkov" not in out and "dm***@mail.ru" in out  # masked by default
    assert main(["master", "show", str(root), "CUST-0000005", "--show-values"]) == 0
    assert "dmitry.volkov@mail.ru" in capsys.readouterr().out
    target = tmp_path / "golden.xlsx"
    assert main(["master", "export", str(root), "-o", str(target)]) == 0
    golden = pl.read_excel(target)
    assert golden.height == 7 and golden.columns[:3] == ["customer_code", "records", "sources"]


def test_errors_are_one_line_exit_2(tmp_path):
    result = crmclean("master", "add", str(tmp_path / "nothing"), str(LOYALTY))
    assert result.returncode == 2 and "is not a customer master" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    root = tmp_path / "m"
    assert crmclean("master", "build", str(root), str(SHOP)).returncode == 0
    result = crmclean("master", "add", str(root), str(tmp_path / "missing.csv"))
    assert result.returncode == 2 and "missing.csv: no such file" in result.stderr
    assert crmclean("master", "show", str(root), "CUST-9999999").returncode == 2
    assert crmclean("master", "build", str(tmp_path / "x"), str(SHOP), "--code-prefix", "A B").returncode == 2


def test_merge_gate_exits_1_and_writes_nothing(master_dir):
    before = snapshot(master_dir)
    result = crmclean("master", "add", str(master_dir), str(LOYALTY))  # default: at most 5 % merged
    assert result.returncode == 1 and "would merge 1 of 7 customer codes" in result.stderr
    assert snapshot(master_dir) == before


def test_match_answers_each_record_without_changing_the_master(master_dir):
    before = snapshot(master_dir)
    lines = [
        {
            "Имя": "Иван",
            "Фамилия": "Петров",
            "Телефон": "+7 912 345 67 89",
            "Эл. почта": "IVAN.PETROV@gmail.com",
        },
        {"first_name": "Olga", "last_name": "Novak", "email": "olga@@example.com"},
        {"first_name": "Dmitry", "last_name": "Volkov", "phone": "8 925 123-45-67", "country": "RU"},
    ]
    stdin = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n"
    result = crmclean("master", "match", str(master_dir), stdin=stdin)
    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["line"] for a in answers] == [1, 2, 3]
    assert answers[0]["customer_code"] == "CUST-0000001" and answers[0]["score"] >= 0.9
    assert answers[0]["normalized"]["email"] == "ivan.petrov@gmail.com"
    assert answers[0]["normalized"]["phone"] == "+79123456789"
    assert answers[1]["customer_code"] == "new" and answers[1]["findings"][0]["column"] == "email"
    assert answers[2]["customer_code"] == "CUST-0000007"  # E5's phone
    assert snapshot(master_dir) == before
    bad = crmclean("master", "match", str(master_dir), stdin='{"email": "a@b.co"}\nnot json\n')
    assert bad.returncode == 2 and "line 2: not valid JSON" in bad.stderr
    assert json.loads(bad.stdout.splitlines()[1])["error"]


def test_sigkill_during_add_leaves_the_old_master(master_dir):
    before = snapshot(master_dir)
    link = os.readlink(master_dir / "current")
    env = {"NO_COLOR": "1", "PATH": "/usr/bin:/bin", store.PAUSE_ENV: "30"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "crmclean",
            "master",
            "add",
            str(master_dir),
            str(LOYALTY),
            "--max-merge-share",
            "1",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    written = master_dir / "versions" / "000002" / "state.json"  # the new version, not yet swapped in
    deadline = time.monotonic() + 180  # a loaded machine reads and scores slowly
    while not written.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    assert written.exists(), "the add never reached its swap"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert os.readlink(master_dir / "current") == link
    assert snapshot(master_dir) == before
    assert store.load(master_dir).index.height == 10
    # the next writer removes the debris and completes the same batch
    result = crmclean("master", "add", str(master_dir), str(LOYALTY), "--max-merge-share", "1")
    assert result.returncode == 0, result.stderr
    assert store.load(master_dir).index.height == 14
    assert sorted(p.name for p in (master_dir / "versions").iterdir()) == ["000001", "000002"]


def test_sigkill_at_any_moment_leaves_a_whole_master(master_dir):
    """Killed after a random delay (reading, scoring or writing): the old or the new master, whole."""
    before = snapshot(master_dir)
    for delay in (0.3, 0.8, 1.2, 1.6):
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "crmclean",
                "master",
                "add",
                str(master_dir),
                str(LOYALTY),
                "--max-merge-share",
                "1",
            ],
            env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        m = store.load(master_dir)
        if m.state["master_version"] == 1:
            assert snapshot(master_dir) == before
        else:
            assert m.index.height == 14 and m.golden.height == 7
            return
