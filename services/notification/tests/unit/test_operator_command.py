"""The operators' command line: every sub-command documented, arguments checked before any connection."""

import pytest

from notification.entrypoints.operator import parser

SUB_COMMANDS = ["abandoned", "dead-letters", "requeue-email", "requeue-dead-letters"]


@pytest.mark.parametrize("argv", [["--help"], *[[name, "--help"] for name in SUB_COMMANDS]])
def test_every_command_has_help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        parser().parse_args(argv)

    assert exit_.value.code == 0
    assert "usage:" in capsys.readouterr().out


def test_dead_letters_are_requeued_by_ids_or_all_but_not_both() -> None:
    assert parser().parse_args(["requeue-dead-letters", "m-1", "m-2"]).message_ids == ["m-1", "m-2"]
    assert parser().parse_args(["requeue-dead-letters", "--all"]).all

    for argv in (["requeue-dead-letters"], ["requeue-dead-letters", "--all", "m-1"]):
        with pytest.raises(SystemExit) as exit_:
            parser().parse_args(argv)
        assert exit_.value.code == 2


def test_a_requeued_email_names_who_asked() -> None:
    args = parser().parse_args(["requeue-email", "m-1", "--operator", "astreinte"])

    assert (args.email_id, args.operator) == ("m-1", "astreinte")
