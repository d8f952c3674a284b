"""The e-mail catalogue: template name → subject (wording after the guides), and which rate budget each
kind of e-mail draws on."""

# A subject is a Jinja template rendered with the e-mail's content, without escaping (it is a
# header, not HTML) and on one line. Subjects name the service; they never carry a secret.
SUBJECTS = {
    "signup_verification_code": "Validation de votre compte EFP CONNECT",
    "signup_attempt_existing_account": "Tentative de création d'un compte EFP Connect avec votre adresse",
    "account_created": "Votre compte EFP Connect est créé",
    "password_reset_code": "Réinitialisation du mot de passe de votre compte EFP Connect",
    "password_changed": "Votre mot de passe a été modifié",
    "codes_locked": "Trop de codes incorrects saisis pour votre adresse",
    "second_factor_changed": (
        "{% if change == 'recovery_code_used' %}Un code de secours a été utilisé pour vous connecter"
        "{% else %}Votre double authentification a été modifiée{% endif %}"
    ),
    "email_change_code": "Votre code de vérification",
    "email_changed": "Votre adresse e-mail a été modifiée",
    "account_deleted": "Votre compte EFP Connect a été supprimé",
    "inactive_account_warning": "Votre compte EFP Connect va être supprimé",
    "access_request_received": "Nouvelle demande d'accès au service numérique {{ service_label }}",
    "access_request_resent": "Relance d'une demande d'accès au service numérique {{ service_label }}",
    "access_granted": "Vous avez obtenu une nouvelle habilitation d'accès au service numérique {{ service_label }}",
    "access_refused": "Votre demande d'accès au service numérique {{ service_label }} a été refusée",
    "invitation": "Invitation à rejoindre le service numérique {{ service_label }}",
    "invitation_resent": "Relance : invitation à rejoindre le service numérique {{ service_label }}",
    "habilitation_ending_soon": "Fin prochaine d'une habilitation d'accès au service numérique {{ service_label }}",
    "habilitation_ended": "Fin de votre habilitation d'accès au service numérique {{ service_label }}",
    "manager_right_granted": "Vous êtes responsable des accès au service numérique {{ service_label }}",
    "manager_right_withdrawn": (
        "Retrait de votre droit de responsable des accès au service numérique {{ service_label }}"
    ),
    "activation_code_redeemed": (
        "Nouveau responsable des accès par code d'activation au service numérique {{ service_label }}"
    ),
}

MASK = "••••••"

# Security notices tell a person that something changed on their account or their organisation's
# access: throttled, they would be the first thing an attacker silences (flood the address, then act).
# None can be asked for at will by a stranger: each follows an action that needs the account, a
# manager's rights or an activation code. (`account_created` is a welcome sent once per account;
# the notice of a sign-up on an existing address, which anyone can cause, stays budgeted. The notice
# that wrong codes locked an address is caused by a stranger, but at most once a day per purpose.
# A change of second factor needs a session and a fresh second factor; the notice of a recovery code
# used needs one of the account's ten single-use codes. A replayed TOTP code, which whoever saw a code
# can repeat, is logged but not notified. A change of address needs the password and a code sent to
# the new address; the deletion notice, the password and is sent once per account.)
SECURITY_NOTICES = frozenset(
    {
        "password_changed",
        "email_changed",
        "account_deleted",
        "codes_locked",
        "second_factor_changed",
        "manager_right_granted",
        "manager_right_withdrawn",
        "activation_code_redeemed",
    }
)
SIGNUP, RESET, OTHER = "signup", "reset", "other"
FAMILIES = (SIGNUP, RESET, OTHER)
# Rate budgets by purpose: a flood of sign-up e-mails to an address must not use up the budget
# its password reset needs. The code proving a new address (a change of e-mail) is asked for like a
# sign-up's, by whoever has an account, for any address: it draws on the sign-up budget.
BUDGET_FAMILIES = {
    "signup_verification_code": SIGNUP,
    "signup_attempt_existing_account": SIGNUP,
    "email_change_code": SIGNUP,
    "password_reset_code": RESET,
}


def budget_family(template: str) -> str | None:
    """The rate budget `template` draws on, None for a security notice (never throttled)."""
    if template in SECURITY_NOTICES:
        return None
    return BUDGET_FAMILIES.get(template, OTHER)
