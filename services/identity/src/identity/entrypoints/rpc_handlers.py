"""The identity RPC queues: which use case answers which request (the kit serves them, refusals as replies)."""

from contracts import accounts as a
from contracts import identity as i
from contracts import invited_accounts as ia
from contracts import oidc as oi
from contracts import organisations as o
from contracts import privacy as p
from contracts import second_factor as sf
from contracts.rpc import PingV1, PongV1
from efp_runtime.message_context import MessageContext
from efp_runtime.service import Routes
from identity.composition import Identity


async def pong(request: PingV1, context: MessageContext) -> PongV1:
    """The readiness probe, answered by the service itself."""
    return PongV1(service="identity")


def routes(identity: Identity) -> Routes:
    """Each request to its use case, called with the request itself and the message's context."""
    x, oidc, factor, mine = identity, identity.oidc, identity.second_factor, identity.my_data
    return {
        PingV1: pong,
        i.CreateCaptchaV1: x.create_captcha,
        i.GetCaptchaImageV1: x.get_captcha_image,
        i.GetCaptchaAudioV1: x.get_captcha_audio,
        i.StartRegistrationV1: x.start_registration,
        i.VerifyRegistrationCodeV1: x.verify_registration_code,
        a.ResendRegistrationCodeV1: x.resend_registration_code,
        a.ChooseRegistrationPasswordV1: x.choose_registration_password,
        a.GiveRegistrationIdentityV1: x.give_registration_identity,
        a.GoBackInRegistrationV1: x.go_back_in_registration,
        a.CompleteRegistrationV1: x.complete_registration,
        o.SearchOrganisationsV1: x.search_organisations,
        o.GetOrganisationV1: x.get_organisation,
        a.LogInV1: x.log_in,
        a.AuthenticateSessionV1: x.authenticate_session,
        a.LogOutV1: x.log_out,
        a.LogOutOtherSessionsV1: x.log_out_other_sessions,
        a.GetProfileV1: x.get_profile,
        a.UpdateProfileV1: x.update_profile,
        a.RequestPasswordResetV1: x.request_password_reset,
        a.VerifyPasswordResetCodeV1: x.verify_password_reset_code,
        a.ResetPasswordV1: x.reset_password,
        a.ChangePasswordV1: x.change_password,
        ia.CreateInvitedAccountV1: x.create_invited_account,
        oi.DescribeOidcClientV1: oidc.describe_oidc_client,
        oi.IssueAuthorizationCodeV1: oidc.issue_authorization_code,
        oi.ExchangeAuthorizationCodeV1: oidc.exchange_authorization_code,
        oi.GetUserInfoV1: oidc.get_user_info,
        oi.RevokeOidcTokenV1: oidc.revoke_oidc_token,
        oi.GetSigningKeysV1: oidc.get_signing_keys,
        oi.CheckLogoutRequestV1: oidc.check_logout_request,
        sf.GetSecondFactorStatusV1: factor.get_second_factor_status,
        sf.StartTotpEnrolmentV1: factor.start_totp_enrolment,
        sf.ConfirmTotpEnrolmentV1: factor.confirm_totp_enrolment,
        sf.RemoveTotpV1: factor.remove_totp,
        sf.StartPasskeyRegistrationV1: factor.start_passkey_registration,
        sf.FinishPasskeyRegistrationV1: factor.finish_passkey_registration,
        sf.RemovePasskeyV1: factor.remove_passkey,
        sf.RegenerateRecoveryCodesV1: factor.regenerate_recovery_codes,
        sf.StartSecondFactorChallengeV1: factor.start_second_factor_challenge,
        sf.ProveSecondFactorV1: factor.prove_second_factor,
        p.StartEmailChangeV1: mine.start_email_change,
        p.VerifyEmailChangeV1: mine.verify_email_change,
        p.ExportIdentityDataV1: mine.export_identity_data,
        p.DeleteAccountV1: identity.privacy.delete_account,
    }
