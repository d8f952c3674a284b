"""The e-mail catalogue: template name → subject. Wording after the guides."""

SUBJECTS = {
    "signup_verification_code": "Validation de votre compte EFP CONNECT",
    "signup_attempt_existing_account": "Tentative de création d'un compte EFP Connect avec votre adresse",
    "account_created": "Votre compte EFP Connect est créé",
    "password_reset_code": "Réinitialisation de votre mot de passe EFP CONNECT",
    "password_changed": "Votre mot de passe a été modifié",
}

MASK = "••••••"
