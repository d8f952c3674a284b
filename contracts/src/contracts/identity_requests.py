"""Every request the identity service answers, as one discriminated union (on `kind`)."""

from typing import Annotated

from pydantic import Field

from contracts.accounts import (
    AuthenticateSessionV1,
    ChangePasswordV1,
    ChooseRegistrationPasswordV1,
    CompleteRegistrationV1,
    GetProfileV1,
    GiveRegistrationIdentityV1,
    GoBackInRegistrationV1,
    LogInV1,
    LogOutV1,
    RequestPasswordResetV1,
    ResendRegistrationCodeV1,
    ResetPasswordV1,
    UpdateProfileV1,
    VerifyPasswordResetCodeV1,
)
from contracts.identity import (
    CreateCaptchaV1,
    GetCaptchaAudioV1,
    GetCaptchaImageV1,
    StartRegistrationV1,
    VerifyRegistrationCodeV1,
)
from contracts.invited_accounts import CreateInvitedAccountV1
from contracts.oidc import (
    CheckLogoutRequestV1,
    DescribeOidcClientV1,
    ExchangeAuthorizationCodeV1,
    GetSigningKeysV1,
    GetUserInfoV1,
    IssueAuthorizationCodeV1,
    RevokeOidcTokenV1,
)
from contracts.organisations import GetOrganisationV1, SearchOrganisationsV1
from contracts.rpc import PingV1

IdentityRequest = Annotated[
    PingV1
    | CreateCaptchaV1
    | GetCaptchaImageV1
    | GetCaptchaAudioV1
    | StartRegistrationV1
    | VerifyRegistrationCodeV1
    | ResendRegistrationCodeV1
    | ChooseRegistrationPasswordV1
    | GiveRegistrationIdentityV1
    | GoBackInRegistrationV1
    | CompleteRegistrationV1
    | SearchOrganisationsV1
    | GetOrganisationV1
    | LogInV1
    | AuthenticateSessionV1
    | LogOutV1
    | GetProfileV1
    | UpdateProfileV1
    | RequestPasswordResetV1
    | VerifyPasswordResetCodeV1
    | ResetPasswordV1
    | ChangePasswordV1
    | CreateInvitedAccountV1
    | DescribeOidcClientV1
    | IssueAuthorizationCodeV1
    | ExchangeAuthorizationCodeV1
    | GetUserInfoV1
    | RevokeOidcTokenV1
    | GetSigningKeysV1
    | CheckLogoutRequestV1,
    Field(discriminator="kind"),
]
