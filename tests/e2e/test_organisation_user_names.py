"""The organisation's users views name the organisation and each habilitation's establishment, as the directory does."""

import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import RunningSystem
from tests.e2e.access import new_manager

pytestmark = pytest.mark.e2e
# Mathieu Lefèvre's sole-trader business of the SIRENE sample: tests/examples appoint managers there too
# (every organisation of the sample serves several tests), so this test looks at its own manager's line.
LEFEVRE = ("000018101", "00001810100014")


def test_users_and_one_user_carry_the_names_the_directory_gives(
    system: RunningSystem, mail_server: MailRecorder
) -> None:
    siren, siret = LEFEVRE
    manager = new_manager(system, mail_server, siren, siret)
    [organisation] = manager.http.get("/api/v1/organisations", params={"q": siren}).json()["items"]
    establishment = next(e for e in organisation["establishments"] if e["siret"] == siret)

    listed = manager.http.get(f"/api/v1/organisations/{siren}/users")
    one = manager.http.get(f"/api/v1/organisations/{siren}/users/{manager.account_id}")

    assert listed.status_code == 200, listed.text
    assert {u["organisation_name"] for u in listed.json()["items"]} == {organisation["name"]}
    assert one.status_code == 200, one.text
    assert one.json()["organisation_name"] == organisation["name"]
    [held] = one.json()["habilitations"]
    assert (held["siret"], held["establishment_name"]) == (siret, establishment["name"])
    assert one.json() in listed.json()["items"]
