"""Issue 14, finding 10: an agent of a région issues, lists and revokes the activation codes of that
région's establishments only; an agent with no région (the central administration) acts nationwide."""

import pytest

from contracts import activation as a
from habilitation.domain.errors import Forbidden
from habilitation.domain.region import region_code, region_of_commune, region_of_establishment, region_of_postcode
from services.habilitation.tests.unit.activation.samples import AGENT, CONTEXT, SIRET
from services.habilitation.tests.unit.activation.test_activation_agent_use_cases import World

pytestmark = pytest.mark.unit
# The sample establishment is in Grenoble (38000): Auvergne-Rhône-Alpes, région 84.
IN_REGION = AGENT.model_copy(update={"region": "Auvergne-Rhône-Alpes"})
ELSEWHERE = AGENT.model_copy(update={"account_id": "agent-2", "region": "52"})


@pytest.mark.parametrize(
    ("postcode", "region"),
    [("38000", "84"), ("75015", "11"), ("20000", "94"), ("97400", "04"), ("97600", "06"), ("33000", "75")],
)
def test_the_region_of_a_postcode_is_its_departments(postcode: str, region: str) -> None:
    assert region_of_postcode(postcode) == region


@pytest.mark.parametrize("postcode", ["", "3800", "ABCDE", "99000"])
def test_what_is_not_a_french_postcode_has_no_region(postcode: str) -> None:
    assert region_of_postcode(postcode) is None


@pytest.mark.parametrize(
    ("commune", "region"),
    [("38185", "84"), ("75056", "11"), ("2A004", "94"), ("2b033", "94"), ("97411", "04"), ("97611", "06")],
)
def test_the_region_of_a_commune_code_is_its_departments(commune: str, region: str) -> None:
    assert region_of_commune(commune) == region


@pytest.mark.parametrize("commune", ["", "3818", "ABCDE", "99001", "2C004"])
def test_what_is_not_an_insee_commune_code_has_no_region(commune: str) -> None:
    assert region_of_commune(commune) is None


def test_the_commune_code_wins_over_a_postcode_of_the_neighbouring_departments_post_office() -> None:
    assert region_of_establishment("44036", "35130") == "52"  # Loire-Atlantique, though its postcode is Bretagne's
    assert region_of_establishment("", "35130") == "53"  # no commune code: the postcode decides


@pytest.mark.parametrize("written", ["84", "Auvergne-Rhône-Alpes", "auvergne rhone alpes", " AUVERGNE-RHÔNE-ALPES "])
def test_an_agents_region_is_read_from_its_code_or_its_name(written: str) -> None:
    assert region_code(written) == "84"


async def test_an_agent_of_the_region_issues_lists_and_revokes_its_codes() -> None:
    world = World()

    issued = await world.issue(a.IssueActivationCodeV1(actor=IN_REGION, service="ceres", siret=SIRET), CONTEXT)
    listed = await world.list(a.ListActivationCodesV1(actor=IN_REGION, siret=SIRET), CONTEXT)
    revoked = await world.revoke(a.RevokeActivationCodeV1(actor=IN_REGION, activation_code_id=issued.id), CONTEXT)

    assert [c.id for c in listed.activation_codes] == [issued.id]
    assert revoked.state == "revoked"


async def test_an_agent_of_another_region_can_neither_issue_nor_see_nor_revoke() -> None:
    world = World()
    issued = await world.issue(a.IssueActivationCodeV1(actor=AGENT, service="ceres", siret=SIRET), CONTEXT)

    with pytest.raises(Forbidden, match="votre région \\(Pays de la Loire\\)"):
        await world.issue(a.IssueActivationCodeV1(actor=ELSEWHERE, service="ceres", siret=SIRET), CONTEXT)
    with pytest.raises(Forbidden):
        await world.list(a.ListActivationCodesV1(actor=ELSEWHERE, siret=SIRET), CONTEXT)
    with pytest.raises(Forbidden):
        await world.revoke(a.RevokeActivationCodeV1(actor=ELSEWHERE, activation_code_id=issued.id), CONTEXT)

    assert [c.id for c in world.codes.docs.values()] == [issued.id]
    assert world.codes.docs[issued.id].state.value == "issued"


async def test_an_agent_whose_region_names_none_is_refused_rather_than_nationwide() -> None:
    world = World()
    lost = AGENT.model_copy(update={"region": "Atlantide"})

    with pytest.raises(Forbidden, match="n'est pas reconnue"):
        await world.issue(a.IssueActivationCodeV1(actor=lost, service="ceres", siret=SIRET), CONTEXT)
