"""The e-mail catalogue: template name → subject. Wording after the guides."""

# A subject is a Jinja template rendered with the e-mail's content, without escaping (it is a
# header, not HTML) and on one line. Subjects name the service; they never carry a secret.
SUBJECTS = {
    "signup_verification_code": "Validation de votre compte EFP CONNECT",
    "signup_attempt_existing_account": "Tentative de création d'un compte EFP Connect avec votre adresse",
    "account_created": "Votre compte EFP Connect est créé",
    "password_reset_code": "Réinitialisation du mot de passe de votre compte EFP Connect",
    "password_changed": "Votre mot de passe a été modifié",
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
