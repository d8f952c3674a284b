"""The password rules of the guide, plus two that stop the commonest weak passwords."""

from collections.abc import Callable

from identity.domain.errors import WeakPassword

MIN_LENGTH = 12
MAX_LENGTH = 128  # argon2 takes anything; a ceiling keeps hashing cost bounded
CLASSES_REQUIRED = 3


def password_problems(password: str, email: str, is_common: Callable[[str], bool]) -> list[str]:
    """Every rule the password breaks, as the French sentence the user reads; [] if none."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Le mot de passe doit contenir au moins {MIN_LENGTH} caractères.")
    if len(password) > MAX_LENGTH:
        problems.append(f"Le mot de passe ne doit pas dépasser {MAX_LENGTH} caractères.")
    classes = sum(
        (
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )
    if classes < CLASSES_REQUIRED:
        problems.append(
            "Le mot de passe doit contenir au moins 3 des 4 types de caractères suivants : "
            "minuscules, majuscules, chiffres, caractères spéciaux."
        )
    local_part = email.partition("@")[0].lower()
    if len(local_part) >= 3 and local_part in password.lower():
        problems.append("Le mot de passe ne doit pas contenir votre adresse e-mail.")
    if is_common(password):
        problems.append("Ce mot de passe est trop courant. Choisissez-en un moins prévisible.")
    return problems


def check_password(password: str, email: str, is_common: Callable[[str], bool]) -> None:
    """Raise WeakPassword listing every rule broken, each as a message on the `password` field."""
    problems = password_problems(password, email, is_common)
    if problems:
        raise WeakPassword(problems[0], field="password", errors=[("password", p) for p in problems])
