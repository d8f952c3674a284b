"""What the sign-up's pages share: the steps in order, what the person typed (kept in the web session
between steps, for the summary), and the refusals that mean « this registration is not at this step »."""

from typing import Annotated, Any

from fastapi import Path
from starlette.responses import Response

from web.gateway import Problem
from web.page import Page

# Ids go into the gateway's path: nothing but an id's characters.
RegistrationId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
HEADING = "Je crée mon compte EFP Connect"
TOTAL = 5
# The gateway's step → (our path segment, stepper number, stepper title).
STEPS = {
    "verify_email": ("code", 2, "Code de validation"),
    "password": ("mot-de-passe", 3, "Mot de passe"),
    "identity": ("identite", 4, "Identité"),
    "organisation": ("organisation", 5, "Organisation"),
}
ORDER = list(STEPS)
PASSWORD_RULES = [
    ("length", "12 caractères minimum"),
    ("classes", "3 des 4 types de caractères : minuscule, majuscule, chiffre, caractère spécial"),
]
CIVILITIES = [("madame", "Madame"), ("monsieur", "Monsieur")]
# The registration cannot go on: say so and offer to start again, whatever page the person is on.
LOST = {"registration_expired", "not_found", "wrong_step"}


def title_of(step: int) -> str:
    return f"{HEADING} : étape {step} sur {TOTAL}"


def step_path(registration_id: str, step: str) -> str:
    return f"/inscription/{registration_id}/{STEPS[step][0]}"


def values_of(page: Page, registration_id: str) -> dict[str, str]:
    """What this browser typed for this registration (nothing for another one, e.g. the e-mail's link
    opened elsewhere)."""
    flow = page.session.flow
    if flow.get("inscription_id") != registration_id:
        return {}
    prefix = "inscription_"
    return {key.removeprefix(prefix): value for key, value in flow.items() if key.startswith(prefix)}


def remember(page: Page, registration_id: str, **values: str) -> None:
    flow = page.session.flow
    if flow.get("inscription_id") != registration_id:
        for key in [key for key in flow if key.startswith("inscription_")]:
            del flow[key]
        flow["inscription_id"] = registration_id
    for key, value in values.items():
        flow[f"inscription_{key}"] = value
    page.session.changed = True


def forget(page: Page) -> None:
    for key in [key for key in page.session.flow if key.startswith("inscription_")]:
        del page.session.flow[key]
    page.session.changed = True


def ahead(page: Page, registration_id: str, asked: str) -> Response | None:
    """A step further than the one this browser reached: back to the reached one."""
    reached = values_of(page, registration_id).get("etape")
    if reached in STEPS and ORDER.index(reached) < ORDER.index(asked):
        return page.redirect(step_path(registration_id, reached))
    return None


def interrupted(page: Page, registration_id: str, problem: Problem, here: str) -> Response | None:
    """A registration at another step goes to it when this browser knows which; expired or unknown
    ones get a French page offering to start again."""
    if problem.code not in LOST:
        return None
    reached = values_of(page, registration_id).get("etape")
    if problem.code == "wrong_step" and reached in STEPS and reached != here:
        return page.redirect(step_path(registration_id, reached))
    return page.render(
        "pages/sign_up/interrupted.html.j2", "Création de compte interrompue", status_code=409, problem=problem
    )


def step_context(page: Page, registration_id: str, step: str) -> dict[str, Any]:
    number = STEPS[step][1]
    following = ORDER.index(step) + 1
    return {
        "registration_id": registration_id,
        "step": number,
        "total": TOTAL,
        "step_title": STEPS[step][2],
        "next_title": STEPS[ORDER[following]][2] if following < len(ORDER) else None,
        "known": values_of(page, registration_id),
    }
