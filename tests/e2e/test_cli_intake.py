"""``intake add`` and ``youth show`` end to end (in-process CLI: same parser, same exit codes)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from girlscourt.cli.main import main
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.security import accounts, training
from tests.conftest import ADMIN_PASSWORD
from tests.support import (
    SUPERVISOR_PASSWORD,
    register,
    risk_answers,
    screening_responses,
    supervisor,
)


@pytest.fixture
def cli(
    db_url: str,
    core: Core,
    admin: Actor,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("GIRLSCOURT_PASSWORD", ADMIN_PASSWORD)

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--database", db_url, "--user", "admin", *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def write(tmp_path: Path, document: dict[str, object]) -> str:
    path = tmp_path / "intake.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def test_intake_add_then_show_lists_episode_deadlines_and_checklist(
    cli, core: Core, admin: Actor, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    training.add_training(core, admin, "admin", "csec_awareness", core.today(), hours=4)
    youth_id = register(core, admin)
    document = {
        "youth_id": youth_id,
        "custody_start": "2026-11-25T21:40:00-08:00",
        "charges": [{"code": "PC 211", "level": "felony", "violent": True}],
        "petition_filed_at": "2026-11-25T22:10:00-08:00",
        "housing_unit": "Unit 4 (girls)",
        "screening": {"responses": screening_responses(ex_exchange_for_value="clear")},
        "risk": {"answers": risk_answers()},
        "decision": {"decision": "release"},
    }
    code, out, err = cli("intake", "add", "--json", write(tmp_path, document))
    assert code == 0, err
    episode_id = int(out.strip())
    code, out, _ = cli("youth", "show", str(youth_id), "--json")
    record = json.loads(out)
    assert [e["id"] for e in record["episodes"]] == [episode_id]
    assert record["screenings"][0]["result_level"] == "clear_concern"
    by_rule = {d["rule"]: d for d in record["deadlines"]}
    assert by_rule["WIC632a"]["due"].startswith("2026-11-30T23:59:59")
    assert by_rule["WIC632a"]["citation"] and by_rule["WIC632a"]["state"] in {
        "open",
        "met",
        "breached",
    }
    assert {c["step"] for c in record["checklist"]} >= {"crisis_advocate", "mdt_referral"}


def test_override_needs_approver_on_the_command_line(
    cli, core: Core, admin: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    youth_id = register(core, admin)
    supervisor(core, admin)
    document = {
        "youth_id": youth_id,
        "custody_start": "2026-11-25T21:40:00-08:00",
        "charges": [{"code": "PC 484"}],
        "risk": {"answers": risk_answers()},
        "decision": {
            "decision": "detain",
            "detention_reasons": ["protect_person_or_property"],
            "override_reason_code": "victim_safety",
            "override_narrative": "The victim was threatened at the scene tonight.",
        },
    }
    path = write(tmp_path, document)
    code, _, err = cli("intake", "add", "--json", path)
    assert (
        code == 1
        and err.strip() == "girlscourt: approver: an override needs a supervisor's approval"
    )
    monkeypatch.setenv("GIRLSCOURT_APPROVER_PASSWORD", SUPERVISOR_PASSWORD)
    code, _, err = cli("intake", "add", "--json", path, "--approver", "sup")
    assert code == 0, err


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"custody_start": "2026-11-25T21:40:00"}, "$.custody_start: needs a time zone offset"),
        ({"charges": [{"code": "PC 647(b)"}]}, "charges: under SB 1322"),
        ({"charges": [{"code": "XX 1"}]}, "charges[0].code: 'XX 1' is not on the charge list"),
        ({"colour": "red"}, "$: unknown key 'colour'"),
    ],
)
def test_bad_intake_one_line_exit_1(
    cli, core: Core, admin: Actor, tmp_path: Path, change: dict[str, object], message: str
) -> None:  # type: ignore[no-untyped-def]
    youth_id = register(core, admin)
    document: dict[str, object] = {
        "youth_id": youth_id,
        "custody_start": "2026-11-25T21:40:00-08:00",
        "charges": [{"code": "PC 211"}],
    }
    document.update(change)
    code, _, err = cli("intake", "add", "--json", write(tmp_path, document))
    assert code == 1 and message in err and len(err.strip().splitlines()) == 1


def test_unknown_approver_is_a_login_failure(
    cli, core: Core, admin: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    youth_id = register(core, admin)
    monkeypatch.setenv("GIRLSCOURT_APPROVER_PASSWORD", "whatever it is")
    document = {
        "youth_id": youth_id,
        "custody_start": "2026-11-25T21:40:00-08:00",
        "charges": [{"code": "PC 211"}],
    }
    code, _, _ = cli("intake", "add", "--json", write(tmp_path, document), "--approver", "nobody")
    assert code == 4
    assert accounts.has_users(core)
