"""Realistic contents of every e-mail of the catalogue, with the French sentences each must show, and how
a reader sees a part: the support of the template tests (not a test module)."""

import html
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from contracts.notification import (
    AccessGrantedV1,
    AccessRefusedV1,
    AccessRequestReceivedV1,
    AccessRequestResentV1,
    AccountCreatedEmailV1,
    AccountDeletedEmailV1,
    ActivationCodeRedeemedV1,
    CodesLockedEmailV1,
    EmailChangeCodeV1,
    EmailChangedNoticeV1,
    HabilitationEndedV1,
    HabilitationEndingSoonV1,
    HabilitationSummaryV1,
    InactiveAccountWarningV1,
    InvitationResentV1,
    InvitationV1,
    ManagerRightGrantedV1,
    ManagerRightWithdrawnV1,
    PasswordChangedEmailV1,
    PasswordResetCodeV1,
    SecondFactorChangedEmailV1,
    SignupAttemptOnExistingAccountV1,
    SignupVerificationCodeV1,
)

NANTES = HabilitationSummaryV1(
    role_label="Centre agréé",
    establishment_name="CFI Atlantique – Nantes",
    siret="79810137400021",
    end_date=date(2030, 12, 31),
)
SAINT_NAZAIRE = HabilitationSummaryV1(
    role_label="Gestionnaire CENTRES", establishment_name="CFI Atlantique – Saint-Nazaire", siret="79810137400039"
)
REQUEST = {
    "service_label": "CERES",
    "requester_first_name": "Hélène",
    "requester_last_name": "Lefèvre",
    "requester_email": "helene.lefevre@cfi-atlantique.fr",
    "organisation_name": "CFI ATLANTIQUE",
    "establishment_name": "CFI Atlantique – Nantes",
    "siret": "79810137400021",
    "requested_on": date(2030, 3, 5),
    "message": "Bonjour, je remplace François Gérard à l'accueil des candidats.",
    "link": "https://ceres.emploi.gouv.fr/acces/demandes/5f1c2a",
}
INVITATION = {
    "service_label": "CERES",
    "inviter_first_name": "Noël",
    "inviter_last_name": "Bénard",
    "organisation_name": "CFI ATLANTIQUE",
    "habilitations": (NANTES, SAINT_NAZAIRE),
    "has_account": False,
    "link": "https://efpconnect.emploi.gouv.fr/invitations/Zk3q9VbT0xY7",
}
ENDING = {
    "service_label": "CERES",
    "holder_first_name": "Hélène",
    "holder_last_name": "Lefèvre",
    "organisation_name": "CFI ATLANTIQUE",
    "role_label": "Centre agréé",
    "establishment_name": "CFI Atlantique – Nantes",
    "siret": "79810137400021",
    "end_date": date(2030, 12, 31),
}


@dataclass(frozen=True)
class Sample:
    content: Any
    subject: str
    # Sentences both parts show, as a reader sees them (tags dropped, entities decoded, spaces joined).
    wording: tuple[str, ...]


SAMPLES = {
    "signup_verification_code": Sample(
        SignupVerificationCodeV1(
            code="482913", link="https://efpconnect.emploi.gouv.fr/inscription/9b1f0c2e/code?code=482913"
        ),
        "Validation de votre compte EFP CONNECT",
        (
            "merci de saisir le code de validation ci-dessous : 482913",
            "Ce code expirera dans 1 heure.",
            "Vous pouvez également cliquer sur le bouton ci-dessous : Valider mon adresse e-mail",
        ),
    ),
    "signup_attempt_existing_account": Sample(
        SignupAttemptOnExistingAccountV1(),
        "Tentative de création d'un compte EFP Connect avec votre adresse",
        ("alors qu'un compte existe déjà pour cette adresse.",),
    ),
    "account_created": Sample(
        AccountCreatedEmailV1(
            civility="madame",
            first_name="Hélène",
            last_name="Lefèvre",
            link="https://efpconnect.emploi.gouv.fr/connexion",
        ),
        "Votre compte EFP Connect est créé",
        ("Bonjour Madame Hélène Lefèvre,", "Votre compte EFP Connect est créé.", "Se connecter"),
    ),
    "password_reset_code": Sample(
        PasswordResetCodeV1(
            code="596922",
            civility="monsieur",
            last_name="Dupont",
            link="https://efpconnect.emploi.gouv.fr/mot-de-passe-oublie/4c7d2a91/code?code=596922",
        ),
        "Réinitialisation du mot de passe de votre compte EFP Connect",
        (
            "Bonjour Monsieur Dupont,",
            "le code de réinitialisation à saisir : 596922",
            "Il expirera au bout de 24 heures.",
            "Vous pouvez également cliquer sur le bouton ci-dessous : Réinitialiser mon mot de passe",
        ),
    ),
    "password_changed": Sample(
        PasswordChangedEmailV1(),
        "Votre mot de passe a été modifié",
        ("Le mot de passe de votre compte EFP Connect a été modifié.",),
    ),
    "codes_locked": Sample(
        CodesLockedEmailV1(purpose="password_reset"),
        "Trop de codes incorrects saisis pour votre adresse",
        (
            "Trop de codes incorrects ont été saisis aujourd'hui pour réinitialiser le mot de passe de votre "
            "compte EFP Connect.",
            "aucun code ne sera accepté ni envoyé pendant 24 heures.",
        ),
    ),
    "second_factor_changed": Sample(
        # 14:05 UTC in summer: 16:05 in Paris.
        SecondFactorChangedEmailV1(
            change="passkey_added",
            passkey_name="YubiKey du bureau",
            changed_at=datetime(2030, 6, 12, 14, 5, tzinfo=UTC),
        ),
        "Votre double authentification a été modifiée",
        (
            "La clé d'accès « YubiKey du bureau » a été ajoutée à la double authentification de votre compte "
            "EFP Connect.",
            "Modification effectuée le 12/06/2030 à 16:05 (heure de Paris).",
            "Si vous n'êtes pas à l'origine de cette modification, réinitialisez immédiatement votre mot de passe",
            "et prévenez votre responsable des accès.",
        ),
    ),
    "email_change_code": Sample(
        EmailChangeCodeV1(code="730215"),
        "Votre code de vérification",
        (
            "Afin de confirmer votre nouvelle adresse e-mail, merci de saisir le code de vérification ci-dessous : "
            "730215",
            "Ce code est à usage unique. Il expirera dans 30 minutes.",
            "Si vous n'êtes pas à l'origine de cette demande, vous pouvez ignorer ce message",
        ),
    ),
    "email_changed": Sample(
        # 21:30 UTC in winter: 22:30 in Paris, the same day.
        EmailChangedNoticeV1(
            new_email_hint="h•••@cfi-atlantique.fr", changed_at=datetime(2030, 1, 14, 21, 30, tzinfo=UTC)
        ),
        "Votre adresse e-mail a été modifiée",
        (
            "L'adresse e-mail de votre compte EFP Connect a été remplacée par h•••@cfi-atlantique.fr le 14/01/2030 "
            "à 22:30 (heure de Paris).",
            "Vous ne recevrez plus de messages d'EFP Connect à cette adresse.",
            "Si vous n'êtes pas à l'origine de cette modification, quelqu'un a peut-être accès à votre compte : "
            "contactez sans attendre l'assistance EFP Connect",
        ),
    ),
    "account_deleted": Sample(
        AccountDeletedEmailV1(deleted_at=datetime(2030, 6, 12, 14, 5, tzinfo=UTC)),
        "Votre compte EFP Connect a été supprimé",
        (
            "Votre compte EFP Connect a été supprimé à votre demande le 12/06/2030 à 16:05 (heure de Paris).",
            "Vos données personnelles ont été effacées",
            "Si vous n'êtes pas à l'origine de cette suppression, prévenez sans attendre votre responsable des accès.",
        ),
    ),
    "inactive_account_warning": Sample(
        InactiveAccountWarningV1(
            last_login_on=date(2027, 3, 2),
            delete_on=date(2030, 4, 1),
            link="https://efpconnect.emploi.gouv.fr/connexion",
        ),
        "Votre compte EFP Connect va être supprimé",
        (
            "Aucune connexion à votre compte EFP Connect n'a eu lieu depuis le 02/03/2027.",
            "Sans connexion de votre part, il sera supprimé le 01/04/2030",
            "Pour conserver votre compte, il vous suffit de vous identifier avant cette date.",
            "Se connecter",
        ),
    ),
    "access_request_received": Sample(
        AccessRequestReceivedV1(**REQUEST),
        "Nouvelle demande d'accès au service numérique CERES",
        (
            "Hélène Lefèvre (helene.lefevre@cfi-atlantique.fr) demande un accès au service numérique CERES pour "
            "l'établissement CFI Atlantique – Nantes (SIRET 79810137400021) de CFI ATLANTIQUE.",
            "La demande a été faite le 05/03/2030.",
            "Bonjour, je remplace François Gérard à l'accueil des candidats.",
            "Valider la demande d'accès",
        ),
    ),
    "access_request_resent": Sample(
        AccessRequestResentV1(**REQUEST),
        "Relance d'une demande d'accès au service numérique CERES",
        (
            "Hélène Lefèvre (helene.lefevre@cfi-atlantique.fr) relance sa demande d'accès au service numérique "
            "CERES du 05/03/2030, pour l'établissement CFI Atlantique – Nantes (SIRET 79810137400021)",
            "Cette demande est toujours en attente de traitement.",
            "Valider la demande d'accès",
        ),
    ),
    "access_granted": Sample(
        AccessGrantedV1(
            service_label="CERES",
            habilitations=(NANTES,),
            after_access_request=True,
            link="https://ceres.emploi.gouv.fr",
            habilitations_link="https://efpconnect.emploi.gouv.fr/services/CERES?empowerment=true",
        ),
        "Vous avez obtenu une nouvelle habilitation d'accès au service numérique CERES",
        (
            "Votre demande d'accès au service numérique CERES a été validée",
            "Un administrateur vous a donné accès au service numérique CERES en tant que Centre agréé pour "
            "l'établissement CFI Atlantique – Nantes (SIRET 79810137400021), jusqu'au 31/12/2030.",
            "Vous pouvez désormais accéder au service numérique CERES en vous connectant sur "
            "https://ceres.emploi.gouv.fr",
            "Note : Vous pouvez consulter vos habilitations sur",
        ),
    ),
    "access_refused": Sample(
        AccessRefusedV1(
            service_label="CERES",
            organisation_name="CFI ATLANTIQUE",
            establishment_name="CFI Atlantique – Nantes",
            siret="79810137400021",
            requested_on=date(2030, 3, 5),
            reason="Mme Lefèvre ne fait pas partie de l'équipe pédagogique.",
            link="https://ceres.emploi.gouv.fr",
        ),
        "Votre demande d'accès au service numérique CERES a été refusée",
        (
            "Votre demande d'accès au service numérique CERES du 05/03/2030, pour l'établissement "
            "CFI Atlantique – Nantes (SIRET 79810137400021) de CFI ATLANTIQUE, a été refusée",
            "Motif indiqué par le responsable des accès : « Mme Lefèvre ne fait pas partie de l'équipe",
        ),
    ),
    "invitation": Sample(
        InvitationV1(**INVITATION),
        "Invitation à rejoindre le service numérique CERES",
        (
            "Noël Bénard, responsable des accès de CFI ATLANTIQUE, vous invite à accéder au service numérique CERES",
            "en tant que Centre agréé pour l'établissement CFI Atlantique – Nantes (SIRET 79810137400021), "
            "jusqu'au 31/12/2030 ;",
            "en tant que Gestionnaire CENTRES pour l'établissement CFI Atlantique – Saint-Nazaire "
            "(SIRET 79810137400039), pour une durée indéterminée.",
            "Accepter l'invitation",
            "Ce lien est à usage unique. Cette invitation expire dans 1 jour",
            "cliquez sur « Réinitialiser mon mot de passe » sur la page de connexion",
        ),
    ),
    "invitation_resent": Sample(
        InvitationResentV1(**INVITATION),
        "Relance : invitation à rejoindre le service numérique CERES",
        (
            "Noël Bénard, responsable des accès de CFI ATLANTIQUE, vous renvoie l'invitation à accéder au service "
            "numérique CERES.",
            "Le lien de l'invitation précédente n'est plus valable",
            "Cette invitation expire dans 1 jour",
        ),
    ),
    "habilitation_ending_soon": Sample(
        HabilitationEndingSoonV1(audience="holder", link="https://ceres.emploi.gouv.fr", **ENDING),
        "Fin prochaine d'une habilitation d'accès au service numérique CERES",
        (
            "Votre habilitation d'accès au service numérique CERES en tant que Centre agréé pour l'établissement "
            "CFI Atlantique – Nantes (SIRET 79810137400021) prend fin le 31/12/2030, dans 7 jours.",
            "rapprochez-vous du responsable des accès de CFI ATLANTIQUE",
        ),
    ),
    "habilitation_ended": Sample(
        HabilitationEndedV1(
            kind="revoked",
            service_label="CERES",
            role_label="Centre agréé",
            establishment_name="CFI Atlantique – Nantes",
            siret="79810137400021",
            ended_on=date(2030, 6, 15),
            reason="Fin de la mission de formatrice.",
            link="https://ceres.emploi.gouv.fr",
        ),
        "Fin de votre habilitation d'accès au service numérique CERES",
        (
            "a été retirée par le responsable des accès de votre structure le 15/06/2030.",
            "Vous n'avez plus accès au service numérique CERES avec ce rôle pour cet établissement.",
            "Motif : « Fin de la mission de formatrice. »",
        ),
    ),
    "manager_right_granted": Sample(
        ManagerRightGrantedV1(
            service_label="CERES",
            organisation_name="CFI ATLANTIQUE",
            siren="798101374",
            granted_by_first_name="Noël",
            granted_by_last_name="Bénard",
            granted_on=date(2030, 1, 2),
            link="https://ceres.emploi.gouv.fr",
        ),
        "Vous êtes responsable des accès au service numérique CERES",
        (
            "Noël Bénard vous a attribué le droit de responsable des accès au service numérique CERES pour "
            "CFI ATLANTIQUE (SIREN 798101374), le 02/01/2030.",
            "Le droit de responsable des accès permet de gérer les collaborateurs et les accès sur le service "
            "numérique",
            "vous devrez lire et accepter la charte du responsable des accès",
        ),
    ),
    "manager_right_withdrawn": Sample(
        ManagerRightWithdrawnV1(
            service_label="CERES",
            organisation_name="CFI ATLANTIQUE",
            siren="798101374",
            withdrawn_by_first_name="Noël",
            withdrawn_by_last_name="Bénard",
            withdrawn_on=date(2030, 1, 2),
            link="https://ceres.emploi.gouv.fr",
        ),
        "Retrait de votre droit de responsable des accès au service numérique CERES",
        (
            "Noël Bénard a retiré votre droit de responsable des accès au service numérique CERES pour "
            "CFI ATLANTIQUE (SIREN 798101374), le 02/01/2030.",
            "Vos propres habilitations d'accès ne sont pas modifiées.",
        ),
    ),
    "activation_code_redeemed": Sample(
        ActivationCodeRedeemedV1(
            service_label="CERES",
            organisation_name="CFI ATLANTIQUE",
            siret="79810137400021",
            manager_first_name="Zoé",
            manager_last_name="Müller",
            manager_email="zoe.muller@cfi-atlantique.fr",
            redeemed_on=date(2024, 11, 5),
            link="https://ceres.emploi.gouv.fr/acces/utilisateurs/8d2e",
        ),
        "Nouveau responsable des accès par code d'activation au service numérique CERES",
        (
            "Zoé Müller (zoe.muller@cfi-atlantique.fr) a obtenu le droit de responsable des accès au service "
            "numérique CERES pour CFI ATLANTIQUE en saisissant un code d'activation avec le SIRET 79810137400021.",
            "Droit Responsable des accès attribué par code d'activation le 05/11/2024.",
            "Si vous ne connaissez pas cette personne, retirez-lui le droit de responsable des accès",
        ),
    ),
}


def readable(part: str) -> str:
    """What a reader sees: for HTML, tags dropped and entities decoded; spaces and line breaks joined."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", part)).split())
