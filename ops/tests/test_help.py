"""Every command of efp-ops documents itself, and bad arguments exit with 2 before anything is reached."""

import argparse
import io
import subprocess
import sys
from pathlib import Path

import pytest

from efp_ops.cli import main, parser
from efp_ops.output import render

COMMAND = [sys.executable, "-m", "efp_ops"]


def _commands(node: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every noun and every verb of the tree, as argument paths."""
    found = [path]
    for action in node._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                found += _commands(child, (*path, name))
    return found


ALL = _commands(parser())


def test_the_tree_has_every_operation_the_operators_need() -> None:
    verbs = {path for path in ALL if len(path) == 2}
    assert verbs == {
        ("agents", "create"),
        ("activation-codes", "issue"),
        ("activation-codes", "revoke"),
        ("activation-codes", "list"),
        ("dead-letters", "list"),
        ("dead-letters", "replay"),
        ("emails", "abandoned"),
        ("emails", "requeue"),
        ("sirene", "import"),
        ("show", "access-request"),
        ("show", "invitation"),
        ("show", "habilitation"),
        ("sweep", "once"),
        ("oidc-clients", "add"),
        ("oidc-clients", "list"),
        ("oidc-clients", "rotate-secret"),
        ("oidc-clients", "disable"),
        ("oidc-keys", "rotate"),
    }


@pytest.mark.parametrize(
    "command", [COMMAND, [str(Path(sys.executable).with_name("efp-ops"))]], ids=["module", "script"]
)
def test_both_entry_points_answer_help(command: list[str]) -> None:
    done = subprocess.run([*command, "--help"], capture_output=True, text=True, timeout=60, check=False)

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: efp-ops")


# In-process from here: one interpreter start per command would take minutes for nothing more.
@pytest.mark.parametrize("path", ALL, ids=lambda path: " ".join(path) or "efp-ops")
def test_every_command_has_help_in_english(path: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([*path, "--help"])

    assert exit_.value.code == 0
    shown = capsys.readouterr().out
    assert shown.startswith("usage: efp-ops")
    # Machine-facing text stays English: none of the French words the services' messages use.
    for french in ("Veuillez", "introuvable", "demande", "fichier", " le ", " les "):
        assert french not in shown, french


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["agents"],
        ["agents", "create", "--email", "a@b.fr"],
        ["dead-letters", "replay"],
        ["dead-letters", "replay", "--all", "m-1"],
        ["show", "access-request"],
        ["activation-codes", "issue", "--siret", "1", "--agent", "a@b.fr", "--format", "xml"],
    ],
)
def test_bad_arguments_exit_with_2_and_print_nothing_on_stdout(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(argv)

    assert exit_.value.code == 2
    printed = capsys.readouterr()
    assert printed.out == ""
    assert "usage:" in printed.err


def test_a_missing_file_is_a_bad_argument_found_before_the_database() -> None:
    done = subprocess.run(
        [*COMMAND, "sirene", "import", "--unites-legales", "/nonexistent/a.csv", "--etablissements", "/nonexistent/b"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        # Nothing listens there: reaching for the database would fail differently (exit 1, "unavailable").
        env={"MONGODB_URL": "mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=100", "PATH": ""},
    )

    assert done.returncode == 2, done.stderr
    assert done.stdout.strip() == '{"error": "file_not_found", "path": "/nonexistent/a.csv"}'


def test_a_table_shows_one_object_as_fields_and_several_as_columns() -> None:
    one, several = io.StringIO(), io.StringIO()

    render([{"state": "accepted", "history": [{"trigger": "submit"}]}], "table", one)
    render(
        [{"queue": "q", "message_id": "m-1"}, {"queue": "q", "message_id": "m-22", "reason": None}], "table", several
    )

    assert one.getvalue().splitlines() == [
        "field    value",
        "-------  -----------------------",
        "state    accepted",
        'history  [{"trigger": "submit"}]',
    ]
    assert several.getvalue().splitlines() == [
        "queue  message_id  reason",
        "-----  ----------  ------",
        "q      m-1",
        "q      m-22",
    ]
