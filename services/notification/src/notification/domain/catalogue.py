"""The e-mail catalogue: template name → subject. Wording after the guides."""

SUBJECTS = {
    "signup_verification_code": "Validation de votre compte EFP CONNECT",
}

MASK = "••••••"
