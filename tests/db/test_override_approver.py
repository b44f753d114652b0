"""Issue 22 point 3: the override approver is told exactly what stands in the way."""

from __future__ import annotations

import pytest

from girlscourt.errors import ValidationError
from girlscourt.services.intake.intake import approver_from_credentials
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.security import accounts

SUPERVISOR_PASSWORD = "supervisor on the late shift"


def test_a_supervisor_with_a_temporary_password_is_told_to_change_it(
    core: Core, admin: Actor, officer: Actor
) -> None:
    accounts.create_user(core, admin, "sup", "supervisor", SUPERVISOR_PASSWORD, "Sam Sup")
    assert approver_from_credentials(core, "sup", SUPERVISOR_PASSWORD).username == "sup"
    temporary = accounts.admin_reset_password(core, admin, "sup")
    with pytest.raises(ValidationError) as refused:
        approver_from_credentials(core, "sup", temporary)
    assert str(refused.value) == (
        "approver: sup must choose a new password (signing in once) before approving"
    )
    with pytest.raises(ValidationError, match="approver: officer is not a supervisor"):
        approver_from_credentials(core, "officer", "intake desk night shift")
